/** Data & privacy: privacy requests Shopify sent on customers' behalf, and who viewed customer data. */
import { Badge, BlockStack, Box, Button, Card, DataTable, InlineStack, Pagination, SkeletonBodyText, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { AccessLogPage, PrivacyRequest, PrivacyRequestsPage } from "../../api/settings";
import { ApiError, apiFetch, useApi } from "../../hooks/useApi";
import { downloadJson } from "../../lib/download";
import { formatCount, formatDateTime } from "../../lib/format";
import { toast } from "../../lib/toast";
import { useShopEnv } from "../../shopContext";
import { ErrorBanner } from "../Layout/ErrorBanner";

export const PER_PAGE = 10;

const TOPIC_LABEL: Record<string, string> = {
  "customers/data_request": "Customer data request",
  "customers/redact": "Customer erasure",
  "shop/redact": "Store erasure",
};

function Pager({ page, total, onPage, label }: { page: number; total: number; onPage: (p: number) => void; label: string }) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  if (pages <= 1) return null;
  return (
    <Box padding="300">
      <InlineStack align="center">
        <Pagination
          label={`${label} page ${page} of ${pages}`}
          hasPrevious={page > 1}
          onPrevious={() => onPage(page - 1)}
          hasNext={page < pages}
          onNext={() => onPage(page + 1)}
        />
      </InlineStack>
    </Box>
  );
}

function ExportButton({ request }: { request: PrivacyRequest }) {
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    try {
      const body = await apiFetch<unknown>(`/privacy/requests/${request.id}/export`);
      downloadJson(`xsight-data-request-${request.id}.json`, body);
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The export could not be downloaded. Try again.", true);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button size="slim" onClick={() => void download()} loading={busy} accessibilityLabel={`Download export of request ${request.id}`}>
      Download export
    </Button>
  );
}

/** The requests table; `onSettled` is called once its first answer (or error) is in. */
export function PrivacyRequestsCard({ onSettled }: { onSettled?: () => void }) {
  const { locale, timeZone } = useShopEnv();
  const [page, setPage] = useState(1);
  const state = useApi<PrivacyRequestsPage>(`/privacy/requests?page=${page}&per_page=${PER_PAGE}`);
  const data = state.data;
  const settled = data !== null || state.error !== null;
  useEffect(() => {
    if (settled) onSettled?.();
  }, [settled, onSettled]);
  return (
    <div data-testid="privacy-requests">
      <Card padding="0">
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Data requests received
            </Text>
            <Text as="p" tone="subdued">
              Requests Shopify forwards when a customer asks for their data or to be erased. XSight completes them
              automatically; download a data request's export to send it to the customer.
            </Text>
          </BlockStack>
        </Box>
        {state.error ? (
          <Box padding="400" paddingBlockStart="0">
            <ErrorBanner title="Data requests could not be loaded" error={state.error} onRetry={state.reload} />
          </Box>
        ) : !data ? (
          <Box padding="400" paddingBlockStart="0" minHeight="120px">
            <SkeletonBodyText lines={4} />
          </Box>
        ) : data.total === 0 ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p" tone="subdued">
              No data requests yet. When a customer asks your store for their data, the request and its export appear here.
            </Text>
          </Box>
        ) : (
          <>
            <DataTable
              hideScrollIndicator
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Request", "Customer", "Status", ""]}
              rows={data.requests.map((r) => [
                <BlockStack gap="050" key="r">
                  <Text as="span" fontWeight="semibold">
                    {TOPIC_LABEL[r.topic] ?? r.topic}
                  </Text>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {`Received ${formatDateTime(r.received_at, timeZone, locale)}`}
                  </Text>
                </BlockStack>,
                r.customer_id ?? "—",
                r.status === "completed" ? (
                  <Badge tone="success" key="s">Completed</Badge>
                ) : r.error ? (
                  <Badge tone="critical" key="s">Failed</Badge>
                ) : (
                  <Badge tone="attention" key="s">In progress</Badge>
                ),
                r.exportable ? <ExportButton request={r} key="e" /> : "",
              ])}
            />
            <Pager page={page} total={data.total} onPage={setPage} label="Data requests" />
          </>
        )}
      </Card>
    </div>
  );
}

export function AccessLogCard() {
  const { locale, timeZone } = useShopEnv();
  const [page, setPage] = useState(1);
  const state = useApi<AccessLogPage>(`/privacy/access-log?page=${page}&per_page=${PER_PAGE}`);
  const data = state.data;
  return (
    <div data-testid="access-log">
      <Card padding="0">
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Customer data access log
            </Text>
            <Text as="p" tone="subdued">
              Every time XSight showed customers' personal data, and to which staff member
              {data ? `; kept for ${formatCount(data.retention_days, locale)} days` : ""}.
            </Text>
          </BlockStack>
        </Box>
        {state.error ? (
          <Box padding="400" paddingBlockStart="0">
            <ErrorBanner title="The access log could not be loaded" error={state.error} onRetry={state.reload} />
          </Box>
        ) : !data ? (
          <Box padding="400" paddingBlockStart="0" minHeight="120px">
            <SkeletonBodyText lines={4} />
          </Box>
        ) : data.total === 0 ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p" tone="subdued">
              Nobody has viewed customer data yet. Pages that show customers by name are recorded here.
            </Text>
          </Box>
        ) : (
          <>
            <DataTable
              hideScrollIndicator
              increasedTableDensity
              columnContentTypes={["text", "text", "text", "numeric"]}
              headings={["When", "Staff member", "Page data", "Customers shown"]}
              rows={data.entries.map((e) => [
                formatDateTime(e.accessed_at, timeZone, locale),
                e.staff_user_id ? `Staff ${e.staff_user_id}` : "—",
                e.route.replace(/^\/api\/v1\//, ""),
                formatCount(e.customer_count, locale),
              ])}
            />
            <Pager page={page} total={data.total} onPage={setPage} label="Access log" />
          </>
        )}
      </Card>
    </div>
  );
}
