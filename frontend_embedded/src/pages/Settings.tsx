/** Settings: sync schedule, the economics of lifetime value, and data & privacy. */
import { BlockStack, Layout } from "@shopify/polaris";
import { useCallback, useState, type ReactNode } from "react";
import type { SettingsChange, ShopSettings } from "../api/settings";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EconomicsCard } from "../components/Settings/EconomicsCard";
import { AccessLogCard, PrivacyRequestsCard } from "../components/Settings/PrivacyCards";
import { SyncScheduleCard } from "../components/Settings/SyncScheduleCard";
import { ApiError, apiFetch, useApi } from "../hooks/useApi";
import { toast } from "../lib/toast";

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      {children}
    </Layout.AnnotatedSection>
  );
}

export default function SettingsPage() {
  const state = useApi<{ settings: ShopSettings }>("/settings");
  const [saved, setSaved] = useState<ShopSettings | null>(null);
  const settings = saved ?? state.data?.settings ?? null;
  // The access log sits below the requests table, whose height is only known once it has loaded:
  // show the log after that, so it appears in place instead of being pushed down (no layout shift).
  const [requestsSettled, setRequestsSettled] = useState(false);
  const settle = useCallback(() => setRequestsSettled(true), []);

  async function save(change: SettingsChange): Promise<boolean> {
    try {
      const body = await apiFetch<{ settings: ShopSettings; recompute_queued: boolean }>("/settings", {
        method: "PATCH",
        body: change,
      });
      setSaved(body.settings);
      toast(body.recompute_queued ? "Saved. Predictions are being recomputed." : "Settings saved");
      return true;
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The settings could not be saved. Try again.", true);
      return false;
    }
  }

  return (
    <AppPage title="Settings">
      <BlockStack gap="400">
        {state.error && <ErrorBanner title="Settings could not be loaded" error={state.error} onRetry={state.reload} />}
        <Layout>
          <Section title="Sync" description="How XSight keeps your data current.">
            <SyncScheduleCard settings={settings} onSave={save} />
          </Section>
          <Section title="Predictions" description="The numbers behind predicted customer value.">
            <EconomicsCard settings={settings} onSave={save} />
          </Section>
          <Section
            title="Data & privacy"
            description="XSight stores your customers' data only to analyse it for you and honours every privacy request."
          >
            <BlockStack gap="400">
              <PrivacyRequestsCard onSettled={settle} />
              {requestsSettled && <AccessLogCard />}
            </BlockStack>
          </Section>
        </Layout>
        <div style={{ height: 16 }} />
      </BlockStack>
    </AppPage>
  );
}
