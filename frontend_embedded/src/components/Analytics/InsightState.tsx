/** Why an analytics card has nothing to show yet, in the API's own words, and what to do about it. */
import { BlockStack, Button, Text } from "@shopify/polaris";
import { navigate } from "../../router";

const TITLES: Record<string, string> = {
  not_computed: "Not computed yet",
  not_enough_data: "Not enough data yet",
  fit_failed: "The model could not be fitted",
  failed: "The last computation failed",
  running: "Being computed",
};

const ADVICE: Record<string, string> = {
  not_computed: "Insights are computed after each full sync and every night. Run a sync to compute them now.",
  not_enough_data: "The numbers become reliable once more customers have ordered twice; they refresh nightly.",
  fit_failed: "This happens with very unusual order histories. XSight tries again after the next sync.",
  failed: "XSight tries again after the next sync and every night.",
  running: "Refresh in a minute.",
};

/** Render the reason a card is empty; `status` and `reason` come from the API. */
export function InsightState({ status, reason, minHeight = 120 }: { status: string; reason: string | null; minHeight?: number }) {
  return (
    <div style={{ minHeight }} data-testid={`insight-${status}`}>
      <BlockStack gap="200" inlineAlign="start">
        <Text as="h3" variant="headingSm">
          {TITLES[status] ?? "Nothing to show yet"}
        </Text>
        {reason && <Text as="p">{reason}</Text>}
        <Text as="p" tone="subdued">
          {ADVICE[status] ?? "Run a sync to compute the insights."}
        </Text>
        {(status === "not_computed" || status === "failed") && (
          <Button onClick={() => navigate("/sync")}>Go to Sync</Button>
        )}
      </BlockStack>
    </div>
  );
}
