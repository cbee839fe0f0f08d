/** The saved segment's members, page by page, with a CSV export of all of them. */
import { BlockStack, Box, Button, Card, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import type { CustomerPage, Segment } from "../../crmTypes";
import { ApiError, apiDownload } from "../../hooks/useApi";
import { useKeysetPages } from "../../hooks/useKeysetPages";
import { formatCount } from "../../lib/format";
import { toast } from "../../lib/toast";
import { useShopEnv } from "../../shopContext";
import { CustomersTable } from "../Customers/CustomersTable";
import { ErrorBanner } from "../Layout/ErrorBanner";

export const MEMBERS_PAGE = 25;

/** `refreshing`: the segment was just saved and its members are being recomputed. */
export function MembersCard({ segment, refreshing = false }: { segment: Segment; refreshing?: boolean }) {
  const { locale, currency } = useShopEnv();
  const pages = useKeysetPages<CustomerPage>(`/segments/${segment.id}/members?sort=amount_spent&direction=desc`, MEMBERS_PAGE);
  const [exporting, setExporting] = useState(false);
  const data = pages.data;

  async function exportCsv() {
    setExporting(true);
    try {
      await apiDownload(`/segments/${segment.id}/export.csv`, `${segment.slug || "segment"}.csv`);
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The export failed. Try again.", true);
    } finally {
      setExporting(false);
    }
  }

  const first = (pages.page - 1) * MEMBERS_PAGE + 1;
  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack align="space-between" blockAlign="center">
          <BlockStack gap="050">
            <Text as="h2" variant="headingMd">
              Members
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {refreshing ? "Updating members…" : data ? `${formatCount(data.total, locale)} saved members` : "\u00a0"}
            </Text>
          </BlockStack>
          <Button onClick={() => void exportCsv()} loading={exporting} disabled={!data || data.total === 0}>
            Export CSV
          </Button>
        </InlineStack>
      </Box>
      {pages.error ? (
        <Box padding="400">
          <ErrorBanner title="Members could not be loaded" error={pages.error} onRetry={pages.reload} />
        </Box>
      ) : !data ? (
        <Box padding="400" minHeight="240px">
          <SkeletonBodyText lines={8} />
        </Box>
      ) : data.customers.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            No members yet. Members are refreshed after each sync and when you save the segment.
          </Text>
        </Box>
      ) : (
        <CustomersTable
          customers={data.customers}
          currency={data.currency || currency}
          loading={pages.loading}
          compact
          pagination={{
            hasNext: pages.hasNext,
            hasPrevious: pages.hasPrevious && !pages.loading,
            onNext: pages.next,
            onPrevious: pages.previous,
            label: `${formatCount(first, locale)}–${formatCount(first + data.customers.length - 1, locale)} of ${formatCount(data.total, locale)}`,
          }}
        />
      )}
    </Card>
  );
}
