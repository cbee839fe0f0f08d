/** Webhook health: what Shopify delivered in the last day, what failed, and anything still waiting. */
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import type { WebhookHealth } from "../../api/settings";
import type { ApiState } from "../../hooks/useApi";
import { formatCount, formatDateTime, formatDuration } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { ErrorBanner } from "../Layout/ErrorBanner";

/** A delivery still waiting after this long (seconds) means the worker is behind or stopped. */
export const PENDING_WARN_SECONDS = 300;

type Verdict = { label: string; tone: "success" | "warning" | "critical" | undefined };

/** Summarise the health in one badge. */
export function verdict(h: WebhookHealth): Verdict {
  if (h.totals.failed > 0 || h.malformed > 0) return { label: "Failures", tone: "critical" };
  if (h.oldest_pending && h.oldest_pending.age_seconds > PENDING_WARN_SECONDS) return { label: "Behind", tone: "warning" };
  if (h.totals.total === 0) return { label: "Quiet", tone: undefined };
  return { label: "Healthy", tone: "success" };
}

export function WebhookHealthCard({ state }: { state: ApiState<WebhookHealth> }) {
  const { locale, timeZone } = useShopEnv();
  const h = state.data;
  const v = h ? verdict(h) : null;
  return (
    <div data-testid="webhook-health">
      <Card padding="0">
        <Box padding="400">
          <BlockStack gap="100">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Webhook health
              </Text>
              {v && <Badge tone={v.tone}>{v.label}</Badge>}
            </InlineStack>
            <Text as="p" tone="subdued">
              {h
                ? `Changes Shopify sent in the last ${h.window_hours} hours. Last received: ${h.last_received_at ? formatDateTime(h.last_received_at, timeZone, locale) : "never"}.`
                : "Changes Shopify sent in the last 24 hours."}
            </Text>
          </BlockStack>
        </Box>
        {state.error ? (
          <Box padding="400" paddingBlockStart="0">
            <ErrorBanner title="Webhook health could not be loaded" error={state.error} onRetry={state.reload} />
          </Box>
        ) : !h ? (
          <Box padding="400" paddingBlockStart="0" minHeight="140px">
            <SkeletonBodyText lines={5} />
          </Box>
        ) : (
          <BlockStack gap="300">
            {h.oldest_pending && h.oldest_pending.age_seconds > PENDING_WARN_SECONDS && (
              <Box paddingInline="400">
                <Banner tone="warning" title="Deliveries are waiting to be processed">
                  <p>
                    The oldest ({h.oldest_pending.topic}) has waited {formatDuration(h.oldest_pending.age_seconds)}. Check
                    that the background worker is running.
                  </p>
                </Banner>
              </Box>
            )}
            {h.topics.length === 0 ? (
              <Box padding="400" paddingBlockStart="0">
                <Text as="p" tone="subdued">
                  No webhooks in the last {h.window_hours} hours. They arrive when orders, customers or products change in
                  your store; the scheduled sync catches anything missed.
                </Text>
              </Box>
            ) : (
              <DataTable
                hideScrollIndicator
                increasedTableDensity
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
                headings={["Topic", "Processed", "Waiting", "Failed", "Malformed", "Last received"]}
                rows={h.topics.map((t) => [
                  t.topic,
                  formatCount(t.processed + t.ignored, locale),
                  formatCount(t.received, locale),
                  formatCount(t.failed, locale),
                  formatCount(t.malformed, locale),
                  formatDateTime(t.last_received_at, timeZone, locale),
                ])}
              />
            )}
            {h.failures.length > 0 && (
              <Box padding="400" paddingBlockStart="0">
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    Recent failures
                  </Text>
                  {h.failures.map((f, i) => (
                    <Text as="p" variant="bodySm" key={`${f.received_at}-${i}`} breakWord>
                      <Text as="span" fontWeight="semibold">
                        {f.topic}
                      </Text>{" "}
                      {formatDateTime(f.received_at, timeZone, locale)} — {f.status === "malformed" ? "malformed: " : ""}
                      {f.error ?? "no detail"}
                    </Text>
                  ))}
                </BlockStack>
              </Box>
            )}
          </BlockStack>
        )}
      </Card>
    </div>
  );
}
