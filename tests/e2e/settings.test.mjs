// Settings page and the Sync page's webhook health in Chromium: saving goes through the API and
// sticks, bad values are refused before sending, privacy tables page and exports download.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  apiFromPage, CLS_BUDGET, EXTERNAL, formatInPage, LCP_BUDGET_MS, openPage, openWithVitals, seriousViolations, slowApi, SHOTS, skipReason,
  startMock, startSession,
} from "./harness.mjs";

const PER_PAGE = 10; // frontend_embedded/src/components/Settings/PrivacyCards.tsx

describe("Settings page in Chromium", { skip: skipReason ?? false }, () => {
  let session;
  before(async () => (session = await startSession()));
  after(async () => session?.close());

  it("saves the CLV economics and the sync schedule, and refuses bad values", async () => {
    const { page, context, consoleErrors } = await openPage(session, "/settings");
    const before = (await apiFromPage(page, "/settings")).body.settings;
    const patches = [];
    page.on("request", (r) => r.method() === "PATCH" && patches.push(r.postDataJSON()));
    try {
      const margin = page.getByLabel("Gross margin");
      await margin.waitFor();
      assert.equal(await margin.inputValue(), String(Math.round(before.margin * 10000) / 100));

      await margin.fill("150");
      await page.getByRole("button", { name: "Save and recompute" }).click();
      await page.getByText("The margin must be between 1% and 100%.").waitFor();
      assert.deepEqual(patches, [], "an out-of-range margin is not sent");

      await margin.fill("35");
      await page.getByLabel("Monthly discount rate").fill("1.5");
      const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/settings") && r.request().method() === "PATCH");
      await page.getByRole("button", { name: "Save and recompute" }).click();
      assert.equal((await saved).status(), 200);
      await page.getByText("Saved. Predictions are being recomputed.").waitFor();
      assert.deepEqual(patches, [{ margin: 0.35, monthly_discount_rate: 0.015 }]);

      const interval = before.sync_interval_minutes === 60 ? "120" : "60";
      await page.getByLabel("Check for missed changes").selectOption(interval);
      await page.getByRole("button", { name: "Save schedule" }).click();
      await page.getByText("Settings saved").waitFor();
      const after = (await apiFromPage(page, "/settings")).body.settings;
      assert.deepEqual([after.margin, after.monthly_discount_rate, after.sync_interval_minutes], [0.35, 0.015, Number(interval)]);

      await page.reload();
      await page.getByLabel("Gross margin").waitFor();
      assert.equal(await page.getByLabel("Gross margin").inputValue(), "35");
      await page.waitForTimeout(300);
      assert.deepEqual(await seriousViolations(page), []);
      await page.screenshot({ path: join(SHOTS, "settings.png"), fullPage: true });
      assert.deepEqual(consoleErrors, []);
    } finally {
      // Leave a real back end as it was.
      const { margin, monthly_discount_rate, sync_interval_minutes } = before;
      await apiFromPage(page, "/settings", { method: "PATCH", body: JSON.stringify({ margin, monthly_discount_rate, sync_interval_minutes }) });
      await context.close();
    }
  });

  it("lists privacy requests and the access log as the API does, pages them and downloads an export", async () => {
    const { page, context } = await openPage(session, "/settings", { acceptDownloads: true });
    await page.getByText("Data requests received").waitFor();
    const requests = (await apiFromPage(page, `/privacy/requests?page=1&per_page=${PER_PAGE}`)).body;
    const log = (await apiFromPage(page, `/privacy/access-log?page=1&per_page=${PER_PAGE}`)).body;
    const requestsCard = page.getByTestId("privacy-requests");
    const logCard = page.getByTestId("access-log");
    if (requests.total === 0) {
      await requestsCard.getByText("No data requests yet.", { exact: false }).waitFor();
    } else {
      await requestsCard.locator("tbody tr").first().waitFor();
      assert.equal(await requestsCard.locator("tbody tr").count(), requests.requests.length);
      const exportable = requests.requests.find((r) => r.exportable);
      if (exportable) {
        const download = page.waitForEvent("download");
        await requestsCard.getByRole("button", { name: `Download export of request ${exportable.id}` }).click();
        const file = await download;
        assert.equal(file.suggestedFilename(), `xsight-data-request-${exportable.id}.json`);
        const body = JSON.parse(readFileSync(await file.path(), "utf8"));
        assert.equal(body.request.id, exportable.id);
        assert.ok(body.shop_data, "the export carries the stored data");
      }
    }
    if (log.total === 0) {
      await logCard.getByText("Nobody has viewed customer data yet.", { exact: false }).waitFor();
    } else {
      await logCard.locator("tbody tr").first().waitFor();
      assert.equal(await logCard.locator("tbody tr").count(), log.entries.length);
      if (log.total > PER_PAGE) {
        const second = (await apiFromPage(page, `/privacy/access-log?page=2&per_page=${PER_PAGE}`)).body;
        const next = page.waitForResponse((r) => r.url().includes("/privacy/access-log?page=2"));
        await logCard.getByRole("button", { name: "Next" }).click();
        await next;
        await logCard.getByText(`Access log page 2 of ${Math.ceil(log.total / PER_PAGE)}`).waitFor();
        await logCard.locator("tbody tr").nth(second.entries.length - 1).waitFor();
        assert.equal(await logCard.locator("tbody tr").count(), second.entries.length);
      }
    }
    await page.screenshot({ path: join(SHOTS, "settings-privacy.png"), fullPage: true });
    await context.close();
  });

  it("loads fast and without layout shift", async () => {
    // The settings and then the requests table answer late: the cards must not move when they arrive.
    const { page, context, vitals } = await openWithVitals(session, "/settings", async (p) => {
      await slowApi(p, "/settings", 600);
      await slowApi(p, "/privacy/requests", 900);
    });
    await page.getByLabel("Gross margin").waitFor();
    await page.locator('[data-testid="access-log"] table, :text("Nobody has viewed customer data yet")').first().waitFor();
    await page.waitForTimeout(1000);
    const { lcp, cls } = await vitals();
    console.log(`Settings: LCP ${Math.round(lcp)} ms, CLS ${cls.toFixed(3)}`);
    assert.ok(lcp > 0 && lcp < LCP_BUDGET_MS, `LCP ${lcp} ms`);
    assert.ok(cls < CLS_BUDGET, `CLS ${cls}`);
    await context.close();
  });

  it("explains empty privacy tables", { skip: EXTERNAL ? "mock only" : false }, async () => {
    const empty = await startMock({ empty: true });
    try {
      const { page, context } = await openPage(session, "/settings", { baseUrl: empty.url });
      await page.getByText("No data requests yet.", { exact: false }).waitFor();
      await page.getByText("Nobody has viewed customer data yet.", { exact: false }).waitFor();
      await context.close();
    } finally {
      await empty.close();
    }
  });

  it("shows webhook health on the Sync page as the API reports it", async () => {
    const { page, context, consoleErrors } = await openPage(session, "/sync");
    await page.getByText("Webhook health").waitFor();
    const health = (await apiFromPage(page, "/webhooks/health")).body;
    const card = page.getByTestId("webhook-health");
    if (health.topics.length === 0) {
      await card.getByText(/No webhooks in the last 24 hours/).waitFor();
    } else {
      await card.locator("tbody tr").first().waitFor();
      assert.equal(await card.locator("tbody tr").count(), health.topics.length);
      const first = card.locator("tbody tr").first();
      assert.equal((await first.locator("th, td").first().textContent()).trim(), health.topics[0].topic);
      const processed = health.topics[0].processed + health.topics[0].ignored;
      assert.equal((await first.locator("td").nth(0).textContent()).trim(), await formatInPage(page, "count", processed));
    }
    for (const failure of health.failures) await card.getByText(failure.error, { exact: false }).first().waitFor();
    await page.screenshot({ path: join(SHOTS, "sync-webhooks.png"), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });
});
