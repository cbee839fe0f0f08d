/** One KPI: its value for the range and the change against the previous period. */
import { BlockStack, Card, InlineStack, SkeletonBodyText, SkeletonDisplayText, Text, Tooltip } from "@shopify/polaris";
import { formatChangePct } from "../../lib/format";
import { useShopEnv } from "../../shopContext";

export interface KpiCardProps {
  id: string;
  label: string;
  help: string;
  value?: string;
  previous?: string;
  changePct?: number | null;
  /** True when a rise is bad news (returns, discounts): the change is coloured the other way. */
  invert?: boolean;
  loading?: boolean;
}

const CARD_MIN_HEIGHT = "88px";

function changeTone(changePct: number | null | undefined, invert: boolean): "success" | "critical" | "subdued" {
  if (changePct === null || changePct === undefined || changePct === 0) return "subdued";
  const good = invert ? changePct < 0 : changePct > 0;
  return good ? "success" : "critical";
}

export function KpiCard({ id, label, help, value, previous, changePct, invert = false, loading }: KpiCardProps) {
  const { locale } = useShopEnv();
  const arrow = changePct ? (changePct > 0 ? "↑" : "↓") : "";
  const magnitude = changePct === null || changePct === undefined ? changePct : Math.abs(changePct);
  return (
    <Card>
      <div style={{ minHeight: CARD_MIN_HEIGHT }} data-kpi={id}>
        <BlockStack gap="200">
          <Tooltip content={help} dismissOnMouseOut>
            <Text as="h3" variant="headingSm" tone="subdued">
              <span style={{ borderBottom: "1px dashed var(--p-color-border)" }}>{label}</span>
            </Text>
          </Tooltip>
          {loading ? (
            <BlockStack gap="300">
              <SkeletonDisplayText size="medium" />
              <SkeletonBodyText lines={1} />
            </BlockStack>
          ) : (
            <BlockStack gap="100">
              <Text as="p" variant="headingXl" numeric>
                <span data-testid={`kpi-${id}`}>{value}</span>
              </Text>
              <InlineStack gap="100" blockAlign="center" wrap={false}>
                <Text as="span" variant="bodySm" tone={changeTone(changePct, invert)} fontWeight="medium" numeric>
                  <span aria-hidden="true">{arrow} </span>
                  <span data-testid={`kpi-${id}-change`}>{formatChangePct(magnitude, locale).replace(/^\+/, "")}</span>
                  <Text as="span" visuallyHidden>
                    {!changePct ? " change" : changePct > 0 ? " increase" : " decrease"}
                  </Text>
                </Text>
                <Text as="span" variant="bodySm" tone="subdued" truncate>
                  vs {previous}
                </Text>
              </InlineStack>
            </BlockStack>
          )}
        </BlockStack>
      </div>
    </Card>
  );
}
