/** A fixed-size slot for a segment's sparkline, with the trend in words for screen readers. */
import { Text } from "@shopify/polaris";
import { lazy, Suspense } from "react";
import { formatCount } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import "../Customers/crm.css";

const Sparkline = lazy(() => import("./Sparkline"));

export function SegmentSparkline({ history }: { history: { at: string; count: number }[] }) {
  const { locale } = useShopEnv();
  if (history.length < 2) {
    return (
      <Text as="span" variant="bodySm" tone="subdued">
        Not enough history
      </Text>
    );
  }
  const first = history[0].count;
  const last = history[history.length - 1].count;
  return (
    <>
      <span className="xsight-visually-hidden">
        Members went from {formatCount(first, locale)} to {formatCount(last, locale)} over {history.length} refreshes.
      </span>
      <div className="xsight-sparkline" aria-hidden="true" data-testid="segment-sparkline">
        <Suspense fallback={null}>
          <Sparkline points={history} />
        </Suspense>
      </div>
    </>
  );
}
