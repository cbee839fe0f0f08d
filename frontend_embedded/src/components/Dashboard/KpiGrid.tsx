/** The dashboard's KPI cards, in a responsive grid. */
import { InlineGrid } from "@shopify/polaris";
import { formatCount, formatMoney, formatRate } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import type { DashboardKpis, Kpi } from "../../types";
import { KpiCard } from "./KpiCard";

type Kind = "money" | "count" | "rate";

interface KpiSpec {
  key: keyof DashboardKpis;
  label: string;
  help: string;
  kind: Kind;
  invert?: boolean;
}

/** The KPIs shown, in order. `returning_customer_rate` is a fraction (0.25 = 25%). */
export const KPI_SPECS: KpiSpec[] = [
  { key: "net_sales", label: "Net sales", help: "Gross sales minus discounts and returns.", kind: "money" },
  { key: "orders", label: "Orders", help: "Orders placed in the range.", kind: "count" },
  { key: "aov", label: "Average order value", help: "Net sales divided by orders.", kind: "money" },
  { key: "customers", label: "Customers", help: "Customers who ordered in the range.", kind: "count" },
  { key: "gross_sales", label: "Gross sales", help: "Sales before discounts and returns.", kind: "money" },
  { key: "discounts", label: "Discounts", help: "Discounts given on orders in the range.", kind: "money", invert: true },
  { key: "returns", label: "Returns", help: "Value of items returned in the range.", kind: "money", invert: true },
  {
    key: "returning_customer_rate",
    label: "Returning customer rate",
    help: "Share of the range's customers who had ordered before.",
    kind: "rate",
  },
];

interface Props {
  kpis: DashboardKpis | null;
  currency: string;
}

export function KpiGrid({ kpis, currency }: Props) {
  const { locale } = useShopEnv();
  const format = (kind: Kind, value: string | number | null | undefined) =>
    kind === "money"
      ? formatMoney(value, currency, locale)
      : kind === "rate"
        ? formatRate(Number(value ?? 0), locale)
        : formatCount(value, locale);
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
      {KPI_SPECS.map((spec) => {
        const kpi = kpis?.[spec.key] as Kpi<string | number> | undefined;
        return (
          <KpiCard
            key={spec.key}
            id={spec.key}
            label={spec.label}
            help={spec.help}
            invert={spec.invert}
            loading={!kpi}
            value={kpi ? format(spec.kind, kpi.value) : undefined}
            previous={kpi ? format(spec.kind, kpi.previous) : undefined}
            changePct={kpi?.change_pct}
          />
        );
      })}
    </InlineGrid>
  );
}
