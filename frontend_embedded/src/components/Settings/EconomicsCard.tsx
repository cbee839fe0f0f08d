/** The margin and discount rate that turn predicted spend into customer lifetime value. */
import { BlockStack, Button, Card, FormLayout, InlineStack, SkeletonBodyText, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { SettingsChange, ShopSettings } from "../../api/settings";
import { useDraft } from "../../hooks/useDraft";
import { economicsForm, parseEconomics, type EconomicsForm } from "../../lib/settingsForm";

interface Props {
  settings: ShopSettings | null;
  onSave: (change: SettingsChange) => Promise<boolean>;
}

const EMPTY: EconomicsForm = { marginPct: "", discountPct: "" };

export function EconomicsCard({ settings, onSave }: Props) {
  const [form, setForm] = useDraft<ShopSettings, EconomicsForm>(settings, economicsForm, EMPTY);
  const [saving, setSaving] = useState(false);
  const [touched, setTouched] = useState(false);
  const parsed = settings ? parseEconomics(form, settings.limits) : null;
  const initial = settings ? economicsForm(settings) : null;
  const dirty = initial !== null && (form.marginPct !== initial.marginPct || form.discountPct !== initial.discountPct);
  const errors = touched && parsed ? parsed.errors : {};
  async function save() {
    setTouched(true);
    if (!parsed || Object.keys(parsed.errors).length > 0) return;
    setSaving(true);
    if (await onSave(parsed.change)) setTouched(false);
    setSaving(false);
  }
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Customer lifetime value
        </Text>
        <Text as="p" tone="subdued">
          Predicted 12-month value is predicted spend × your margin, discounted month by month. Saving recomputes the
          predictions.
        </Text>
        {!settings ? (
          <div style={{ minHeight: 180 }}>
            <SkeletonBodyText lines={5} />
          </div>
        ) : (
          <BlockStack gap="300">
            <FormLayout>
              <FormLayout.Group>
                <TextField
                  label="Gross margin"
                  type="number"
                  suffix="%"
                  autoComplete="off"
                  value={form.marginPct}
                  onChange={(marginPct) => setForm({ ...form, marginPct })}
                  onBlur={() => setTouched(true)}
                  error={errors.marginPct}
                  helpText="The share of revenue you keep after the cost of goods. 100% values revenue."
                />
                <TextField
                  label="Monthly discount rate"
                  type="number"
                  suffix="%"
                  autoComplete="off"
                  value={form.discountPct}
                  onChange={(discountPct) => setForm({ ...form, discountPct })}
                  onBlur={() => setTouched(true)}
                  error={errors.discountPct}
                  helpText="What a sale next month is worth less than one today; 1% a month is typical."
                />
              </FormLayout.Group>
            </FormLayout>
            <InlineStack align="end">
              <Button variant="primary" onClick={() => void save()} disabled={!dirty} loading={saving}>
                Save and recompute
              </Button>
            </InlineStack>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
