/** New versus returning customers in the range, as counts and a two-part bar. */
import { BlockStack, Card, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { formatCount, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { DashboardKpis } from "../../types";

const NEW_COLOR = "var(--p-color-bg-fill-info)";
const RETURNING_COLOR = "var(--p-color-bg-fill-success)";

function Swatch({ color }: { color: string }) {
  return <span aria-hidden="true" style={{ display: "inline-block", width: 10, height: 10, borderRadius: 2, background: color }} />;
}

export function CustomerMix({ kpis }: { kpis: DashboardKpis | null }) {
  const { locale } = useShopEnv();
  const fresh = kpis?.new_customers.value ?? 0;
  const returning = kpis?.returning_customers.value ?? 0;
  const total = fresh + returning;
  const newShare = total ? fresh / total : 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          New vs returning customers
        </Text>
        {!kpis ? (
          <div style={{ minHeight: 96 }}>
            <SkeletonBodyText lines={3} />
          </div>
        ) : (
          <BlockStack gap="300">
            <div
              role="img"
              aria-label={`${formatRate(newShare, locale)} new, ${formatRate(total ? 1 - newShare : 0, locale)} returning`}
              style={{ display: "flex", height: 12, borderRadius: 6, overflow: "hidden", background: "var(--p-color-bg-fill-secondary)" }}
            >
              <div style={{ width: `${newShare * 100}%`, background: NEW_COLOR }} />
              <div style={{ width: `${total ? (1 - newShare) * 100 : 0}%`, background: RETURNING_COLOR }} />
            </div>
            <InlineStack align="space-between">
              <BlockStack gap="050">
                <InlineStack gap="150" blockAlign="center">
                  <Swatch color={NEW_COLOR} />
                  <Text as="span" tone="subdued">
                    New
                  </Text>
                </InlineStack>
                <Text as="p" variant="headingLg" numeric>
                  <span data-testid="kpi-new_customers">{formatCount(fresh, locale)}</span>
                </Text>
              </BlockStack>
              <BlockStack gap="050" inlineAlign="end">
                <InlineStack gap="150" blockAlign="center">
                  <Swatch color={RETURNING_COLOR} />
                  <Text as="span" tone="subdued">
                    Returning
                  </Text>
                </InlineStack>
                <Text as="p" variant="headingLg" numeric>
                  <span data-testid="kpi-returning_customers">{formatCount(returning, locale)}</span>
                </Text>
              </BlockStack>
            </InlineStack>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
