/** Small badges for a customer's RFM group and churn risk. */
import { Badge, Text } from "@shopify/polaris";
import { churnLabel, rfmLabel } from "./labels";

/** Show the RFM group as a badge, or a dash when there is none. */
export function RfmBadge({ group }: { group: string | null | undefined }) {
  if (!group) return <Text as="span" tone="subdued">—</Text>;
  const { label, tone } = rfmLabel(group);
  return <Badge tone={tone}>{label}</Badge>;
}

/** Show the churn risk as a badge, or a dash when the model has not scored the customer. */
export function ChurnBadge({ risk }: { risk: string | null | undefined }) {
  if (!risk) return <Text as="span" tone="subdued">—</Text>;
  const { label, tone } = churnLabel(risk);
  return <Badge tone={tone}>{`${label} risk`}</Badge>;
}
