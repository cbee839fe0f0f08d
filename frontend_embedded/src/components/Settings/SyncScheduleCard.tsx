/** How often XSight catches up with the store, on top of real-time webhooks. */
import { BlockStack, Button, Card, InlineStack, Select, SkeletonBodyText, Text } from "@shopify/polaris";
import { useState } from "react";
import type { SettingsChange, ShopSettings } from "../../api/settings";
import { useDraft } from "../../hooks/useDraft";
import { intervalLabel } from "../../lib/settingsForm";

interface Props {
  settings: ShopSettings | null;
  onSave: (change: SettingsChange) => Promise<boolean>;
}

const intervalValue = (settings: ShopSettings) => String(settings.sync_interval_minutes);

export function SyncScheduleCard({ settings, onSave }: Props) {
  const [value, setValue] = useDraft<ShopSettings, string>(settings, intervalValue, "");
  const [saving, setSaving] = useState(false);
  const dirty = settings !== null && value !== String(settings.sync_interval_minutes);
  async function save() {
    setSaving(true);
    await onSave({ sync_interval_minutes: Number(value) });
    setSaving(false);
  }
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sync schedule
        </Text>
        <Text as="p" tone="subdued">
          Webhooks bring changes in as they happen. On this schedule XSight also checks your store for anything a
          webhook missed.
        </Text>
        {!settings ? (
          <div style={{ minHeight: 56 }}>
            <SkeletonBodyText lines={2} />
          </div>
        ) : (
          <InlineStack gap="300" blockAlign="end" wrap={false}>
            <div style={{ minWidth: 240 }}>
              <Select
                label="Check for missed changes"
                options={settings.limits.sync_interval_minutes.map((m) => ({ label: intervalLabel(m), value: String(m) }))}
                value={value}
                onChange={setValue}
              />
            </div>
            <Button variant="primary" onClick={() => void save()} disabled={!dirty} loading={saving}>
              Save schedule
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}
