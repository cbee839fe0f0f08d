/** A page of customer rows (Customers list, segment members, preview sample); a row opens the customer. */
import { BlockStack, IndexTable, Link, Text } from "@shopify/polaris";
import type { IndexTableProps } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { CustomerRow } from "../../crmTypes";
import { formatCalendarDate, formatCount, formatMoney } from "../../lib/format";
import { navigate } from "../../router";
import { useShopEnv } from "../../shopContext";
import { ChurnBadge, RfmBadge } from "./CustomerBadges";

interface Props {
  customers: CustomerRow[];
  currency: string;
  loading?: boolean;
  pagination?: IndexTableProps["pagination"];
  emptyState?: ReactNode;
  /** Fewer columns, for cards that share the page with a sidebar (segment members). */
  compact?: boolean;
}

/** Return the name to show for a customer. */
export function displayName(customer: Pick<CustomerRow, "name" | "email">): string {
  return customer.name?.trim() || customer.email || "Unnamed customer";
}

export function CustomersTable({ customers, currency, loading, pagination, emptyState, compact = false }: Props) {
  const { locale } = useShopEnv();
  const date = (value: string | null) => (value ? formatCalendarDate(value, locale) : "—");
  const money = (value: string | null) => (value === null ? "—" : formatMoney(value, currency, locale));
  const headings: IndexTableProps["headings"] = compact
    ? [{ title: "Customer" }, { title: "RFM group" }, { title: "Churn risk" }, { title: "Orders", alignment: "end" }, { title: "Amount spent", alignment: "end" }]
    : [
        { title: "Customer" },
        { title: "RFM group" },
        { title: "Churn risk" },
        { title: "Orders", alignment: "end" },
        { title: "Amount spent", alignment: "end" },
        { title: "Predicted CLV", alignment: "end" },
        { title: "Last order" },
        { title: "Country" },
      ];
  return (
    <IndexTable
      resourceName={{ singular: "customer", plural: "customers" }}
      itemCount={customers.length}
      selectable={false}
      loading={loading}
      headings={headings}
      pagination={pagination}
      emptyState={emptyState}
    >
      {customers.map((customer, index) => (
        <IndexTable.Row
          id={String(customer.id)}
          key={customer.id}
          position={index}
          onClick={() => navigate(`/customers/${customer.id}`)}
        >
          <IndexTable.Cell>
            <BlockStack gap="050">
              <Link url={`/customers/${customer.id}`} dataPrimaryLink monochrome removeUnderline>
                <Text as="span" fontWeight="semibold">
                  {displayName(customer)}
                </Text>
              </Link>
              {customer.name && customer.email && (
                <Text as="span" variant="bodySm" tone="subdued">
                  {customer.email}
                </Text>
              )}
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <RfmBadge group={customer.rfm_group} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <ChurnBadge risk={customer.churn_risk} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatCount(customer.number_of_orders ?? 0, locale)}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {money(customer.amount_spent)}
            </Text>
          </IndexTable.Cell>
          {!compact && (
            <>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {money(customer.predicted_clv)}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>{date(customer.last_order_date)}</IndexTable.Cell>
              <IndexTable.Cell>{customer.country ?? "—"}</IndexTable.Cell>
            </>
          )}
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
