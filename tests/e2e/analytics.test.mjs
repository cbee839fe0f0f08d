// Analytics page in Chromium: what it shows equals the API; "not enough data" is explained in the
// API's words; no accessibility violations. Against the mock by default, or XSIGHT_E2E_URL.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  apiFromPage, CLS_BUDGET, EXTERNAL, formatInPage, LCP_BUDGET_MS, openPage, openWithVitals, seriousViolations, slowApi, SHOTS, skipReason,
  startMock, startSession,
} from "./harness.mjs";

const READY = '[data-testid="rfm-grid"], [data-testid^="insight-"], :text("Insights appear after your first sync")';

describe("Analytics page in Chromium", { skip: skipReason ?? false }, () => {
  let session;
  before(async () => (session = await startSession()));
  after(async () => session?.close());

  it("shows the API's RFM grid, cohorts, predictions and model quality", async () => {
    const { page, context, consoleErrors } = await openPage(session, "/analytics");
    await page.locator(READY).first().waitFor();
    const currency = (await apiFromPage(page, "/shop")).body.currency;
    const rfm = (await apiFromPage(page, "/analytics/rfm")).body;
    const predictions = (await apiFromPage(page, "/analytics/predictions")).body;
    const quality = (await apiFromPage(page, "/analytics/model-quality")).body;
    const cohorts = (await apiFromPage(page, "/analytics/cohorts?months=12")).body;

    if (rfm.status === "ok") {
      const grid = page.getByTestId("rfm-grid");
      await grid.waitFor();
      // Row 1 of the body is R = 5; cell 5 is FM = 5.
      const topRight = await grid.locator("tbody tr").nth(0).locator("td").nth(4).locator(".xsight-heat__value").textContent();
      assert.equal(topRight, await formatInPage(page, "count", rfm.grid.counts[4][4]));
      const bottomLeft = await grid.locator("tbody tr").nth(4).locator("td").nth(0).locator(".xsight-heat__value").textContent();
      assert.equal(bottomLeft, await formatInPage(page, "count", rfm.grid.counts[0][0]));
      const champions = rfm.groups.find((g) => g.group === "CHAMPIONS");
      await page.getByRole("cell", { name: await formatInPage(page, "percent", champions.share), exact: true }).first().waitFor();
    } else {
      await page.getByText(rfm.reason).first().waitFor();
    }

    if (cohorts.status === "ok" && cohorts.cohorts.length) {
      const rows = page.getByTestId("cohort-heatmap").locator("tbody tr");
      assert.equal(await rows.count(), cohorts.cohorts.length);
      const size = await rows.nth(0).locator("td").nth(0).textContent();
      assert.equal(size, await formatInPage(page, "count", cohorts.sizes[0]));
      await page.getByTestId("chart-cohort-revenue").locator("svg").first().waitFor();
    }

    if (quality.status === "ok") {
      assert.equal(await page.getByTestId("quality-actual").textContent(), await formatInPage(page, "count", Math.round(quality.actual_total)));
      assert.equal(await page.getByTestId("quality-predicted").textContent(), await formatInPage(page, "count", Math.round(quality.predicted_total)));
    } else {
      await page.getByTestId(`insight-${quality.status}`).last().waitFor();
    }

    if (predictions.status === "ok") {
      await page.getByTestId("chart-p-alive").locator("svg").first().waitFor();
      if (predictions.at_risk.length) {
        const first = predictions.at_risk[0];
        const name = first.name || first.email || `Customer ${first.id}`;
        const link = page.getByRole("link", { name, exact: true }).first();
        await link.waitFor();
        await page.getByText(await formatInPage(page, "money", first.clv_12m, currency), { exact: true }).first().waitFor();
        await page.screenshot({ path: join(SHOTS, "analytics-full.png"), fullPage: true });
        await link.click();
        await page.waitForURL((url) => url.pathname === `/customers/${first.id}`);
        assert.equal(await page.getByText("Page not found").count(), 0);
      }
    } else {
      await page.getByText(predictions.reason).first().waitFor();
      await page.screenshot({ path: join(SHOTS, "analytics-full.png"), fullPage: true });
    }
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  it("explains, in the API's words, when there is not enough data", { skip: EXTERNAL ? "mock only" : false }, async () => {
    const thin = await startMock({ insights: "thin" });
    try {
      const { page, context, consoleErrors } = await openPage(session, "/analytics", { baseUrl: thin.url });
      const reason = (await apiFromPage(page, "/analytics/predictions")).body.reason;
      await page.getByTestId("rfm-grid").waitFor();
      // The two distributions, the customers at risk and the model-quality card.
      assert.equal(await page.getByText(reason, { exact: true }).count(), 4);
      await page.getByTestId("insight-not_enough_data").first().waitFor();
      await page.getByText("How well the predictions hold up").waitFor();
      await page.waitForTimeout(300);
      assert.deepEqual(await seriousViolations(page), []);
      assert.deepEqual(consoleErrors, []);
      await page.screenshot({ path: join(SHOTS, "analytics-not-enough-data.png"), fullPage: true });
      await context.close();
    } finally {
      await thin.close();
    }
  });

  it("tells a new shop to sync first", { skip: EXTERNAL ? "mock only" : false }, async () => {
    const empty = await startMock({ empty: true });
    try {
      const { page, context } = await openPage(session, "/analytics", { baseUrl: empty.url });
      await page.getByText("Insights appear after your first sync").waitFor();
      await page.getByText("Insights have not been computed for this shop yet", { exact: false }).waitFor();
      await page.getByRole("button", { name: "Go to Sync" }).click();
      await page.waitForURL((url) => url.pathname === "/sync");
      await page.screenshot({ path: join(SHOTS, "analytics-empty.png"), fullPage: true });
      await context.close();
    } finally {
      await empty.close();
    }
  });

  it("loads fast and without layout shift while its cards fill in", async () => {
    // RFM (the top card) answers last and slowly: the cards below must not move when it arrives.
    const { page, context, vitals } = await openWithVitals(session, "/analytics", (p) => slowApi(p, "/analytics/rfm", 800));
    await page.locator(READY).first().waitFor();
    await page.getByText("How well the predictions hold up").waitFor();
    await page.locator('[data-testid^="chart-"] svg, [data-testid^="insight-"]').first().waitFor();
    await page.waitForTimeout(1000);
    const { lcp, cls } = await vitals();
    console.log(`Analytics: LCP ${Math.round(lcp)} ms, CLS ${cls.toFixed(3)}`);
    assert.ok(lcp > 0 && lcp < LCP_BUDGET_MS, `LCP ${lcp} ms`);
    assert.ok(cls < CLS_BUDGET, `CLS ${cls}`);
    await context.close();
  });

  it("shows an error banner with Retry and recovers", async () => {
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let failed = false;
    await page.route("**/api/v1/analytics/rfm*", async (route) => {
      if (failed) return route.continue();
      failed = true;
      return route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "unavailable", message: "The database is restarting." }) });
    });
    const { gotoApp } = await import("./harness.mjs");
    await gotoApp(page, session.baseUrl, "/analytics");
    await page.getByText("The database is restarting.").waitFor();
    await page.getByRole("button", { name: "Retry" }).click();
    await page.locator('[data-testid="rfm-grid"], [data-testid^="insight-"]').first().waitFor();
    assert.equal(await page.getByText("The database is restarting.").count(), 0);
    await context.close();
  });
});
