import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { CohortOverview, ModelQuality, PredictionOverview, RfmOverview } from "../../api/analytics";
import { renderWithShop } from "../../test/render";
import { RetentionCard } from "./CohortCards";
import { heatColor } from "./heat";
import { beatsBaseline, ModelQualityCard } from "./ModelQualityCard";
import { AtRiskCard } from "./PredictionCards";
import { RfmCard } from "./RfmCard";

const counts = [
  [1, 2, 3, 4, 5],
  [6, 7, 8, 9, 10],
  [11, 12, 13, 14, 15],
  [16, 17, 18, 19, 20],
  [21, 22, 23, 24, 1250],
];

const rfm: RfmOverview = {
  status: "ok",
  reason: null,
  customers: 1575,
  grid: { rows_r: [1, 2, 3, 4, 5], columns_fm: [1, 2, 3, 4, 5], counts },
  groups: [{ group: "CHAMPIONS", label: "Champions", customers: 1250, share: 0.7937, avg_net_sales: "1234.5", avg_recency_days: 12.4 }],
  model_run: null,
};

describe("heat colours", () => {
  it("tint by share of the maximum, blank for nothing", () => {
    expect(heatColor(null, 10)).toBeUndefined();
    expect(heatColor(0, 10)).toBeUndefined();
    expect(heatColor(5, 0)).toBeUndefined();
    expect(heatColor(10, 10)).toBe("rgba(0, 91, 211, 0.500)");
    expect(heatColor(50, 10)).toBe("rgba(0, 91, 211, 0.500)");
    expect(heatColor(5, 10)).toBe("rgba(0, 91, 211, 0.275)");
  });
});

describe("RFM card", () => {
  it("lays out R from 5 (top) to 1 and FM from 1 to 5, with group names and shop money", () => {
    renderWithShop(<RfmCard data={rfm} />);
    const rows = within(screen.getByTestId("rfm-grid")).getAllByRole("row");
    expect(rows[1].textContent).toMatch(/^5/);
    expect(within(rows[1]).getAllByRole("cell")[4].textContent).toBe("1,250Champions");
    expect(within(rows[5]).getAllByRole("cell")[0].textContent).toBe("1Dormant");
    expect(screen.getByText("€1,234.50")).toBeTruthy();
    expect(screen.getByText("79.4%")).toBeTruthy();
  });

  it("explains why there is nothing yet, in the API's words", () => {
    renderWithShop(<RfmCard data={{ ...rfm, status: "not_computed", grid: null, reason: "They run after the first sync." }} />);
    expect(screen.getByText("Not computed yet")).toBeTruthy();
    expect(screen.getByText("They run after the first sync.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Go to Sync" })).toBeTruthy();
  });
});

describe("cohorts", () => {
  it("shows retention as percentages and leaves unobserved months blank", () => {
    const data: CohortOverview = {
      status: "ok", reason: null, cohorts: ["2026-01", "2026-02"], sizes: [120, 80],
      retention: [[1, 0.25, 0.125], [1, 0.5, null]], cumulative_net_sales_per_customer: [[10, 20, 30], [12, 18, null]],
      model_run: null,
    };
    renderWithShop(<RetentionCard data={data} />);
    const rows = within(screen.getByTestId("cohort-heatmap")).getAllByRole("row");
    expect(within(rows[1]).getByRole("rowheader").textContent).toBe("Jan 2026");
    expect(within(rows[1]).getAllByRole("cell").map((c) => c.textContent)).toEqual(["120", "100%", "25%", "12.5%"]);
    expect(within(rows[2]).getAllByRole("cell").map((c) => c.textContent)).toEqual(["80", "100%", "50%", ""]);
  });
});

describe("predictions", () => {
  it("links valuable customers at risk to their page", () => {
    const data: PredictionOverview = {
      status: "ok", reason: null, distributions: null, model_run: null,
      at_risk: [{ id: 42, name: "Ada Lovelace", email: "ada@example.com", clv_12m: "310.00", p_alive: 0.12, expected_90d: 0.1, orders: 4, net_sales: "800.00" }],
    };
    renderWithShop(<AtRiskCard data={data} />);
    expect(screen.getByRole("link", { name: "Ada Lovelace" }).getAttribute("href")).toBe("/customers/42");
    expect(screen.getByText("€310.00")).toBeTruthy();
    expect(screen.getByText("12%")).toBeTruthy();
  });
});

describe("model quality", () => {
  const q: ModelQuality = {
    status: "ok", reason: null, calibration_end: "2025-12-01", observation_end: "2026-03-01", holdout_days: 90,
    n_customers: 2357, predicted_total: 1650.4, actual_total: 1882, baseline_total: 2930, mae: 0.785, baseline_mae: 1.024,
    correlation: 0.626, baseline_correlation: 0.5, model_run: null,
  };

  it("compares predicted and baseline totals with what happened", () => {
    renderWithShop(<ModelQualityCard data={q} />);
    expect(screen.getByTestId("quality-actual").textContent).toBe("1,882");
    expect(screen.getByTestId("quality-predicted").textContent).toBe("1,650");
    expect(screen.getByText("-12.3% vs actual")).toBeTruthy();
    expect(screen.getByText("+55.7% vs actual")).toBeTruthy();
    expect(screen.getByText("Better than the simple estimate")).toBeTruthy();
  });

  it("judges against the baseline and explains missing data", () => {
    expect(beatsBaseline(q)).toBe(true);
    expect(beatsBaseline({ ...q, mae: 2 })).toBe(false);
    expect(beatsBaseline({ ...q, mae: null })).toBe(false);
    renderWithShop(<ModelQualityCard data={{ status: "not_enough_data", reason: "12 repeat buyers; at least 200 needed.", model_run: null }} />);
    expect(screen.getByText("Not enough data yet")).toBeTruthy();
    expect(screen.getByText("12 repeat buyers; at least 200 needed.")).toBeTruthy();
  });
});
