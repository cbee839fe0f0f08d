/** The customer page's summary cards: identity, lifetime stats, RFM scores and predictions. */
import { Badge, BlockStack, Box, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { CustomerDetail } from "../../crmTypes";
import { formatCalendarDate, formatCount, formatDateTime, formatMoney, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { ChurnBadge, RfmBadge } from "./CustomerBadges";
import "./crm.css";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="bodyMd" fontWeight="semibold" numeric>
        <span data-testid={testId}>{children}</span>
      </Text>
    </BlockStack>
  );
}

function CardTitle({ children }: { children: ReactNode }) {
  return (
    <Text as="h2" variant="headingMd">
      {children}
    </Text>
  );
}

/** Name, contact details, tags and marketing consent. */
export function IdentityCard({ detail }: { detail: CustomerDetail }) {
  const { locale, timeZone } = useShopEnv();
  const c = detail.customer;
  const place = c.country ?? "";
  const subscribed = c.email_subscription_status?.toUpperCase() === "SUBSCRIBED";
  return (
    <Card>
      <BlockStack gap="300">
        <CardTitle>Customer</CardTitle>
        <BlockStack gap="100">
          <Text as="p">{c.email ?? "No email address"}</Text>
          {c.phone && <Text as="p">{c.phone}</Text>}
          {place && <Text as="p">{place}</Text>}
          <Text as="p" tone="subdued" variant="bodySm">
            Customer since {formatDateTime(c.created_at, timeZone, locale)}
          </Text>
        </BlockStack>
        <InlineStack gap="100">
          <Badge tone={subscribed ? "success" : undefined}>
            {subscribed ? "Subscribed to email" : "Not subscribed to email"}
          </Badge>
          {c.state && <Badge>{`Account ${c.state.toLowerCase()}`}</Badge>}
        </InlineStack>
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Tags
          </Text>
          {c.tags.length ? (
            <InlineStack gap="100">
              {c.tags.map((tag) => (
                <Badge key={tag}>{tag}</Badge>
              ))}
            </InlineStack>
          ) : (
            <Text as="p" tone="subdued">
              No tags
            </Text>
          )}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

/** Lifetime sales, orders and dates. */
export function StatsCard({ detail }: { detail: CustomerDetail }) {
  const { locale } = useShopEnv();
  const money = (v: string | null) => (v === null ? "—" : formatMoney(v, detail.currency, locale));
  const date = (v: string | null) => (v ? formatCalendarDate(v, locale) : "—");
  const { stats, customer } = detail;
  return (
    <Card>
      <BlockStack gap="400">
        <CardTitle>Lifetime</CardTitle>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Fact label="Net sales" testId="customer-net-sales">{money(stats.net_sales)}</Fact>
          <Fact label="Orders" testId="customer-orders">{formatCount(stats.orders, locale)}</Fact>
          <Fact label="Average order">{money(customer.average_order_value)}</Fact>
          <Fact label="Gross sales">{money(stats.gross_sales)}</Fact>
          <Fact label="Discounts">{money(stats.discounts)}</Fact>
          <Fact label="Returns">{money(stats.returns)}</Fact>
          <Fact label="First order">{date(customer.first_order_date)}</Fact>
          <Fact label="Last order">
            {date(customer.last_order_date)}
            {customer.days_since_last_order !== null && ` (${formatCount(customer.days_since_last_order, locale)} days ago)`}
          </Fact>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function Score({ label, value }: { label: string; value: number | null }) {
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" variant="bodySm">
          {label}
        </Text>
        <Text as="span" variant="bodySm" fontWeight="semibold">
          {value === null ? "—" : `${value} / 5`}
        </Text>
      </InlineStack>
      <div className="xsight-score" aria-hidden="true">
        <div style={{ width: `${((value ?? 0) / 5) * 100}%` }} />
      </div>
    </BlockStack>
  );
}

/** Recency, frequency and monetary scores (1–5) and the group they put the customer in. */
export function RfmCard({ detail }: { detail: CustomerDetail }) {
  const c = detail.customer;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <CardTitle>RFM</CardTitle>
          <RfmBadge group={c.rfm_group} />
        </InlineStack>
        <Score label="Recency" value={c.r_score} />
        <Score label="Frequency" value={c.f_score} />
        <Score label="Monetary" value={c.m_score} />
      </BlockStack>
    </Card>
  );
}

/** Chance the customer is still active, expected orders, predicted value — or why there are none. */
export function PredictionsCard({ detail }: { detail: CustomerDetail }) {
  const { locale, timeZone } = useShopEnv();
  const p = detail.predictions;
  const scored = p !== null && (p.p_alive !== null || p.predicted_clv !== null || p.churn_risk !== null);
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <CardTitle>Predictions</CardTitle>
          {scored && <ChurnBadge risk={p.churn_risk} />}
        </InlineStack>
        {!scored ? (
          <Box>
            <Text as="p" tone="subdued">
              {detail.predictions_reason ??
                (p ? "The last model run did not score this customer." : "Predictions appear after the next analytics run.")}
            </Text>
          </Box>
        ) : (
          <>
            <InlineGrid columns={{ xs: 2, md: 3 }} gap="400">
              <Fact label="Chance still active" testId="customer-p-alive">
                {p.p_alive === null ? "—" : formatRate(p.p_alive, locale)}
              </Fact>
              <Fact label="Predicted 12-month value">
                {p.predicted_clv === null ? "—" : formatMoney(p.predicted_clv, detail.currency, locale)}
              </Fact>
              <Fact label="Expected next order">
                {p.expected_next_order_date ? formatCalendarDate(p.expected_next_order_date, locale) : "—"}
              </Fact>
              <Fact label="Expected orders, 30 days">{p.expected_orders_30d?.toFixed(2) ?? "—"}</Fact>
              <Fact label="Expected orders, 90 days">{p.expected_orders_90d?.toFixed(2) ?? "—"}</Fact>
            </InlineGrid>
            <Text as="p" variant="bodySm" tone="subdued">
              From the model run of {formatDateTime(p.computed_at, timeZone, locale)}.
            </Text>
          </>
        )}
      </BlockStack>
    </Card>
  );
}
