/** A live progress bar for one sync run: step, processed of total, percent and time left. */
import { BlockStack, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useId } from "react";
import { formatCount, formatDuration } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { SyncRun } from "../../types";
import { kindLabel, runPercent, stepLabel } from "./labels";

export function SyncProgress({ run }: { run: SyncRun }) {
  const { locale } = useShopEnv();
  const labelId = useId();
  const percent = runPercent(run);
  const queued = run.status === "queued";
  const counts =
    run.total !== null && run.total !== undefined
      ? `${formatCount(run.processed ?? 0, locale)} of ${formatCount(run.total, locale)}`
      : run.processed
        ? `${formatCount(run.processed, locale)} processed`
        : null;
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm" id={labelId}>
          {kindLabel(String(run.kind))}: {queued ? "waiting to start" : stepLabel(run.step)}
        </Text>
        <Text as="span" variant="bodyMd" fontWeight="semibold" numeric>
          <span data-testid="sync-percent">{Math.round(percent)}%</span>
        </Text>
      </InlineStack>
      <ProgressBar progress={percent} tone="primary" size="small" ariaLabelledBy={labelId} animated />
      <InlineStack align="space-between">
        <Text as="span" variant="bodySm" tone="subdued">
          {counts ?? (queued ? "Queued" : "Counting records…")}
        </Text>
        <Text as="span" variant="bodySm" tone="subdued">
          {run.eta_seconds !== null && run.eta_seconds !== undefined && !queued
            ? `About ${formatDuration(run.eta_seconds)} left`
            : "Estimating time left"}
        </Text>
      </InlineStack>
    </BlockStack>
  );
}
