/** A card holding one lazily loaded chart, with a fixed height so nothing shifts while it loads. */
import { BlockStack, Card, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense } from "react";
import { useShopEnv } from "../../shopContext";
import type { DayPoint } from "../../types";

const SalesChart = lazy(() => import("./SalesChart"));
const CHART_HEIGHT = 240;

interface Props {
  title: string;
  total?: string;
  metric: "net_sales" | "orders";
  current?: DayPoint[];
  previous?: DayPoint[];
  currency: string;
}

function ChartSkeleton() {
  return (
    <div style={{ height: CHART_HEIGHT, display: "flex", alignItems: "flex-end" }} aria-hidden="true">
      <div style={{ width: "100%" }}>
        <SkeletonBodyText lines={6} />
      </div>
    </div>
  );
}

export function ChartCard({ title, total, metric, current, previous, currency }: Props) {
  const { locale } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="baseline">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {total && (
            <Text as="span" variant="headingMd" numeric>
              {total}
            </Text>
          )}
        </InlineStack>
        {current && previous ? (
          <Suspense fallback={<ChartSkeleton />}>
            <SalesChart
              metric={metric}
              current={current}
              previous={previous}
              currency={currency}
              locale={locale}
              height={CHART_HEIGHT}
            />
          </Suspense>
        ) : (
          <ChartSkeleton />
        )}
      </BlockStack>
    </Card>
  );
}
