/** Shapes of the CRM API answers (docs/api-crm.md): customers, orders, segments. Money is a decimal string. */
import type { Money } from "./types";

export type ChurnRisk = "low" | "medium" | "high";

export interface CustomerRow {
  id: number;
  gid: string;
  name: string | null;
  email: string | null;
  country: string | null;
  tags: string[];
  email_subscription_status: string | null;
  amount_spent: Money | null;
  number_of_orders: number | null;
  average_order_value: Money | null;
  first_order_date: string | null;
  last_order_date: string | null;
  days_since_last_order: number | null;
  rfm_group: string | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  p_alive: number | null;
  churn_risk: ChurnRisk | null;
  predicted_clv: Money | null;
  expected_next_order_date: string | null;
  created_at: string | null;
}

export interface CustomerPage {
  customers: CustomerRow[];
  total: number;
  next_cursor: string | null;
  currency: string;
}

export interface OrderRow {
  id: number;
  gid: string;
  name: string;
  processed_at: string;
  customer: { id: number; name: string | null } | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  cancelled_at: string | null;
  total_price: Money;
  total_refunded: Money;
  currency_code: string;
  line_item_count: number;
}

export interface Predictions {
  p_alive: number | null;
  churn_risk: ChurnRisk | null;
  expected_orders_30d: number | null;
  expected_orders_90d: number | null;
  predicted_clv: Money | null;
  expected_next_order_date: string | null;
  model_run_id: number | null;
  computed_at: string | null;
}

export interface CustomerDetail {
  customer: CustomerRow & { first_name: string | null; last_name: string | null; phone: string | null; state: string | null };
  stats: { gross_sales: Money; discounts: Money; returns: Money; net_sales: Money; orders: number };
  predictions: Predictions | null;
  predictions_reason: string | null;
  orders: OrderRow[];
  products: { product_gid: string; title: string; quantity: number; orders: number }[];
  segments: { id: number; name: string; entered_at: string | null }[];
  currency: string;
}

export type TimelineKind =
  | "order_placed"
  | "order_cancelled"
  | "refund"
  | "customer_updated"
  | "segment_entered"
  | "segment_left"
  | "tags_added"
  | "tags_removed";

export interface TimelineEvent {
  kind: TimelineKind | string;
  occurred_at: string;
  title: string;
  data: Record<string, unknown> | null;
}

export interface TimelinePage {
  events: TimelineEvent[];
  next_cursor: string | null;
}

// ---- segments ---------------------------------------------------------------------------

export type FieldKind = "money" | "integer" | "number" | "date" | "datetime" | "enum" | "tags" | "text" | "product";

export interface SegmentField {
  name: string;
  label: string;
  kind: FieldKind | string;
  ops: string[];
  values: string[] | null;
}

export type LeafValue = string | number | null | (string | number)[];

export interface RuleLeaf {
  field: string;
  op: string;
  value?: LeafValue;
}

export interface RuleGroup {
  op: "and" | "or" | "not";
  children: RuleNode[];
}

export type RuleNode = RuleGroup | RuleLeaf;

export interface TagRun {
  id: number;
  tag: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  to_add: number | null;
  to_remove: number | null;
  added: number | null;
  removed: number | null;
  failed: number | null;
  error: string | null;
}

export interface Segment {
  id: number;
  name: string;
  slug: string;
  description: string | null;
  rules: RuleGroup;
  query: string;
  template: string | null;
  tag_writeback: boolean;
  tag: string | null;
  member_count: number | null;
  count_history: { at: string; count: number }[];
  refreshed_at: string | null;
  created_at: string;
  updated_at: string;
  last_tag_run: TagRun | null;
}

export interface SegmentTemplate {
  key: string;
  name: string;
  description: string;
  rules: RuleGroup;
  query: string;
}

export interface Preview {
  count: number;
  sample: CustomerRow[];
  rules: RuleGroup;
  query: string;
  currency: string;
}
