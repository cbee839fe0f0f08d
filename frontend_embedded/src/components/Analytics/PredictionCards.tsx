/** Predictions: P(alive) and 12-month CLV distributions, churn-risk bands, valuable customers at risk. */
import { Badge, BlockStack, Card, DataTable, InlineStack, Link, SkeletonBodyText, Text } from "@shopify/polaris";
import type { HistogramBin, PredictionOverview } from "../../api/analytics";
import { formatCount, formatMoney, formatMoneyCompact, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { InsightState } from "./InsightState";
import { LazyChart } from "./LazyChart";

const CHART_HEIGHT = 220;

function binSeries(name: string, bins: HistogramBin[], label: (bin: HistogramBin) => string) {
  return [{ name, points: bins.map((bin) => ({ key: label(bin), value: bin.customers })) }];
}

export function DistributionCards({ data }: { data: PredictionOverview | null }) {
  const { locale, currency } = useShopEnv();
  const d = data?.distributions ?? null;
  const count = (v: number) => `${formatCount(v, locale)} customers`;
  const body = (chart: () => JSX.Element) =>
    !data ? (
      <div style={{ minHeight: CHART_HEIGHT }}>
        <SkeletonBodyText lines={7} />
      </div>
    ) : !d ? (
      <InsightState status={data.status} reason={data.reason} minHeight={CHART_HEIGHT} />
    ) : (
      chart()
    );
  return (
    <>
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Text as="h2" variant="headingMd">
              Likelihood of still being a customer
            </Text>
            {d && (
              <InlineStack gap="100">
                <Badge tone="critical">{`High risk ${formatCount(d.churn_risk.high, locale)}`}</Badge>
                <Badge tone="warning">{`Medium ${formatCount(d.churn_risk.medium, locale)}`}</Badge>
                <Badge tone="success">{`Low ${formatCount(d.churn_risk.low, locale)}`}</Badge>
              </InlineStack>
            )}
          </InlineStack>
          <Text as="p" tone="subdued">
            P(alive): the model's probability that a customer will still buy. Below 30 % counts as high churn risk.
          </Text>
          {body(() => (
            <LazyChart
              kind="histogram"
              title="Customers by probability of being active"
              series={binSeries("Customers", d!.p_alive, (b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`)}
              height={CHART_HEIGHT}
              testId="chart-p-alive"
              format={count}
              axisFormat={(v) => formatCount(v, locale)}
            />
          ))}
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Predicted value over the next 12 months
          </Text>
          <Text as="p" tone="subdued">
            Customer lifetime value (CLV), after your margin and discount rate (Settings). The top 1 % share the last bar.
          </Text>
          {body(() =>
            d!.clv_12m.length === 0 ? (
              <InsightState status="not_enough_data" reason="No customer has a spend prediction yet." minHeight={CHART_HEIGHT} />
            ) : (
              <LazyChart
                kind="histogram"
                title="Customers by predicted 12-month value"
                series={binSeries("Customers", d!.clv_12m, (b) => `${formatMoneyCompact(b.from, currency, locale)}–${formatMoneyCompact(b.to, currency, locale)}`)}
                height={CHART_HEIGHT}
                testId="chart-clv"
                format={count}
                axisFormat={(v) => formatCount(v, locale)}
              />
            ),
          )}
        </BlockStack>
      </Card>
    </>
  );
}

export function AtRiskCard({ data }: { data: PredictionOverview | null }) {
  const { locale, currency } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Valuable customers at risk
        </Text>
        <Text as="p" tone="subdued">
          High churn risk, highest predicted value first: the customers most worth winning back.
        </Text>
        {!data ? (
          <div style={{ minHeight: 200 }}>
            <SkeletonBodyText lines={6} />
          </div>
        ) : data.status !== "ok" ? (
          <InsightState status={data.status} reason={data.reason} minHeight={200} />
        ) : data.at_risk.length === 0 ? (
          <Text as="p">No valuable customer is at high risk right now.</Text>
        ) : (
          <DataTable
            hideScrollIndicator
            increasedTableDensity
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Customer", "P(alive)", "Predicted 12-month value", "Orders", "Net sales"]}
            rows={data.at_risk.map((c, i) => [
              c.id === null ? (
                <Text as="span" key={i}>{c.name || c.email || "Guest customer"}</Text>
              ) : (
                <Link key={c.id} url={`/customers/${c.id}`} removeUnderline>
                  {c.name || c.email || `Customer ${c.id}`}
                </Link>
              ),
              c.p_alive === null ? "—" : formatRate(c.p_alive, locale),
              formatMoney(c.clv_12m, currency, locale),
              formatCount(c.orders, locale),
              formatMoney(c.net_sales, currency, locale),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
