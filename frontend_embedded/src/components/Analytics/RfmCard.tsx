/** RFM: the R x FM grid of customer counts and the table of named groups. */
import { BlockStack, Card, DataTable, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import type { RfmOverview } from "../../api/analytics";
import { formatCount, formatMoney, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { heatColor } from "./heat";
import { InsightState } from "./InsightState";

// The group of each (R, FM) cell, as xsight/analytics/rfm.py GRID defines it (rows R = 5..1, FM = 1..5).
export const RFM_CELL_GROUP: Record<number, string[]> = {
  5: ["New", "New", "Active", "Champions", "Champions"],
  4: ["Promising", "Promising", "Active", "Loyal", "Champions"],
  3: ["Almost lost", "Almost lost", "Needs attention", "Needs attention", "Loyal"],
  2: ["Almost lost", "Almost lost", "At risk", "At risk", "Previously loyal"],
  1: ["Dormant", "Dormant", "At risk", "Previously loyal", "Previously loyal"],
};

function Grid({ counts }: { counts: number[][] }) {
  const { locale } = useShopEnv();
  const max = Math.max(0, ...counts.flat());
  return (
    <table className="xsight-heat" data-testid="rfm-grid">
      <caption className="xsight-visually-hidden">
        Customers by recency score (rows, 5 is most recent) and frequency-monetary score (columns, 5 is highest)
      </caption>
      <thead>
        <tr>
          <th scope="col">R \ FM</th>
          {[1, 2, 3, 4, 5].map((fm) => (
            <th scope="col" key={fm}>
              {fm}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[5, 4, 3, 2, 1].map((r) => (
          <tr key={r}>
            <th scope="row">{r}</th>
            {[1, 2, 3, 4, 5].map((fm) => {
              const count = counts[r - 1]?.[fm - 1] ?? 0;
              return (
                <td key={fm} style={{ background: heatColor(count, max) }} title={RFM_CELL_GROUP[r][fm - 1]}>
                  <span className="xsight-heat__value">{formatCount(count, locale)}</span>
                  <span className="xsight-heat__label">{RFM_CELL_GROUP[r][fm - 1]}</span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RfmCard({ data }: { data: RfmOverview | null }) {
  const { locale, currency } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            RFM groups
          </Text>
          <Text as="p" tone="subdued">
            Customers scored 1–5 on how recently they ordered (R) and on how often and how much (FM).
          </Text>
        </BlockStack>
        {!data ? (
          // As tall as the grid and the table will be, so nothing below moves when they arrive.
          <div className="xsight-rfm-placeholder">
            <SkeletonBodyText lines={10} />
          </div>
        ) : data.status !== "ok" || !data.grid ? (
          <InsightState status={data.status} reason={data.reason} minHeight={320} />
        ) : (
          // Side by side only when both fit without scrolling (a scrolling table is a keyboard trap for axe).
          <InlineGrid columns={{ xs: 1, xl: 2 }} gap="400">
            <Grid counts={data.grid.counts} />
            <DataTable
              hideScrollIndicator
              increasedTableDensity
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Group", "Customers", "Share", "Avg. net sales", "Avg. days since order"]}
              rows={data.groups.map((g) => [
                g.label,
                formatCount(g.customers, locale),
                formatRate(g.share, locale),
                g.avg_net_sales === null ? "—" : formatMoney(g.avg_net_sales, currency, locale),
                g.avg_recency_days === null ? "—" : formatCount(g.avg_recency_days, locale),
              ])}
            />
          </InlineGrid>
        )}
      </BlockStack>
    </Card>
  );
}
