/** Segments: saved segments with counts and trend, templates to start from, tag write-back status. */
import { BlockStack, Box, Card, EmptyState, SkeletonBodyText } from "@shopify/polaris";
import type { Segment, SegmentTemplate } from "../crmTypes";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { SegmentsTable } from "../components/Segments/SegmentsTable";
import { TemplatesCard } from "../components/Segments/TemplatesCard";
import { useApi } from "../hooks/useApi";
import { navigate } from "../router";

export default function SegmentsPage() {
  const segments = useApi<{ segments: Segment[] }>("/segments");
  const templates = useApi<{ templates: SegmentTemplate[] }>("/segments/templates");
  const list = segments.data?.segments;
  return (
    <AppPage title="Segments" subtitle="Groups of customers that keep themselves up to date" primaryAction={{ content: "Create segment", onAction: () => navigate("/segments/new") }}>
      <BlockStack gap="400">
        {segments.error && <ErrorBanner title="Segments could not be loaded" error={segments.error} onRetry={segments.reload} />}
        {!segments.error && (
          <Card padding="0">
            {!list ? (
              <Box padding="400" minHeight="220px">
                <SkeletonBodyText lines={8} />
              </Box>
            ) : list.length === 0 ? (
              <EmptyState
                heading="Build your first segment"
                action={{ content: "Create segment", onAction: () => navigate("/segments/new") }}
                image={EMPTY_STATE_IMAGE}
              >
                <p>
                  A segment is a saved rule such as “Champions who haven't ordered in 45 days”. XSight refreshes its members after
                  every sync, exports them as CSV and can tag them in Shopify. Start from scratch or from a template below.
                </p>
              </EmptyState>
            ) : (
              <SegmentsTable segments={list} />
            )}
          </Card>
        )}
        {/* Below the list, so shown only once the list has its height: nothing moves when it arrives. */}
        {(list || segments.error) &&
          (templates.error ? (
            <ErrorBanner title="Templates could not be loaded" error={templates.error} onRetry={templates.reload} />
          ) : (
            <TemplatesCard templates={templates.data?.templates ?? null} />
          ))}
      </BlockStack>
    </AppPage>
  );
}
