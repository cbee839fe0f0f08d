/** Tag write-back: tag the segment's members in Shopify, the last runs, and "Write tags now". */
import { Badge, BlockStack, Box, Button, Card, Checkbox, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import type { Segment, TagRun } from "../../crmTypes";
import { ApiError, apiFetch, useApi } from "../../hooks/useApi";
import { formatCount, formatDateTime } from "../../lib/format";
import { toast } from "../../lib/toast";
import { useShopEnv } from "../../shopContext";
import { ErrorBanner } from "../Layout/ErrorBanner";

const STATUS_TONE: Record<string, "success" | "critical" | "info" | "attention" | undefined> = {
  succeeded: "success",
  failed: "critical",
  running: "info",
  queued: "attention",
};

interface Props {
  segment: Segment;
  onToggle: (enabled: boolean) => Promise<void>;
}

export function TagWritebackCard({ segment, onToggle }: Props) {
  const { locale, timeZone } = useShopEnv();
  const runs = useApi<{ runs: TagRun[] }>(`/segments/${segment.id}/tag-runs`);
  const [saving, setSaving] = useState(false);
  const [starting, setStarting] = useState(false);
  const active = runs.data?.runs.some((run) => run.status === "queued" || run.status === "running") ?? false;

  async function toggle(enabled: boolean) {
    setSaving(true);
    try {
      await onToggle(enabled);
    } finally {
      setSaving(false);
    }
  }

  async function writeNow() {
    setStarting(true);
    try {
      await apiFetch(`/segments/${segment.id}/tag-runs`, { method: "POST" });
      toast("Tag write-back started");
    } catch (err) {
      toast(err instanceof ApiError && err.status === 409 ? "Tags are already being written" : err instanceof ApiError ? err.message : "The write-back could not start.", true);
    } finally {
      setStarting(false);
      runs.reload();
    }
  }

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Tags in Shopify
        </Text>
        <Checkbox
          label="Tag members in Shopify"
          helpText={`Adds the tag ${segment.tag ? `“${segment.tag}”` : "of this segment"} to members and removes it from customers who leave, so Shopify Email, Flow or Klaviyo can use the segment.`}
          checked={segment.tag_writeback}
          disabled={saving}
          onChange={(checked) => void toggle(checked)}
        />
        <InlineStack align="end">
          <Button onClick={() => void writeNow()} loading={starting} disabled={!segment.tag_writeback || active}>
            Write tags now
          </Button>
        </InlineStack>
        {runs.error ? (
          <ErrorBanner title="Tag runs could not be loaded" error={runs.error} onRetry={runs.reload} />
        ) : !runs.data ? (
          <Box minHeight="80px">
            <SkeletonBodyText lines={3} />
          </Box>
        ) : runs.data.runs.length === 0 ? (
          <Text as="p" tone="subdued">
            No tags written yet.
          </Text>
        ) : (
          <ul aria-label="Last tag runs" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {runs.data.runs.slice(0, 5).map((run) => (
              <li key={run.id}>
                <Box paddingBlock="150" borderBlockEndWidth="025" borderColor="border-secondary">
                  <BlockStack gap="050">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="span" variant="bodySm">
                        {formatDateTime(run.started_at, timeZone, locale)}
                      </Text>
                      <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
                    </InlineStack>
                    <Text as="span" variant="bodySm" tone={run.error ? "critical" : "subdued"}>
                      {run.error ??
                        `${formatCount(run.added ?? 0, locale)} tagged, ${formatCount(run.removed ?? 0, locale)} untagged${run.failed ? `, ${formatCount(run.failed, locale)} failed` : ""}`}
                    </Text>
                  </BlockStack>
                </Box>
              </li>
            ))}
          </ul>
        )}
      </BlockStack>
    </Card>
  );
}
