/** Customers (placeholder; the Customers page replaces it). */
import { Page } from "@shopify/polaris";

export default function CustomersPage() {
  return <Page title="Customers" />;
}
