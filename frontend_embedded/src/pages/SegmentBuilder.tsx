/** Segment builder: rules as nested groups or as text, live preview, save, delete, members and tags. */
import { Banner, BlockStack, Box, Button, ButtonGroup, Card, Checkbox, EmptyState, InlineStack, Layout, SkeletonBodyText, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { Segment, SegmentField, SegmentTemplate } from "../crmTypes";
import { AppPage } from "../components/Layout/AppPage";
import { ErrorBanner } from "../components/Layout/ErrorBanner";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { MembersCard } from "../components/Segments/MembersCard";
import { PreviewCard } from "../components/Segments/PreviewCard";
import { QueryEditor } from "../components/Segments/QueryEditor";
import { RuleEditor } from "../components/Segments/RuleEditor";
import { TagWritebackCard } from "../components/Segments/TagWritebackCard";
import { incompleteReason } from "../components/Segments/ruleTree";
import { formFromSegment, formFromTemplate, rulesPayload, useSegmentForm } from "../components/Segments/useSegmentForm";
import { useSegmentPreview } from "../components/Segments/useSegmentPreview";
import { ApiError, apiFetch, useApi } from "../hooks/useApi";
import { toast } from "../lib/toast";
import { navigate, usePathname } from "../router";
import { useShopEnv } from "../shopContext";

/** After a save, check this often (ms) whether the members have been recomputed, for at most REFRESH_WATCH_MS. */
const REFRESH_POLL_MS = 1500;
const REFRESH_WATCH_MS = 60_000;

function templateKey(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get("template");
}

export default function SegmentBuilderPage() {
  const env = useShopEnv();
  const raw = usePathname().split("/")[2] ?? "new";
  const id = raw === "new" ? null : raw;
  const fields = useApi<{ fields: SegmentField[] }>("/segments/fields");
  const saved = useApi<{ segment: Segment }>(id ? `/segments/${id}` : null);
  const wantedTemplate = useRef(id ? null : templateKey());
  const templates = useApi<{ templates: SegmentTemplate[] }>(wantedTemplate.current ? "/segments/templates" : null);
  const fieldList = fields.data?.fields ?? [];
  const { form, setForm, update, setMode, switching, modeError, clearModeError, toQueryError } = useSegmentForm(fieldList);
  const [ready, setReady] = useState(id === null && !wantedTemplate.current);
  const [saving, setSaving] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [pendingSince, setPendingSince] = useState<string | null>(null);
  const segment = saved.data?.segment ?? null;

  // Fill the form once: from the saved segment, or from the chosen template.
  useEffect(() => {
    if (ready) return;
    if (segment) setForm(formFromSegment(segment));
    else if (templates.data) {
      const template = templates.data.templates.find((t) => t.key === wantedTemplate.current);
      if (template) setForm(formFromTemplate(template));
    } else return;
    setReady(true);
  }, [ready, segment, templates.data, setForm]);

  // Members are recomputed by a background task after a save: follow the segment until it has been.
  const refreshing = segment !== null && (segment.refreshed_at === null || (pendingSince !== null && Date.parse(segment.refreshed_at) < Date.parse(pendingSince)));
  const { reload: reloadSaved } = saved;
  useEffect(() => {
    if (!refreshing) return;
    const started = Date.now();
    const timer = window.setInterval(() => (Date.now() - started > REFRESH_WATCH_MS ? window.clearInterval(timer) : reloadSaved()), REFRESH_POLL_MS);
    return () => window.clearInterval(timer);
  }, [refreshing, reloadSaved]);

  const payload = ready && fields.data ? rulesPayload(form, fieldList) : null;
  const preview = useSegmentPreview(payload);
  const waitingFor = form.mode === "builder" ? incompleteReason(form.tree) : form.query.trim() ? null : "Type a query to see who matches.";
  const previewQueryError = form.mode === "text" && preview.error?.status === 400 ? toQueryError(preview.error) : null;

  async function save() {
    if (!form.name.trim()) {
      setNameError("Give the segment a name.");
      return;
    }
    if (!payload) {
      toast(waitingFor ?? "Add at least one condition.", true);
      return;
    }
    setSaving(true);
    const body = { name: form.name.trim(), description: form.description, ...payload, ...(id ? {} : { tag_writeback: form.tagWriteback, template: form.template }) };
    try {
      const answer = await apiFetch<{ segment: Segment }>(id ? `/segments/${id}` : "/segments", { method: id ? "PATCH" : "POST", body });
      toast("Segment saved");
      if (id) {
        setPendingSince(answer.segment.updated_at);
        saved.reload();
      }
      else navigate(`/segments/${answer.segment.id}`, { replace: true });
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The segment could not be saved.", true);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    try {
      await apiFetch(`/segments/${id}`, { method: "DELETE" });
      toast("Segment deleted");
      navigate("/segments");
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The segment could not be deleted.", true);
    }
  }

  async function setWriteback(enabled: boolean) {
    try {
      await apiFetch(`/segments/${id}`, { method: "PATCH", body: { tag_writeback: enabled } });
      saved.reload();
    } catch (err) {
      toast(err instanceof ApiError ? err.message : "The setting could not be saved.", true);
    }
  }

  if (saved.error?.status === 404) {
    return (
      <AppPage title="Segment not found">
        <Card>
          <EmptyState heading="This segment does not exist" action={{ content: "All segments", onAction: () => navigate("/segments") }} image={EMPTY_STATE_IMAGE}>
            <p>It may have been deleted. Pick another segment or build a new one.</p>
          </EmptyState>
        </Card>
      </AppPage>
    );
  }

  const loadError = fields.error ?? saved.error ?? templates.error;
  const loading = !ready || !fields.data;
  return (
    <AppPage
      title={id ? segment?.name ?? "Segment" : "New segment"}
      subtitle={id ? "Saved segment" : "Choose who belongs in the segment"}
      primaryAction={{ content: "Save", onAction: () => void save(), loading: saving, disabled: loading }}
      secondaryActions={[
        { content: "All segments", onAction: () => navigate("/segments") },
        ...(id ? [{ content: "Delete", onAction: () => setConfirmDelete(true) }] : []),
      ]}
    >
      <BlockStack gap="400">
        {loadError && (
          <ErrorBanner title="The builder could not be loaded" error={loadError} onRetry={() => { fields.reload(); saved.reload(); templates.reload(); }} />
        )}
        {confirmDelete && (
          <Banner title={`Delete “${segment?.name ?? "this segment"}”?`} tone="warning" action={{ content: "Delete segment", onAction: () => void remove() }} secondaryAction={{ content: "Cancel", onAction: () => setConfirmDelete(false) }} onDismiss={() => setConfirmDelete(false)}>
            <p>Its members keep their data; tags already written to Shopify stay until you remove them there.</p>
          </Banner>
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                {loading ? (
                  <Box minHeight="120px"><SkeletonBodyText lines={4} /></Box>
                ) : (
                  <BlockStack gap="300">
                    <TextField label="Name" value={form.name} onChange={(name) => { setNameError(null); update({ name }); }} error={nameError ?? undefined} autoComplete="off" />
                    <TextField label="Description" value={form.description} onChange={(description) => update({ description })} autoComplete="off" multiline={2} />
                  </BlockStack>
                )}
              </Card>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">Conditions</Text>
                    <ButtonGroup variant="segmented">
                      <Button pressed={form.mode === "builder"} onClick={() => void setMode("builder")} disabled={loading || switching}>Builder</Button>
                      <Button pressed={form.mode === "text"} onClick={() => void setMode("text")} disabled={loading || switching}>Text</Button>
                    </ButtonGroup>
                  </InlineStack>
                  {loading ? (
                    <Box minHeight="220px"><SkeletonBodyText lines={6} /></Box>
                  ) : form.mode === "builder" ? (
                    <>
                      {modeError && (
                        <Banner tone="critical" title="The conditions could not be shown as text" onDismiss={clearModeError}>
                          <p>{modeError.message}</p>
                        </Banner>
                      )}
                      <RuleEditor tree={form.tree} fields={fieldList} currency={env.currency} onChange={(tree) => update({ tree })} />
                    </>
                  ) : (
                    <QueryEditor query={form.query} onChange={(query) => { clearModeError(); update({ query }); }} error={modeError ?? previewQueryError} />
                  )}
                </BlockStack>
              </Card>
              {segment ? (
                <TagWritebackCard segment={segment} onToggle={setWriteback} />
              ) : id ? (
                <Card>
                  <Box minHeight="180px"><SkeletonBodyText lines={4} /></Box>
                </Card>
              ) : (
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">Tags in Shopify</Text>
                    <Checkbox
                      label="Tag members in Shopify"
                      helpText="After saving, XSight adds the segment's tag to its members so Shopify Email, Flow or Klaviyo can use it."
                      checked={form.tagWriteback}
                      disabled={loading}
                      onChange={(tagWriteback) => update({ tagWriteback })}
                    />
                  </BlockStack>
                </Card>
              )}
              {segment ? (
                <MembersCard key={segment.updated_at} segment={segment} refreshing={refreshing} />
              ) : (
                id && (
                  <Card>
                    <Box minHeight="300px"><SkeletonBodyText lines={8} /></Box>
                  </Card>
                )
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <PreviewCard {...preview} waitingFor={loading ? null : waitingFor} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </AppPage>
  );
}
