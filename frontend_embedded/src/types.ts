/** Shapes of the API answers the pages read (API contract v1). Money is a decimal string. */

export type Money = string;

export type SyncStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type SyncKind = "incremental" | "full";

export interface LastSync {
  id: number | string;
  kind: SyncKind | string;
  status: SyncStatus;
  started_at: string | null;
  finished_at: string | null;
}

export interface Shop {
  domain: string;
  name: string;
  email: string;
  currency: string;
  iana_timezone: string;
  plan: string;
  installed: boolean;
  installed_at: string | null;
  scopes: string[];
  last_sync: LastSync | null;
}

export interface Kpi<V> {
  value: V;
  previous: V;
  change_pct: number | null;
}

export interface DashboardKpis {
  gross_sales: Kpi<Money>;
  discounts: Kpi<Money>;
  returns: Kpi<Money>;
  net_sales: Kpi<Money>;
  orders: Kpi<number>;
  aov: Kpi<Money>;
  customers: Kpi<number>;
  new_customers: Kpi<number>;
  returning_customers: Kpi<number>;
  returning_customer_rate: Kpi<number>;
}

export interface DayPoint {
  date: string;
  orders: number;
  net_sales: Money;
  gross_sales: Money;
}

export interface TopCustomer {
  id: number | string;
  name: string | null;
  email: string | null;
  orders: number;
  net_sales: Money;
}

export interface Dashboard {
  range: { start: string; end: string };
  previous_range: { start: string; end: string };
  currency: string;
  kpis: DashboardKpis;
  by_day: DayPoint[];
  previous_by_day: DayPoint[];
  top_customers: TopCustomer[];
}

export interface SyncRun {
  id: number | string;
  kind: SyncKind | string;
  status: SyncStatus;
  step: string | null;
  processed: number | null;
  total: number | null;
  percent: number | null;
  eta_seconds: number | null;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export interface SyncProgressEvent {
  sync_run_id: number | string;
  kind: SyncKind | string;
  step: string | null;
  processed: number | null;
  total: number | null;
  percent: number | null;
  eta_seconds: number | null;
}

export const ACTIVE_STATUSES: SyncStatus[] = ["queued", "running"];

export function isActive(run: { status: SyncStatus }): boolean {
  return ACTIVE_STATUSES.includes(run.status);
}
