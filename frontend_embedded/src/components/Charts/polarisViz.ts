/** polaris-viz, its styles and our chart accessibility hook: one chunk, loaded only by pages with charts. */
import "@shopify/polaris-viz/build/esm/styles.css";

export { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
export { useOutOfTabOrder } from "../../hooks/useOutOfTabOrder";
