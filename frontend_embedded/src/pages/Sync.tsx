/** Sync: live progress of the running import, "Sync now", and the history of runs. */
import { BlockStack, Box, Card, InlineStack, Layout, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { RunsTable } from "../components/Sync/RunsTable";
import { SyncProgress } from "../components/Sync/SyncProgress";
import { WebhookHealthCard } from "../components/Sync/WebhookHealthCard";
import type { WebhookHealth } from "../api/settings";
import { STATUS_LABEL, kindLabel } from "../components/Sync/labels";
import { ApiError, apiFetch, useApi } from "../hooks/useApi";
import { useSyncFeed } from "../hooks/useSyncFeed";
import { formatDateTime } from "../lib/format";
import { toast } from "../lib/toast";
import { useShopEnv } from "../shopContext";
import { isActive, type SyncKind, type SyncRun } from "../types";

export default function SyncPage() {
  const { locale, timeZone } = useShopEnv();
  const feed = useSyncFeed();
  const webhooks = useApi<WebhookHealth>("/webhooks/health");
  const [starting, setStarting] = useState<SyncKind | null>(null);

  const runs = feed.runs ?? [];
  const active = runs.filter(isActive);
  const lastFinished = runs.find((run) => !isActive(run));
  // One sync at a time: the server answers 409 otherwise, so don't offer it.
  const busy = starting !== null || active.length > 0;

  async function start(kind: SyncKind) {
    setStarting(kind);
    try {
      const body = await apiFetch<{ run: SyncRun }>("/sync", { method: "POST", body: { kind } });
      feed.upsert(body.run);
      toast(kind === "full" ? "Full sync started" : "Sync started");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        toast("A sync is already running");
        void feed.refresh();
      } else {
        toast(err instanceof ApiError ? err.message : "The sync could not start. Try again.", true);
      }
    } finally {
      setStarting(null);
    }
  }

  return (
    <AppPage
      title="Sync"
      subtitle="Import orders and customers from your store"
      primaryAction={{
        content: "Sync now",
        onAction: () => void start("incremental"),
        loading: starting === "incremental",
        disabled: busy,
      }}
      secondaryActions={[
        { content: "Full resync", onAction: () => void start("full"), loading: starting === "full", disabled: busy },
      ]}
    >
      <Layout>
        {feed.error && (
          <Layout.Section>
            <ErrorBanner title="Sync history could not be loaded" error={feed.error} onRetry={() => void feed.refresh()} />
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Current sync
                </Text>
                <Text as="span" variant="bodySm" tone="subdued">
                  {feed.connected ? "Live updates" : "Checking for updates every few seconds"}
                </Text>
              </InlineStack>
              <Box minHeight="72px">
                {feed.loading && !feed.runs ? (
                  <SkeletonBodyText lines={3} />
                ) : active.length > 0 ? (
                  <BlockStack gap="500">
                    {active.map((run) => (
                      <SyncProgress key={String(run.id)} run={run} />
                    ))}
                  </BlockStack>
                ) : lastFinished ? (
                  <BlockStack gap="100">
                    <Text as="p" variant="bodyMd">
                      No sync is running. The last {kindLabel(String(lastFinished.kind)).toLowerCase()}{" "}
                      {STATUS_LABEL[lastFinished.status]?.label.toLowerCase() ?? lastFinished.status}
                      {lastFinished.finished_at
                        ? ` on ${formatDateTime(lastFinished.finished_at, timeZone, locale)}`
                        : ""}
                      .
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      XSight keeps your data current with webhooks. Sync now to catch up after a pause; a full resync
                      imports everything again.
                    </Text>
                  </BlockStack>
                ) : (
                  <BlockStack gap="100">
                    <Text as="p" variant="bodyMd">
                      Your store has not been synced yet.
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Sync now to import your orders and customers. The dashboard fills in as soon as it finishes.
                    </Text>
                  </BlockStack>
                )}
              </Box>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <Text as="h2" variant="headingMd">
                History
              </Text>
            </Box>
            {feed.loading && !feed.runs ? (
              <Box padding="400" minHeight="160px">
                <SkeletonBodyText lines={5} />
              </Box>
            ) : runs.length > 0 ? (
              <RunsTable runs={runs} />
            ) : (
              <Box padding="400" paddingBlockStart="0">
                <Text as="p" tone="subdued">
                  No syncs yet. Each sync you run appears here with its status and record counts.
                </Text>
              </Box>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <WebhookHealthCard state={webhooks} />
          <div style={{ height: 16 }} />
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}
