/** A fixed-height slot for a lazily loaded analytics chart: a skeleton holds the space until it arrives. */
import { SkeletonBodyText } from "@shopify/polaris";
import { lazy, Suspense, type ComponentProps } from "react";

const HistogramChart = lazy(() => import("./Charts").then((m) => ({ default: m.HistogramChart })));
const CurvesChart = lazy(() => import("./Charts").then((m) => ({ default: m.CurvesChart })));

type Props = ComponentProps<typeof HistogramChart> & { kind: "histogram" | "curves" };

export function ChartSkeleton({ height }: { height: number }) {
  return (
    <div style={{ height, display: "flex", alignItems: "flex-end" }} aria-hidden="true">
      <div style={{ width: "100%" }}>
        <SkeletonBodyText lines={Math.max(2, Math.floor(height / 40))} />
      </div>
    </div>
  );
}

/** Render the chart of `kind` once its chunk has loaded. */
export function LazyChart({ kind, ...props }: Props) {
  const Chart = kind === "histogram" ? HistogramChart : CurvesChart;
  return (
    <Suspense fallback={<ChartSkeleton height={props.height} />}>
      <Chart {...props} />
    </Suspense>
  );
}
