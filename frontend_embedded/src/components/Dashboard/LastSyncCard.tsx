/** The state of the last sync, with a link to the Sync page. */
import { Badge, BlockStack, Button, Card, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { formatDateTime } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { Shop } from "../../types";
import { STATUS_LABEL, kindLabel } from "../Sync/labels";

export function LastSyncCard({ shop, loading }: { shop: Shop | null; loading: boolean }) {
  const { locale, timeZone } = useShopEnv();
  const last = shop?.last_sync ?? null;
  const status = last ? (STATUS_LABEL[last.status] ?? { label: last.status, tone: undefined }) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Data sync
          </Text>
          {status && <Badge tone={status.tone}>{status.label}</Badge>}
        </InlineStack>
        <div style={{ minHeight: 40 }}>
          {loading && !shop ? (
            <SkeletonBodyText lines={2} />
          ) : !last ? (
            <Text as="p" tone="subdued">
              Your store has not been synced yet. Until it is, the dashboard has no orders to show.
            </Text>
          ) : (
            <Text as="p" tone="subdued">
              {kindLabel(String(last.kind))}{" "}
              {last.status === "running" || last.status === "queued"
                ? `started ${formatDateTime(last.started_at, timeZone, locale)}`
                : `finished ${formatDateTime(last.finished_at ?? last.started_at, timeZone, locale)}`}
            </Text>
          )}
        </div>
        <InlineStack>
          <Button url="/sync" variant="plain">
            {last ? "View sync details" : "Start the first sync"}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
