/** Shapes of the settings, privacy and webhook-health answers (xsight/services/{settings,privacy,webhook_health}.py). */

export interface ShopSettings {
  sync_interval_minutes: number;
  /** A fraction: 0.3 means 30 % of revenue is profit. */
  margin: number;
  /** A fraction per month: 0.01 means 1 %. */
  monthly_discount_rate: number;
  defaults: { sync_interval_minutes: number; margin: number; monthly_discount_rate: number };
  limits: { sync_interval_minutes: number[]; margin: [number, number]; monthly_discount_rate: [number, number] };
}

export type SettingsChange = Partial<Pick<ShopSettings, "sync_interval_minutes" | "margin" | "monthly_discount_rate">>;

export interface Paged {
  page: number;
  per_page: number;
  total: number;
}

export interface PrivacyRequest {
  id: number;
  topic: string;
  status: string;
  customer_id: string | null;
  orders: number;
  received_at: string | null;
  completed_at: string | null;
  error: string | null;
  exportable: boolean;
}

export interface PrivacyRequestsPage extends Paged {
  requests: PrivacyRequest[];
}

export interface AccessLogEntry {
  id: number;
  staff_user_id: string | null;
  route: string;
  customer_count: number;
  accessed_at: string | null;
}

export interface AccessLogPage extends Paged {
  entries: AccessLogEntry[];
  retention_days: number;
}

export interface TopicHealth {
  topic: string;
  received: number;
  processed: number;
  ignored: number;
  failed: number;
  malformed: number;
  total: number;
  last_received_at: string | null;
}

export interface WebhookHealth {
  window_hours: number;
  since: string;
  last_received_at: string | null;
  totals: Omit<TopicHealth, "topic" | "last_received_at">;
  topics: TopicHealth[];
  oldest_pending: { topic: string; received_at: string; age_seconds: number } | null;
  malformed: number;
  failures: { topic: string; status: string; received_at: string | null; error: string | null }[];
}
