// On a phone-sized screen (390 × 844) the pages still have no serious accessibility violations: tables
// that scroll sideways are reachable by keyboard and heat-map text keeps its contrast.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { gotoApp, seriousViolations, SHOTS, skipReason, startSession } from "./harness.mjs";

const PAGES = [
  { path: "/", name: "dashboard", ready: '[data-testid="kpi-net_sales"]' },
  { path: "/analytics", name: "analytics", ready: '[data-testid="rfm-grid"], [data-testid^="insight-"], :text("Insights appear")' },
  { path: "/sync", name: "sync", ready: '[data-testid="webhook-health"] table, :text("No webhooks in the last")' },
  { path: "/settings", name: "settings", ready: '[data-testid="access-log"] table, :text("Nobody has viewed customer data yet")' },
];

describe("pages on a phone-sized screen", { skip: skipReason ?? false }, () => {
  let session;
  before(async () => (session = await startSession()));
  after(async () => session?.close());

  for (const { path, name, ready } of PAGES) {
    it(`${name}: no serious accessibility violations`, async () => {
      const context = await session.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-US" });
      const page = await context.newPage();
      await gotoApp(page, session.baseUrl, path);
      await page.locator(ready).first().waitFor();
      await page.waitForTimeout(700);
      assert.deepEqual(await seriousViolations(page), [], `${name} at 390 px`);
      await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
      await context.close();
    });
  }
});
