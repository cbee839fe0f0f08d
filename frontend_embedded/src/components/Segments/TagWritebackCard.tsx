/** Tag write-back: tag the segment's members in Shopify, the last runs, and "Write tags now". */
import { Badge, BlockStack, Box, Button, Card, Checkbox, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { Segment, TagRun } from "../../crmTypes";
import { ApiError, apiFetch, useApi } from "../../hooks/useApi";
import { formatCount, formatDateTime } from "../../lib/format";
import { toast } from "../../lib/toast";
import { useShopEnv } from "../../shopContext";
import { ErrorBanner } from "../Layout/ErrorBanner";
import { humanize } from "./ValueEditor";

const STATUS_TONE: Record<string, "success" | "critical" | "info" | "attention" | undefined> = {
  succeeded: "success",
  failed: "critical",
  running: "info",
  queued: "attention",
};

/** While a tag run is active, check on it this often (ms). */
const RUN_POLL_MS = 2000;

const isActive = (run: TagRun) => run.status === "queued" || run.status === "running";

function runSummary(run: TagRun, locale: string): string {
  if (run.error) return run.error;
  const n = (v: number | null) => formatCount(v ?? 0, locale);
  if (isActive(run)) return `${n(run.to_add)} to tag, ${n(run.to_remove)} to untag`;
  return `${n(run.added)} tagged, ${n(run.removed)} untagged${run.failed ? `, ${n(run.failed)} failed` : ""}`;
}

interface Props {
  segment: Segment;
  onToggle: (enabled: boolean) => Promise<void>;
}

export function TagWritebackCard({ segment, onToggle }: Props) {
  const { locale, timeZone } = useShopEnv();
  const runs = useApi<{ runs: TagRun[] }>(`/segments/${segment.id}/tag-runs`);
  const [saving, setSaving] = useState(false);
  const [starting, setStarting] = useState(false);
  const active = runs.data?.runs.some(isActive) ?? false;
  const { reload } = runs;
  // While a run is going, follow it until it ends.
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(reload, RUN_POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, reload]);

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
                      <Badge tone={STATUS_TONE[run.status]}>{humanize(run.status)}</Badge>
                    </InlineStack>
                    <Text as="span" variant="bodySm" tone={run.error ? "critical" : "subdued"}>
                      {runSummary(run, locale)}
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
