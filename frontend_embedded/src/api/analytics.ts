/** Shapes of the analytics answers (GET /api/v1/analytics/*), as xsight/services/insights.py returns them. */
import type { Money } from "../types";

/** "ok" when computed; otherwise `reason` says why there is nothing to show. */
export type InsightStatus = "ok" | "not_computed" | "not_enough_data" | "fit_failed" | "failed" | "running" | string;

export interface ModelRun {
  id: number;
  status: string;
  reason: string | null;
  started_at: string;
  finished_at: string | null;
  observation_end: string | null;
  customers: number | null;
  repeat_buyers: number | null;
}

export interface RfmGroup {
  group: string;
  label: string;
  customers: number;
  share: number;
  avg_net_sales: Money | null;
  avg_recency_days: number | null;
}

export interface RfmOverview {
  status: InsightStatus;
  reason: string | null;
  groups: RfmGroup[];
  /** counts[r - 1][fm - 1]; prospects (no orders) are left out. */
  grid: { rows_r: number[]; columns_fm: number[]; counts: number[][] } | null;
  customers: number;
  model_run: ModelRun | null;
}

export interface CohortOverview {
  status: InsightStatus;
  reason: string | null;
  cohorts: string[];
  sizes: number[];
  /** retention[cohort][month offset], a fraction; null where the month has not been observed yet. */
  retention: (number | null)[][];
  cumulative_net_sales_per_customer: (number | null)[][];
  current_month?: string;
  model_run: ModelRun | null;
}

export interface HistogramBin {
  from: number;
  to: number;
  customers: number;
}

export interface AtRiskCustomer {
  id: number | null;
  name: string | null;
  email: string | null;
  clv_12m: Money;
  p_alive: number | null;
  expected_90d: number | null;
  orders: number;
  net_sales: Money;
}

export interface PredictionOverview {
  status: InsightStatus;
  reason: string | null;
  distributions: {
    customers: number;
    p_alive: HistogramBin[];
    clv_12m: HistogramBin[];
    churn_risk: { low: number; medium: number; high: number };
  } | null;
  at_risk: AtRiskCustomer[];
  model_run: ModelRun | null;
}

export interface ModelQuality {
  status: InsightStatus;
  reason: string | null;
  calibration_end?: string | null;
  observation_end?: string | null;
  holdout_days?: number;
  n_customers?: number;
  n_repeat_buyers?: number;
  predicted_total?: number | null;
  actual_total?: number | null;
  baseline_total?: number | null;
  mae?: number | null;
  baseline_mae?: number | null;
  correlation?: number | null;
  baseline_correlation?: number | null;
  model_run: ModelRun | null;
}
