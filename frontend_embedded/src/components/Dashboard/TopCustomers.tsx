/** The range's top customers by net sales. */
import { BlockStack, Card, DataTable, SkeletonBodyText, Text } from "@shopify/polaris";
import { formatCount, formatMoney } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { TopCustomer } from "../../types";

interface Props {
  customers?: TopCustomer[];
  currency: string;
}

export function TopCustomers({ customers, currency }: Props) {
  const { locale } = useShopEnv();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Top customers
        </Text>
        {!customers ? (
          <div style={{ minHeight: 200 }}>
            <SkeletonBodyText lines={6} />
          </div>
        ) : customers.length === 0 ? (
          <Text as="p" tone="subdued">
            No customer ordered in this range.
          </Text>
        ) : (
          <DataTable
            hideScrollIndicator
            truncate
            increasedTableDensity
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Customer", "Orders", "Net sales"]}
            rows={customers.map((customer) => [
              <BlockStack key={String(customer.id)} gap="050">
                <Text as="span" fontWeight="semibold">
                  {customer.name || customer.email || "Unnamed customer"}
                </Text>
                {customer.name && customer.email && (
                  <Text as="span" variant="bodySm" tone="subdued">
                    {customer.email}
                  </Text>
                )}
              </BlockStack>,
              formatCount(customer.orders, locale),
              formatMoney(customer.net_sales, currency, locale),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
