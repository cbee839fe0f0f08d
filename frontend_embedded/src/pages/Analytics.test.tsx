import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useAppBridgeShim } from "../test/appBridge";
import { renderWithShop } from "../test/render";
import { json, serve } from "../test/serve";
import AnalyticsPage from "./Analytics";

const NO_RUN = "Insights have not been computed for this shop yet; they run after the first sync.";

useAppBridgeShim();

describe("Analytics page", () => {
  it("gives a new shop one explanation instead of four empty cards", async () => {
    serve({
      "GET /analytics/rfm": () => json(200, { status: "not_computed", reason: NO_RUN, groups: [], grid: null, customers: 0, model_run: null }),
      "GET /analytics/cohorts": () =>
        json(200, { status: "not_computed", reason: NO_RUN, cohorts: [], sizes: [], retention: [], cumulative_net_sales_per_customer: [], model_run: null }),
      "GET /analytics/predictions": () => json(200, { status: "not_computed", reason: NO_RUN, distributions: null, at_risk: [], model_run: null }),
      "GET /analytics/model-quality": () => json(200, { status: "not_computed", reason: NO_RUN, model_run: null }),
    });
    renderWithShop(<AnalyticsPage />);
    expect(await screen.findByText("Insights appear after your first sync")).toBeTruthy();
    expect(screen.getByText(NO_RUN)).toBeTruthy();
    expect(screen.queryByText("RFM groups")).toBeNull();
  });

  it("shows an error banner for a failed section and retries it", async () => {
    let fail = true;
    const calls = serve({
      "GET /analytics/rfm": () =>
        fail ? json(503, { error: "unavailable", message: "The database is restarting." }) : json(200, { status: "not_enough_data", reason: "Too few.", groups: [], grid: null, customers: 0, model_run: null }),
      "GET /analytics/cohorts": () => json(200, { status: "not_enough_data", reason: "Too few.", cohorts: [], sizes: [], retention: [], cumulative_net_sales_per_customer: [], model_run: null }),
      "GET /analytics/predictions": () => json(200, { status: "not_enough_data", reason: "Too few.", distributions: null, at_risk: [], model_run: null }),
      "GET /analytics/model-quality": () => json(200, { status: "not_enough_data", reason: "Too few.", model_run: null }),
    });
    renderWithShop(<AnalyticsPage />);
    expect(await screen.findByText("The database is restarting.")).toBeTruthy();
    expect(screen.getByText("RFM groups could not be loaded")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByText("The database is restarting.")).toBeNull());
    expect(calls.filter((c) => c.includes("/analytics/rfm"))).toHaveLength(2);
    expect((await screen.findAllByText("Too few.")).length).toBeGreaterThanOrEqual(4);
  });
});
