/** Segment builder (placeholder; the builder replaces it). */
import { Page } from "@shopify/polaris";

export default function SegmentBuilderPage() {
  return <Page title="Segment" />;
}
