/** How well the model predicted the shop's own last stretch of history, next to a naive baseline. */
import { Badge, BlockStack, Box, Card, InlineGrid, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import type { ModelQuality } from "../../api/analytics";
import { formatCalendarDate, formatChangePct, formatCount } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { InsightState } from "./InsightState";

function pctOff(value: number | null | undefined, actual: number | null | undefined): number | null {
  if (value === null || value === undefined || !actual) return null;
  return ((value - actual) / actual) * 100;
}

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="100">
        <Text as="p" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg" numeric>
          <span data-testid={testId}>{value}</span>
        </Text>
        {note && (
          <Text as="p" variant="bodySm" tone="subdued">
            {note}
          </Text>
        )}
      </BlockStack>
    </Box>
  );
}

/** Return true when the model's per-customer error beats the baseline's. */
export function beatsBaseline(q: ModelQuality): boolean {
  return q.mae !== null && q.mae !== undefined && q.baseline_mae !== null && q.baseline_mae !== undefined && q.mae < q.baseline_mae;
}

export function ModelQualityCard({ data }: { data: ModelQuality | null }) {
  const { locale } = useShopEnv();
  const round = (v: number | null | undefined) => (v === null || v === undefined ? "—" : formatCount(Math.round(v), locale));
  const fixed = (v: number | null | undefined) =>
    v === null || v === undefined ? "—" : v.toLocaleString(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const date = (d: string | null | undefined) => (d ? formatCalendarDate(d, locale) : "—");
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            How well the predictions hold up
          </Text>
          {data?.status === "ok" &&
            (beatsBaseline(data) ? (
              <Badge tone="success">Better than the simple estimate</Badge>
            ) : (
              <Badge tone="warning">Not better than the simple estimate</Badge>
            ))}
        </InlineStack>
        {!data ? (
          <div style={{ minHeight: 160 }}>
            <SkeletonBodyText lines={5} />
          </div>
        ) : data.status !== "ok" ? (
          <InsightState status={data.status} reason={data.reason} minHeight={160} />
        ) : (
          <BlockStack gap="300">
            <Text as="p" tone="subdued">
              XSight fitted the model on your orders up to {date(data.calibration_end)} and predicted the repeat orders of
              the following {formatCount(data.holdout_days ?? 0, locale)} days (to {date(data.observation_end)}), which it
              then compared with what your customers actually did. The simple estimate assumes everyone keeps ordering at
              their past rate.
            </Text>
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
              <Figure label="Actual repeat orders" value={round(data.actual_total)} testId="quality-actual" />
              <Figure
                label="Predicted by XSight"
                value={round(data.predicted_total)}
                note={`${formatChangePct(pctOff(data.predicted_total, data.actual_total), locale)} vs actual`}
                testId="quality-predicted"
              />
              <Figure
                label="Simple estimate"
                value={round(data.baseline_total)}
                note={`${formatChangePct(pctOff(data.baseline_total, data.actual_total), locale)} vs actual`}
                testId="quality-baseline"
              />
            </InlineGrid>
            <Text as="p" variant="bodySm" tone="subdued">
              Average error per customer: {fixed(data.mae)} orders (simple estimate {fixed(data.baseline_mae)}). Ranking
              correlation: {fixed(data.correlation)} (simple estimate {fixed(data.baseline_correlation)}). Checked on{" "}
              {formatCount(data.n_customers ?? 0, locale)} customers.
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
