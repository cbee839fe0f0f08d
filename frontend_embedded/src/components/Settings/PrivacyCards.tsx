/** Data & privacy: privacy requests Shopify sent on customers' behalf, and who viewed customer data. */
import { Badge, BlockStack, Box, Button, Card, DataTable, InlineStack, Pagination, SkeletonBodyText, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
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

/** A card with a heading, then the table's error, skeleton, empty text or rows and a pager. */
function PagedCard({
  testId,
  title,
  description,
  errorTitle,
  error,
  onRetry,
  loaded,
  empty,
  emptyText,
  children,
}: {
  testId: string;
  title: string;
  description: ReactNode;
  errorTitle: string;
  error: ApiError | null;
  onRetry: () => void;
  loaded: boolean;
  empty: boolean;
  emptyText: string;
  children: ReactNode;
}) {
  return (
    <div data-testid={testId}>
      <Card padding="0">
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
            <Text as="p" tone="subdued">
              {description}
            </Text>
          </BlockStack>
        </Box>
        {error ? (
          <Box padding="400" paddingBlockStart="0">
            <ErrorBanner title={errorTitle} error={error} onRetry={onRetry} />
          </Box>
        ) : !loaded ? (
          <Box padding="400" paddingBlockStart="0" minHeight="120px">
            <SkeletonBodyText lines={4} />
          </Box>
        ) : empty ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p" tone="subdued">
              {emptyText}
            </Text>
          </Box>
        ) : (
          children
        )}
      </Card>
    </div>
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
    <PagedCard
      testId="privacy-requests"
      title="Data requests received"
      description="Requests Shopify forwards when a customer asks for their data or to be erased. XSight completes them automatically; download a data request's export to send it to the customer."
      errorTitle="Data requests could not be loaded"
      error={state.error}
      onRetry={state.reload}
      loaded={data !== null}
      empty={data?.total === 0}
      emptyText="No data requests yet. When a customer asks your store for their data, the request and its export appear here."
    >
      {data && (
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
    </PagedCard>
  );
}

export function AccessLogCard() {
  const { locale, timeZone } = useShopEnv();
  const [page, setPage] = useState(1);
  const state = useApi<AccessLogPage>(`/privacy/access-log?page=${page}&per_page=${PER_PAGE}`);
  const data = state.data;
  return (
    <PagedCard
      testId="access-log"
      title="Customer data access log"
      description={`Every time XSight showed customers' personal data, and to which staff member${
        data ? `; kept for ${formatCount(data.retention_days, locale)} days` : ""
      }.`}
      errorTitle="The access log could not be loaded"
      error={state.error}
      onRetry={state.reload}
      loaded={data !== null}
      empty={data?.total === 0}
      emptyText="Nobody has viewed customer data yet. Pages that show customers by name are recorded here."
    >
      {data && (
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
    </PagedCard>
  );
}
