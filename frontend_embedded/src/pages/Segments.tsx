/** Segments (placeholder; the Segments page replaces it). */
import { Page } from "@shopify/polaris";

export default function SegmentsPage() {
  return <Page title="Segments" />;
}
