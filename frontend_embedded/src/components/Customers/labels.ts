/** Display names and badge tones for RFM groups, churn risk and timeline events. */
import type { BadgeProps } from "@shopify/polaris";

type Tone = BadgeProps["tone"];

export const RFM_GROUPS: { value: string; label: string; tone: Tone }[] = [
  { value: "CHAMPIONS", label: "Champions", tone: "success" },
  { value: "LOYAL", label: "Loyal", tone: "success" },
  { value: "ACTIVE", label: "Active", tone: "info" },
  { value: "NEW", label: "New", tone: "info" },
  { value: "PROMISING", label: "Promising", tone: "info" },
  { value: "NEEDS_ATTENTION", label: "Needs attention", tone: "attention" },
  { value: "ALMOST_LOST", label: "Almost lost", tone: "warning" },
  { value: "AT_RISK", label: "At risk", tone: "warning" },
  { value: "PREVIOUSLY_LOYAL", label: "Previously loyal", tone: "critical" },
  { value: "DORMANT", label: "Dormant", tone: undefined },
  { value: "PROSPECTS", label: "Prospects", tone: undefined },
];

export const CHURN_RISKS: { value: string; label: string; tone: Tone }[] = [
  { value: "low", label: "Low", tone: "success" },
  { value: "medium", label: "Medium", tone: "attention" },
  { value: "high", label: "High", tone: "critical" },
];

/** Return the display label and tone of an RFM group code ("AT_RISK" → "At risk"). */
export function rfmLabel(group: string | null | undefined): { label: string; tone: Tone } {
  if (!group) return { label: "—", tone: undefined };
  const known = RFM_GROUPS.find((g) => g.value === group);
  if (known) return known;
  const words = group.toLowerCase().replace(/_/g, " ");
  return { label: words.charAt(0).toUpperCase() + words.slice(1), tone: undefined };
}

/** Return the display label and tone of a churn risk. */
export function churnLabel(risk: string | null | undefined): { label: string; tone: Tone } {
  return CHURN_RISKS.find((r) => r.value === risk) ?? { label: risk ?? "—", tone: undefined };
}

export const TIMELINE_LABEL: Record<string, string> = {
  order_placed: "Order placed",
  order_cancelled: "Order cancelled",
  refund: "Refund",
  customer_updated: "Customer updated",
  segment_entered: "Entered segment",
  segment_left: "Left segment",
  tags_added: "Tags added",
  tags_removed: "Tags removed",
};

export const SORT_FIELDS: { field: string; label: string; asc: string; desc: string }[] = [
  { field: "amount_spent", label: "Amount spent", asc: "Lowest", desc: "Highest" },
  { field: "number_of_orders", label: "Orders", asc: "Fewest", desc: "Most" },
  { field: "last_order_date", label: "Last order", asc: "Oldest", desc: "Newest" },
  { field: "first_order_date", label: "First order", asc: "Oldest", desc: "Newest" },
  { field: "predicted_clv", label: "Predicted CLV", asc: "Lowest", desc: "Highest" },
  { field: "p_alive", label: "Chance still active", asc: "Lowest", desc: "Highest" },
  { field: "name", label: "Name", asc: "A–Z", desc: "Z–A" },
  { field: "created_at", label: "Customer since", asc: "Oldest", desc: "Newest" },
];
