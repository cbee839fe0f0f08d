/** The customer page's lists: recent orders, products bought and segments the customer is in. */
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Link, Text } from "@shopify/polaris";
import { useState } from "react";
import type { CustomerDetail } from "../../crmTypes";
import { formatCount, formatDateTime, formatInstantDate, formatMoney, toAmount } from "../../lib/format";
import { useShopEnv } from "../../shopContext";

function Title({ children }: { children: string }) {
  return (
    <Text as="h2" variant="headingMd">
      {children}
    </Text>
  );
}

function statusLabel(status: string | null): string {
  if (!status) return "—";
  const words = status.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The newest orders with their totals and refunds. */
export function OrdersCard({ detail }: { detail: CustomerDetail }) {
  const { locale, timeZone } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <Title>Recent orders</Title>
        {detail.orders.length === 0 ? (
          <Text as="p" tone="subdued">
            This customer has not placed an order yet.
          </Text>
        ) : (
          <DataTable
            increasedTableDensity
            columnContentTypes={["text", "text", "text", "numeric"]}
            headings={["Order", "Date", "Status", "Total"]}
            rows={detail.orders.map((order) => [
              <Text as="span" fontWeight="semibold" key={order.id}>
                {order.name}
              </Text>,
              formatDateTime(order.processed_at, timeZone, locale),
              order.cancelled_at ? (
                <Badge tone="critical">Cancelled</Badge>
              ) : (
                <Badge tone={order.financial_status?.toUpperCase() === "PAID" ? "success" : "attention"}>{statusLabel(order.financial_status)}</Badge>
              ),
              toAmount(order.total_refunded) > 0
                ? `${formatMoney(order.total_price, detail.currency, locale)} (−${formatMoney(order.total_refunded, detail.currency, locale)})`
                : formatMoney(order.total_price, detail.currency, locale),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

/** Products listed before "Show all". */
export const PRODUCTS_SHOWN = 10;

/** Products the customer bought, most bought first. */
export function ProductsCard({ detail }: { detail: CustomerDetail }) {
  const { locale } = useShopEnv();
  const [all, setAll] = useState(false);
  const products = all ? detail.products : detail.products.slice(0, PRODUCTS_SHOWN);
  return (
    <Card>
      <BlockStack gap="300">
        <Title>Products bought</Title>
        {detail.products.length === 0 ? (
          <Text as="p" tone="subdued">
            No products yet.
          </Text>
        ) : (
          <DataTable
            increasedTableDensity
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Product", "Quantity", "Orders"]}
            rows={products.map((product) => [
              product.title,
              formatCount(product.quantity, locale),
              formatCount(product.orders, locale),
            ])}
          />
        )}
        {detail.products.length > PRODUCTS_SHOWN && (
          <InlineStack align="center">
            <Button variant="plain" onClick={() => setAll(!all)}>
              {all ? "Show fewer" : `Show all ${formatCount(detail.products.length, locale)} products`}
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** Segments the customer is a member of, with when they entered. */
export function SegmentsCard({ detail }: { detail: CustomerDetail }) {
  const { locale, timeZone } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <Title>Segments</Title>
        {detail.segments.length === 0 ? (
          <Text as="p" tone="subdued">
            Not in any segment. Segments you build list their members here.
          </Text>
        ) : (
          <BlockStack gap="200">
            {detail.segments.map((segment) => (
              <BlockStack gap="0" key={segment.id}>
                <Link url={`/segments/${segment.id}`}>{segment.name}</Link>
                {segment.entered_at && (
                  <Text as="span" variant="bodySm" tone="subdued">
                    Since {formatInstantDate(segment.entered_at, timeZone, locale)}
                  </Text>
                )}
              </BlockStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
