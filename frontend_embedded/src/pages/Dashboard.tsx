/** Dashboard: KPIs against the previous period, sales by day, top customers, last sync. */
import { BlockStack, Card, EmptyState, InlineGrid, InlineStack, Layout, Text } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { ChartCard } from "../components/Dashboard/ChartCard";
import { CustomerMix } from "../components/Dashboard/CustomerMix";
import { DateRangePicker } from "../components/Dashboard/DateRangePicker";
import { KpiGrid } from "../components/Dashboard/KpiGrid";
import { LastSyncCard } from "../components/Dashboard/LastSyncCard";
import { TopCustomers } from "../components/Dashboard/TopCustomers";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { useApi } from "../hooks/useApi";
import { DEFAULT_PRESET, presetRange, type DateRange } from "../lib/dateRange";
import { formatCalendarDate, formatCount, formatMoney } from "../lib/format";
import { navigate } from "../router";
import { useShopEnv } from "../shopContext";
import type { Dashboard, Shop } from "../types";

export const TOP_CUSTOMERS = 5;
/** While a sync runs, check the shop this often (ms) so the numbers refresh when it ends. */
const SYNC_WATCH_MS = 5000;

export default function DashboardPage() {
  const env = useShopEnv();
  const [range, setRange] = useState<DateRange>(() => presetRange(DEFAULT_PRESET, env.timeZone));
  const dashboard = useApi<Dashboard>(`/dashboard?start=${range.start}&end=${range.end}&top=${TOP_CUSTOMERS}`);
  const shop = useApi<Shop>("/shop");

  // While a sync runs, watch it; when it finishes, reload the numbers it changed.
  const syncing = shop.data?.last_sync ? ["queued", "running"].includes(shop.data.last_sync.status) : false;
  const wasSyncing = useRef(false);
  const { reload: reloadShop } = shop;
  const { reload: reloadDashboard } = dashboard;
  useEffect(() => {
    if (wasSyncing.current && !syncing) reloadDashboard();
    wasSyncing.current = syncing;
    if (!syncing) return;
    const timer = window.setInterval(reloadShop, SYNC_WATCH_MS);
    return () => window.clearInterval(timer);
  }, [syncing, reloadShop, reloadDashboard]);

  const data = dashboard.data;
  const currency = data?.currency || shop.data?.currency || env.currency;
  const noOrders = data !== null && data.kpis.orders.value === 0 && data.kpis.orders.previous === 0;
  const neverSynced = shop.data !== null && shop.data.last_sync === null;
  const fmtDate = (date: string) => formatCalendarDate(date, env.locale);

  return (
    <AppPage title="Dashboard" subtitle={shop.data?.name || env.shop || "\u00a0"}>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <DateRangePicker value={range} onChange={setRange} />
          <Text as="p" variant="bodySm" tone="subdued">
            {data
              ? `Compared with ${fmtDate(data.previous_range.start)} – ${fmtDate(data.previous_range.end)}`
              : "Compared with the previous period"}
          </Text>
        </InlineStack>

        {dashboard.error && (
          <ErrorBanner title="The dashboard could not be loaded" error={dashboard.error} onRetry={dashboard.reload} />
        )}

        {noOrders ? (
          <Card>
            <EmptyState
              heading={neverSynced ? "Import your store to see its numbers" : "No orders in this period"}
              action={
                neverSynced
                  ? { content: "Go to Sync", onAction: () => navigate("/sync") }
                  : { content: "Show this year", onAction: () => setRange(presetRange("thisYear", env.timeZone)) }
              }
              secondaryAction={neverSynced ? undefined : { content: "Check the last sync", url: "/sync" }}
              image={EMPTY_STATE_IMAGE}
            >
              <p>
                {neverSynced
                  ? "XSight has not synced your orders and customers yet. Start the first sync; the dashboard fills in as soon as it finishes."
                  : `Your store has no orders from ${fmtDate(data.range.start)} to ${fmtDate(data.range.end)}, nor in the period before. Choose a longer range.`}
              </p>
            </EmptyState>
          </Card>
        ) : (
          !dashboard.error && (
            <>
              <KpiGrid kpis={data?.kpis ?? null} currency={currency} />
              <Layout>
                <Layout.Section>
                  <BlockStack gap="400">
                    <ChartCard
                      title="Net sales over time"
                      total={data ? formatMoney(data.kpis.net_sales.value, currency, env.locale) : undefined}
                      metric="net_sales"
                      current={data?.by_day}
                      previous={data?.previous_by_day}
                      currency={currency}
                    />
                    <ChartCard
                      title="Orders over time"
                      total={data ? formatCount(data.kpis.orders.value, env.locale) : undefined}
                      metric="orders"
                      current={data?.by_day}
                      previous={data?.previous_by_day}
                      currency={currency}
                    />
                  </BlockStack>
                </Layout.Section>
                <Layout.Section variant="oneThird">
                  <BlockStack gap="400">
                    <CustomerMix kpis={data?.kpis ?? null} />
                    <TopCustomers customers={data?.top_customers} currency={currency} />
                  </BlockStack>
                </Layout.Section>
              </Layout>
            </>
          )
        )}

        <InlineGrid columns={1}>
          {shop.error ? (
            <ErrorBanner title="The shop's details could not be loaded" error={shop.error} onRetry={shop.reload} />
          ) : (
            <LastSyncCard shop={shop.data} loading={shop.loading} />
          )}
        </InlineGrid>
        <div style={{ height: 16 }} />
      </BlockStack>
    </AppPage>
  );
}
