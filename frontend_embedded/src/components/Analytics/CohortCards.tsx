/** Cohorts by first-order month: the retention heat map and cumulative net sales per customer. */
import { BlockStack, Card, SkeletonBodyText, Text } from "@shopify/polaris";
import type { CohortOverview } from "../../api/analytics";
import { formatCalendarDate, formatCount, formatMoney, formatMoneyCompact, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { heatColor } from "./heat";
import { InsightState } from "./InsightState";
import { LazyChart } from "./LazyChart";

/** How many of the newest cohorts get a revenue curve (more lines are unreadable). */
export const CURVE_COHORTS = 6;
const CURVES_HEIGHT = 280;

export function cohortLabel(month: string, locale: string): string {
  return /^\d{4}-\d{2}$/.test(month)
    ? formatCalendarDate(`${month}-01`, locale, { month: "short", year: "numeric" })
    : month;
}

function Heatmap({ data }: { data: CohortOverview }) {
  const { locale } = useShopEnv();
  const width = Math.max(0, ...data.retention.map((row) => row.length));
  const offsets = Array.from({ length: width }, (_, k) => k);
  return (
    // Focusable so keyboard users can scroll it when it is wider than the card (axe: scrollable-region-focusable).
    <div className="xsight-scroll-x" tabIndex={0} role="region" aria-label="Cohort retention table">
      <table className="xsight-heat xsight-heat--compact" data-testid="cohort-heatmap">
        <caption className="xsight-visually-hidden">
          Share of each first-order month's customers who ordered again in each later month; blank where the month has
          not been seen yet
        </caption>
        <thead>
          <tr>
            <th scope="col">Cohort</th>
            <th scope="col">Customers</th>
            {offsets.map((k) => (
              <th scope="col" key={k}>
                {k === 0 ? "Month 0" : `+${k}`}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.cohorts.map((cohort, i) => (
            <tr key={cohort}>
              <th scope="row">{cohortLabel(cohort, locale)}</th>
              <td>{formatCount(data.sizes[i], locale)}</td>
              {offsets.map((k) => {
                const value = data.retention[i]?.[k] ?? null;
                return (
                  <td key={k} style={{ background: heatColor(value, 1) }}>
                    {value === null ? "" : formatRate(value, locale)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RetentionCard({ data }: { data: CohortOverview | null }) {
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Cohort retention
          </Text>
          <Text as="p" tone="subdued">
            Customers grouped by the month of their first order: the share who ordered again in each month after
            (in month 0, the share who ordered twice in their first month).
          </Text>
        </BlockStack>
        {!data ? (
          <div style={{ minHeight: 280 }}>
            <SkeletonBodyText lines={9} />
          </div>
        ) : data.status !== "ok" || data.cohorts.length === 0 ? (
          <InsightState status={data.status === "ok" ? "not_enough_data" : data.status} reason={data.reason} minHeight={280} />
        ) : (
          <Heatmap data={data} />
        )}
      </BlockStack>
    </Card>
  );
}

export function CumulativeRevenueCard({ data }: { data: CohortOverview | null }) {
  const { locale, currency } = useShopEnv();
  const newest = data && data.status === "ok" ? data.cohorts.slice(-CURVE_COHORTS) : [];
  const rows = data ? data.cumulative_net_sales_per_customer.slice(-CURVE_COHORTS) : [];
  const width = Math.max(0, ...rows.map((row) => row.length));
  const series = newest.map((cohort, i) => ({
    name: cohortLabel(cohort, locale),
    points: Array.from({ length: width }, (_, k) => ({ key: `Month ${k}`, value: rows[i]?.[k] ?? null })),
  }));
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Cumulative net sales per customer
          </Text>
          <Text as="p" tone="subdued">
            What an average customer of each of the last {CURVE_COHORTS} cohorts has spent, month by month.
          </Text>
        </BlockStack>
        {!data ? (
          <div style={{ minHeight: CURVES_HEIGHT }}>
            <SkeletonBodyText lines={8} />
          </div>
        ) : series.length === 0 ? (
          <InsightState status={data.status === "ok" ? "not_enough_data" : data.status} reason={data.reason} minHeight={CURVES_HEIGHT} />
        ) : (
          <LazyChart
            kind="curves"
            title="Cumulative net sales per customer by cohort"
            series={series}
            height={CURVES_HEIGHT}
            testId="chart-cohort-revenue"
            format={(v) => formatMoney(v, currency, locale)}
            axisFormat={(v) => formatMoneyCompact(v, currency, locale)}
          />
        )}
      </BlockStack>
    </Card>
  );
}
