/** A segment's member count over time (polaris-viz SparkLineChart); loaded lazily with polaris-viz. */
import "@shopify/polaris-viz/build/esm/styles.css";
import { PolarisVizProvider, SparkLineChart } from "@shopify/polaris-viz";

export default function Sparkline({ points }: { points: { at: string; count: number }[] }) {
  return (
    <PolarisVizProvider>
      <SparkLineChart data={[{ name: "Members", data: points.map((p) => ({ key: p.at, value: p.count })) }]} theme="Light" isAnimated={false} />
    </PolarisVizProvider>
  );
}
