/** The customer's timeline, newest first, with "Load more" over the keyset-paginated API. */
import { Badge, BlockStack, Box, Button, Card, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { TimelineEvent, TimelinePage } from "../../crmTypes";
import { ApiError, apiFetch } from "../../hooks/useApi";
import { formatDateTime } from "../../lib/format";
import { useShopEnv } from "../../shopContext";
import { ErrorBanner } from "../Layout/ErrorBanner";
import { TIMELINE_LABEL } from "./labels";

export const TIMELINE_PAGE = 20;

const TONE: Record<string, "success" | "critical" | "info" | "warning" | undefined> = {
  order_placed: "success",
  order_cancelled: "critical",
  refund: "warning",
  segment_entered: "info",
  segment_left: undefined,
};

interface State {
  events: TimelineEvent[];
  next: string | null;
  loading: boolean;
  error: ApiError | null;
}

export function CustomerTimeline({ customerId }: { customerId: string }) {
  const { locale, timeZone } = useShopEnv();
  const [state, setState] = useState<State>({ events: [], next: null, loading: true, error: null });

  async function load(after: string | null, signal?: AbortSignal) {
    setState((s) => ({ ...s, loading: true, error: null }));
    const query = `limit=${TIMELINE_PAGE}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    try {
      const page = await apiFetch<TimelinePage>(`/customers/${customerId}/timeline?${query}`, { signal });
      setState((s) => ({ events: after ? [...s.events, ...page.events] : page.events, next: page.next_cursor, loading: false, error: null }));
    } catch (err) {
      if (signal?.aborted) return;
      const error = err instanceof ApiError ? err : new ApiError(0, "unexpected", String(err));
      setState((s) => ({ ...s, loading: false, error }));
    }
  }

  useEffect(() => {
    const controller = new AbortController();
    setState({ events: [], next: null, loading: true, error: null });
    void load(null, controller.signal);
    return () => controller.abort();
  }, [customerId]);

  const first = state.loading && state.events.length === 0;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        {state.error && (
          <ErrorBanner
            title="The timeline could not be loaded"
            error={state.error}
            onRetry={() => void load(state.events.length ? state.next : null)}
          />
        )}
        {first ? (
          <Box minHeight="200px">
            <SkeletonBodyText lines={6} />
          </Box>
        ) : state.events.length === 0 && !state.error ? (
          <Text as="p" tone="subdued">
            Nothing has happened yet. Orders, refunds, tag changes and segment moves show up here.
          </Text>
        ) : (
          <ol className="xsight-timeline" aria-label="Customer timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {state.events.map((event, index) => (
              <li key={`${event.occurred_at}-${index}`} data-testid="timeline-event">
                <Box paddingBlock="200" borderBlockEndWidth="025" borderColor="border-secondary">
                  <InlineStack align="space-between" blockAlign="start" gap="200" wrap={false}>
                    <BlockStack gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <Badge tone={TONE[event.kind]}>{TIMELINE_LABEL[event.kind] ?? event.kind}</Badge>
                        <Text as="span">{event.title}</Text>
                      </InlineStack>
                    </BlockStack>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {formatDateTime(event.occurred_at, timeZone, locale)}
                    </Text>
                  </InlineStack>
                </Box>
              </li>
            ))}
          </ol>
        )}
        {state.next && !state.error && (
          <InlineStack align="center">
            <Button onClick={() => void load(state.next)} loading={state.loading}>
              Load more
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}
