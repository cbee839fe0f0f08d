/** One customer (placeholder; the Customer page replaces it). */
import { Page } from "@shopify/polaris";

export default function CustomerPage() {
  return <Page title="Customer" />;
}
