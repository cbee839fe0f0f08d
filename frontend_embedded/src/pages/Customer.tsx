/** Customer: identity, lifetime stats, RFM, predictions, orders, products, segments and timeline. */
import { BlockStack, Card, EmptyState, Layout, SkeletonBodyText, SkeletonDisplayText } from "@shopify/polaris";
import { OrdersCard, ProductsCard, SegmentsCard } from "../components/Customers/CustomerActivity";
import { IdentityCard, PredictionsCard, RfmCard, StatsCard } from "../components/Customers/CustomerCards";
import { CustomerTimeline } from "../components/Customers/CustomerTimeline";
import { displayName } from "../components/Customers/CustomersTable";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import type { CustomerDetail } from "../crmTypes";
import { useApi } from "../hooks/useApi";
import { navigate, usePathname } from "../router";

/** A card-sized placeholder about as tall as the card it stands for, so nothing jumps when data arrives. */
function CardSkeleton({ lines, height }: { lines: number; height: number }) {
  return (
    <Card>
      <div style={{ minHeight: height }}>
        <BlockStack gap="300">
          <SkeletonDisplayText size="small" />
          <SkeletonBodyText lines={lines} />
        </BlockStack>
      </div>
    </Card>
  );
}

export default function CustomerPage() {
  const id = usePathname().split("/")[2] ?? "";
  const detail = useApi<CustomerDetail>(`/customers/${id}`);
  const data = detail.data;
  const back = { content: "All customers", onAction: () => navigate("/customers") };

  if (detail.error?.status === 404) {
    return (
      <AppPage title="Customer not found" secondaryActions={[back]}>
        <Card>
          <EmptyState heading="This customer is not in XSight" action={back} image={EMPTY_STATE_IMAGE}>
            <p>It may have been deleted in Shopify or redacted at the customer's request. Search the customer list instead.</p>
          </EmptyState>
        </Card>
      </AppPage>
    );
  }

  return (
    <AppPage title={data ? displayName(data.customer) : "Customer"} subtitle={data?.customer.email ?? "\u00a0"} secondaryActions={[back]}>
      <BlockStack gap="400">
        {detail.error && <ErrorBanner title="The customer could not be loaded" error={detail.error} onRetry={detail.reload} />}
        {!detail.error && (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                {data ? <StatsCard detail={data} /> : <CardSkeleton lines={4} height={140} />}
                {data ? <PredictionsCard detail={data} /> : <CardSkeleton lines={3} height={150} />}
                {data ? <OrdersCard detail={data} /> : <CardSkeleton lines={6} height={400} />}
                {data && <ProductsCard detail={data} />}
                <CustomerTimeline customerId={id} />
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                {data ? <IdentityCard detail={data} /> : <CardSkeleton lines={5} height={200} />}
                {data ? <RfmCard detail={data} /> : <CardSkeleton lines={4} height={130} />}
                {data && <SegmentsCard detail={data} />}
              </BlockStack>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </AppPage>
  );
}
