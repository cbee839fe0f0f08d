/** Analytics: RFM, cohorts, predictions and how well they hold up, from the latest model run. */
import { BlockStack, Card, EmptyState, InlineGrid, Layout, Text } from "@shopify/polaris";
import type { CohortOverview, ModelQuality, PredictionOverview, RfmOverview } from "../api/analytics";
import { AtRiskCard, DistributionCards } from "../components/Analytics/PredictionCards";
import { CumulativeRevenueCard, RetentionCard } from "../components/Analytics/CohortCards";
import { ModelQualityCard } from "../components/Analytics/ModelQualityCard";
import { RfmCard } from "../components/Analytics/RfmCard";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { useApi, type ApiState } from "../hooks/useApi";
import { formatCalendarDate, formatDateTime } from "../lib/format";
import { navigate } from "../router";
import { useShopEnv } from "../shopContext";

export const COHORT_MONTHS = 12;

type Section = { title: string; state: ApiState<unknown> };

export default function AnalyticsPage() {
  const { locale, timeZone } = useShopEnv();
  const rfm = useApi<RfmOverview>("/analytics/rfm");
  const cohorts = useApi<CohortOverview>(`/analytics/cohorts?months=${COHORT_MONTHS}`);
  const predictions = useApi<PredictionOverview>("/analytics/predictions");
  const quality = useApi<ModelQuality>("/analytics/model-quality");
  const sections: Section[] = [
    { title: "RFM groups could not be loaded", state: rfm },
    { title: "Cohorts could not be loaded", state: cohorts },
    { title: "Predictions could not be loaded", state: predictions },
    { title: "Model quality could not be loaded", state: quality },
  ];
  // Nothing computed at all (a new install): one explanation instead of four empty cards.
  const all = [rfm.data, cohorts.data, predictions.data, quality.data];
  const neverComputed = all.every((d) => d !== null && d.status === "not_computed" && d.model_run === null);
  const run = quality.data?.model_run ?? rfm.data?.model_run ?? null;

  return (
    <AppPage title="Analytics" subtitle="Who your customers are, who comes back and who is slipping away">
      <BlockStack gap="400">
        {sections.map(({ title, state }) =>
          state.error ? <ErrorBanner key={title} title={title} error={state.error} onRetry={state.reload} /> : null,
        )}
        {neverComputed ? (
          <Card>
            <EmptyState
              heading="Insights appear after your first sync"
              action={{ content: "Go to Sync", onAction: () => navigate("/sync") }}
              image={EMPTY_STATE_IMAGE}
            >
              <p>{rfm.data?.reason ?? "XSight computes RFM groups, cohorts and predictions once your orders are imported."}</p>
            </EmptyState>
          </Card>
        ) : (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Text as="p" variant="bodySm" tone="subdued">
                  {run?.finished_at
                    ? `Computed ${formatDateTime(run.finished_at, timeZone, locale)} from orders up to ${run.observation_end ? formatCalendarDate(run.observation_end, locale) : "today"}. Refreshed after each full sync and every night.`
                    : "\u00a0"}
                </Text>
                {!rfm.error && <RfmCard data={rfm.data} />}
                {!cohorts.error && (
                  <>
                    <RetentionCard data={cohorts.data} />
                    <CumulativeRevenueCard data={cohorts.data} />
                  </>
                )}
                {!predictions.error && (
                  <>
                    <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
                      <DistributionCards data={predictions.data} />
                    </InlineGrid>
                    <AtRiskCard data={predictions.data} />
                  </>
                )}
                {!quality.error && <ModelQualityCard data={quality.data} />}
                <div style={{ height: 16 }} />
              </BlockStack>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </AppPage>
  );
}
