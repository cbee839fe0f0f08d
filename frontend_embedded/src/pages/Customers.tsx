/** Customers: search, filter, sort and page through every customer; a row opens the customer. */
import { BlockStack, Box, Card, EmptyState, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import type { CustomerPage } from "../crmTypes";
import { CustomerFiltersBar } from "../components/Customers/CustomerFiltersBar";
import { CustomersTable } from "../components/Customers/CustomersTable";
import {
  activeFilterCount,
  customersPath,
  DEFAULT_SORT,
  EMPTY_FILTERS,
  exportPath,
  PAGE_SIZE,
  type CustomerFilters,
  type CustomerSort,
} from "../components/Customers/filters";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { ApiError, apiDownload } from "../hooks/useApi";
import { useDebounced } from "../hooks/useDebounced";
import { useKeysetPages } from "../hooks/useKeysetPages";
import { formatCount } from "../lib/format";
import { toast } from "../lib/toast";
import { navigate } from "../router";
import { useShopEnv } from "../shopContext";

/** Wait this long (ms) after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 300;

export default function CustomersPage() {
  const env = useShopEnv();
  const [filters, setFilters] = useState<CustomerFilters>(EMPTY_FILTERS);
  const [sort, setSort] = useState<CustomerSort>(DEFAULT_SORT);
  const [exporting, setExporting] = useState(false);
  const applied = useDebounced(filters, SEARCH_DEBOUNCE_MS);
  const pages = useKeysetPages<CustomerPage>(customersPath(applied, sort), PAGE_SIZE);
  const data = pages.data;
  const currency = data?.currency ?? env.currency;
  const filtered = applied.q.trim() !== "" || activeFilterCount(applied) > 0;

  async function exportCsv() {
    setExporting(true);
    try {
      await apiDownload(exportPath(applied, sort), "customers.csv");
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The export failed. Try again.", true);
    } finally {
      setExporting(false);
    }
  }

  const first = (pages.page - 1) * PAGE_SIZE + 1;
  const rangeLabel =
    data && data.customers.length > 0
      ? `${formatCount(first, env.locale)}–${formatCount(first + data.customers.length - 1, env.locale)} of ${formatCount(data.total, env.locale)}`
      : undefined;

  const emptyState = filtered ? (
    <EmptyState
      heading="No customers match"
      action={{ content: "Clear search and filters", onAction: () => setFilters(EMPTY_FILTERS) }}
      image={EMPTY_STATE_IMAGE}
    >
      <p>Try a shorter search, or remove a filter to widen the list.</p>
    </EmptyState>
  ) : (
    <EmptyState
      heading="No customers yet"
      action={{ content: "Go to Sync", onAction: () => navigate("/sync") }}
      image={EMPTY_STATE_IMAGE}
    >
      <p>Customers appear here once XSight has imported your store. Run a sync, or wait for your first order.</p>
    </EmptyState>
  );

  return (
    <AppPage
      title="Customers"
      subtitle={data ? `${formatCount(data.total, env.locale)} ${data.total === 1 ? "customer" : "customers"}` : "\u00a0"}
      primaryAction={{ content: "Export CSV", onAction: () => void exportCsv(), loading: exporting, disabled: !data || data.total === 0 }}
      secondaryActions={[{ content: "Segments", onAction: () => navigate("/segments") }]}
    >
      <BlockStack gap="400">
        {pages.error && <ErrorBanner title="Customers could not be loaded" error={pages.error} onRetry={pages.reload} />}
        {!(pages.error && !data) && (
          <Card padding="0">
            <CustomerFiltersBar
              filters={filters}
              onChange={setFilters}
              sort={sort}
              onSort={setSort}
              loading={pages.loading && data !== null}
              currency={currency}
            />
            {!data ? (
              <Box padding="400" minHeight="480px">
                <SkeletonBodyText lines={12} />
              </Box>
            ) : (
              <CustomersTable
                customers={data.customers}
                currency={currency}
                loading={pages.loading}
                emptyState={emptyState}
                pagination={
                  data.total > 0
                    ? {
                        hasNext: pages.hasNext,
                        hasPrevious: pages.hasPrevious && !pages.loading,
                        onNext: pages.next,
                        onPrevious: pages.previous,
                        label: rangeLabel,
                      }
                    : undefined
                }
              />
            )}
          </Card>
        )}
        {data && data.total > 0 && (
          <InlineStack align="center">
            <Text as="p" variant="bodySm" tone="subdued">
              Amounts in {currency}. Predictions come from the last model run; see Analytics.
            </Text>
          </InlineStack>
        )}
      </BlockStack>
    </AppPage>
  );
}
