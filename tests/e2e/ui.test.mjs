// Browser tests for the embedded UI, in Debian's Chromium (playwright-core never downloads one).
//
// By default they start mock_server.mjs (the API contract, with Socket.IO) on a free port and
// test the built bundle in xsight/static/app. Set XSIGHT_E2E_URL (e.g. the `make demo` address)
// to run them against a real back end instead; tests that need mock-only scenarios then skip.
// Screenshots go to tests/e2e/screenshots/ (not committed).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMockServer } from "./mock_server.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const STATIC_DIR = join(HERE, "../../xsight/static/app");
const SHOTS = join(HERE, "screenshots");
const SHOP = process.env.XSIGHT_E2E_SHOP ?? "demo-store.myshopify.com";
const EXTERNAL = process.env.XSIGHT_E2E_URL ?? null;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const INITIAL_JS_BUDGET_GZ = 250 * 1024;
const LCP_BUDGET_MS = 1500;
const CLS_BUDGET = 0.1;
const OFFLINE_CDN_ERROR = /net::ERR_NAME_NOT_RESOLVED|net::ERR_INTERNET_DISCONNECTED/;
// Every page (axe, console errors, a screenshot each): `ready` is what shows once it has loaded.
const PAGES = [
  { path: "/", name: "dashboard", ready: '[data-testid="kpi-net_sales"]' },
  { path: "/customers", name: "customers", ready: 'h1:has-text("Customers")' },
  // Reached by clicking the first customer of the list, so it exists on the mock and the real demo.
  { path: "/customers", name: "customer", ready: "h1", firstCustomer: true },
  { path: "/segments", name: "segments", ready: 'h1:has-text("Segments")' },
  { path: "/segments/new", name: "segment-new", ready: "h1" },
  { path: "/analytics", name: "analytics", ready: '[data-testid="rfm-grid"], [data-testid^="insight-"], :text("Insights appear")' },
  { path: "/sync", name: "sync", ready: '[data-testid="webhook-health"] table, :text("No webhooks in the last")' },
  { path: "/settings", name: "settings", ready: '[data-testid="access-log"] table, :text("Nobody has viewed customer data yet")' },
];

const skipReason = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(STATIC_DIR, ".vite/manifest.json"))
    ? "the front end is not built (cd frontend_embedded && npm ci && npm run build)"
    : null;
if (skipReason) console.log(`SKIPPED browser tests: ${skipReason}`);

let browser;
let server;
let baseUrl;

/**
 * Open an app path as the Admin would. The real back end wants a fresh `id_token` on the document
 * request, so go through its /demo entry (which mints one and redirects) and keep that query.
 */
async function gotoApp(page, path, base = baseUrl) {
  const [pathname, extra] = path.split("?");
  if (!EXTERNAL || base !== baseUrl) {
    await page.goto(`${base}${pathname}?shop=${SHOP}${extra ? `&${extra}` : ""}`);
    return;
  }
  await page.goto(`${base}/demo?shop=${SHOP}`);
  const query = new URL(page.url()).search;
  if (pathname !== "/" || extra) await page.goto(`${base}${pathname}${query}${extra ? `&${extra}` : ""}`);
}

/** Open a page; with `dashboard`, the wait for its dashboard response starts before navigating. */
async function openPage(path, { errors, dashboard = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  const consoleErrors = errors ?? [];
  page.on("console", (message) => {
    // Offline demo: the App Bridge CDN script cannot resolve; that failure is expected, not the app's.
    if (message.type() === "error" && !OFFLINE_CDN_ERROR.test(message.text())) consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  const dashboardResponse = dashboard ? waitForDashboard(page) : undefined;
  await gotoApp(page, path);
  return { page, context, consoleErrors, dashboardResponse };
}

/** Call the API from the page, authenticated the same way the app is. */
async function apiFromPage(page, path) {
  return page.evaluate(async (p) => {
    const response = await fetch(`/api/v1${p}`, { headers: { Accept: "application/json" } });
    return response.json();
  }, path);
}

async function expectedKpiText(page, dashboard) {
  return page.evaluate((d) => {
    const locale = new URLSearchParams(location.search).get("locale") || navigator.language;
    const money = (v) => new Intl.NumberFormat(locale, { style: "currency", currency: d.currency }).format(Number(v));
    const count = (v) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(v);
    return {
      net_sales: money(d.kpis.net_sales.value),
      gross_sales: money(d.kpis.gross_sales.value),
      aov: money(d.kpis.aov.value),
      orders: count(d.kpis.orders.value),
      customers: count(d.kpis.customers.value),
    };
  }, dashboard);
}

async function readKpis(page) {
  const read = async (key) => (await page.getByTestId(`kpi-${key}`).textContent()).trim();
  return {
    net_sales: await read("net_sales"),
    gross_sales: await read("gross_sales"),
    aov: await read("aov"),
    orders: await read("orders"),
    customers: await read("customers"),
  };
}

function waitForDashboard(page) {
  return page.waitForResponse((r) => r.url().includes("/api/v1/dashboard") && r.status() === 200);
}

describe("embedded UI in Chromium", { skip: skipReason ?? false }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    if (EXTERNAL) baseUrl = EXTERNAL.replace(/\/$/, "");
    else {
      server = await startMockServer({ port: 0 });
      baseUrl = server.url;
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the API's KPI numbers and changes them with the date range", async () => {
    const { page, context, dashboardResponse } = await openPage("/", { dashboard: true });
    const first = await (await dashboardResponse).json();
    await page.getByTestId("kpi-net_sales").waitFor();
    assert.deepEqual(await readKpis(page), await expectedKpiText(page, first));

    // Same range fetched independently equals what the page shows.
    const again = await apiFromPage(page, `/dashboard?start=${first.range.start}&end=${first.range.end}&top=5`);
    assert.deepEqual(again.kpis, first.kpis);

    await page.getByRole("button", { name: "Last 30 days", exact: true }).click();
    await page.getByRole("button", { name: "Last 90 days", exact: true }).click();
    const next = waitForDashboard(page);
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const second = await (await next).json();
    assert.notEqual(second.range.start, first.range.start);
    await page.getByRole("button", { name: "Last 90 days", exact: true }).waitFor();
    await page.getByTestId("kpi-orders").waitFor();
    const shown = await readKpis(page);
    assert.deepEqual(shown, await expectedKpiText(page, second));
    assert.notEqual(shown.orders, (await expectedKpiText(page, first)).orders);
    await page.screenshot({ path: join(SHOTS, "dashboard.png"), fullPage: true });
    await context.close();
  });

  it("keeps the query string when navigating between pages", async () => {
    const { page, context } = await openPage("/?locale=en-US");
    const before = new URL(page.url()).search;
    assert.match(before, /locale=en-US/);
    await page.getByRole("tab", { name: "Sync" }).click();
    await page.getByText("History").waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, "/sync");
    assert.equal(url.search, before);
    assert.equal(url.searchParams.get("shop"), SHOP);
    await page.goBack();
    assert.equal(new URL(page.url()).pathname, "/");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await context.close();
  });

  for (const transport of ["socket", "polling"]) {
    it(`runs a sync and shows its progress to 100% (${transport})`, { skip: EXTERNAL && transport === "polling" ? "mock only" : false }, async () => {
      let local = null;
      let url = baseUrl;
      if (transport === "polling" && !EXTERNAL) {
        local = await startMockServer({ port: 0, socket: false });
        url = local.url;
      }
      const saved = baseUrl;
      baseUrl = url;
      try {
        const { page, context, consoleErrors } = await openPage("/sync");
        await page.getByText("History").waitFor();
        const before = (await apiFromPage(page, "/sync/runs?limit=20")).runs;
        await page.getByRole("button", { name: "Sync now" }).click();
        const bar = page.getByRole("progressbar");
        await bar.waitFor({ timeout: 10_000 });
        await page.getByTestId("sync-percent").waitFor();
        // Progress moves (or a fast run is already over and the bar has given way to the summary).
        await page.waitForFunction(
          () => {
            const percent = document.querySelector('[data-testid="sync-percent"]');
            return !percent || Number(percent.textContent?.replace("%", "")) > 0;
          },
          null,
          { timeout: 30_000 },
        );
        await page.screenshot({ path: join(SHOTS, `sync-running-${transport}.png`), fullPage: true });
        // Either we catch 100% or the run finishes and the bar gives way to the summary.
        await page.waitForFunction(
          () => {
            const percent = document.querySelector('[data-testid="sync-percent"]');
            return !percent || percent.textContent === "100%";
          },
          null,
          { timeout: 40_000 },
        );
        await page.getByText(/No sync is running/).waitFor({ timeout: 40_000 });
        const after = (await apiFromPage(page, "/sync/runs?limit=20")).runs;
        assert.equal(after.length, Math.min(20, before.length + 1));
        assert.equal(after[0].status, "succeeded");
        const firstRow = page.locator(".Polaris-IndexTable__TableRow").first();
        await firstRow.getByText("Succeeded").waitFor();
        await page.screenshot({ path: join(SHOTS, `sync-done-${transport}.png`), fullPage: true });
        assert.deepEqual(consoleErrors, []);
        await context.close();
      } finally {
        baseUrl = saved;
        await local?.close();
      }
    });
  }

  it("shows an error banner with Retry, and recovers", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let failed = false;
    await page.route("**/api/v1/dashboard*", async (route) => {
      if (failed) return route.continue();
      failed = true;
      return route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "unavailable", message: "The database is restarting; try again in a moment." }) });
    });
    await gotoApp(page, "/");
    await page.getByText("The database is restarting; try again in a moment.").waitFor();
    await page.screenshot({ path: join(SHOTS, "dashboard-error.png"), fullPage: true });
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByTestId("kpi-net_sales").waitFor();
    await context.close();
  });

  it("explains an empty store", { skip: EXTERNAL ? "mock only" : false }, async () => {
    const empty = await startMockServer({ port: 0, empty: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await gotoApp(page, "/", empty.url);
    await page.getByText("Import your store to see its numbers").waitFor();
    await page.getByRole("button", { name: "Go to Sync" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "dashboard-empty.png"), fullPage: true });
    await context.close();
    await empty.close();
  });

  it("has no console errors and no serious accessibility violations on any page", async () => {
    for (const { path, name, ready, firstCustomer } of PAGES) {
      const { page, context, consoleErrors } = await openPage(path);
      if (firstCustomer) {
        await page.locator('a[href*="/customers/"]').first().click();
        await page.waitForURL((u) => /^\/customers\/\d+$/.test(u.pathname));
      }
      await page.locator(ready).first().waitFor();
      await page.waitForTimeout(500);
      await page.addScriptTag({ content: AXE_SOURCE });
      const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const serious = results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
      assert.deepEqual(serious, [], `${name}: accessibility violations`);
      assert.deepEqual(consoleErrors, [], `${name}: console errors`);
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
      await context.close();
    }
  });

  it("loads the dashboard fast and without layout shift", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__vitals = { lcp: 0, cls: 0 };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__vitals.lcp = entry.startTime;
      }).observe({ type: "largest-contentful-paint", buffered: true });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__vitals.cls += entry.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await gotoApp(page, "/");
    await page.getByTestId("kpi-net_sales").waitFor();
    await page.getByTestId("chart-net_sales").locator("svg").first().waitFor();
    await page.waitForTimeout(1000);
    const vitals = await page.evaluate(() => window.__vitals);
    console.log(`Dashboard: LCP ${Math.round(vitals.lcp)} ms, CLS ${vitals.cls.toFixed(3)}`);
    assert.ok(vitals.lcp > 0 && vitals.lcp < LCP_BUDGET_MS, `LCP ${vitals.lcp} ms`);
    assert.ok(vitals.cls < CLS_BUDGET, `CLS ${vitals.cls}`);
    await context.close();
  });

  it("keeps the initial route's JavaScript under 250 KB gzipped", () => {
    const manifest = JSON.parse(readFileSync(join(STATIC_DIR, ".vite/manifest.json"), "utf8"));
    const seen = new Set();
    const visit = (key) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const dep of manifest[key].imports ?? []) visit(dep);
    };
    visit("index.html");
    // The home page is part of the entry (no extra round trip before first paint) ...
    const entry = manifest["index.html"];
    assert.ok(!Object.keys(manifest).some((key) => key.endsWith("pages/Dashboard.tsx")), "the Dashboard is in the entry");
    // ... and every other page is its own lazy chunk, not loaded with it.
    for (const page of ["Analytics", "Sync", "Settings", "Customers", "Customer", "Segments", "SegmentBuilder"]) {
      const key = Object.keys(manifest).find((k) => k.endsWith(`pages/${page}.tsx`));
      assert.ok(key && (entry.dynamicImports ?? []).includes(key) && !seen.has(key), `${page} is a lazy chunk`);
    }
    let total = 0;
    for (const key of seen) total += gzipSync(readFileSync(join(STATIC_DIR, manifest[key].file))).length;
    console.log(`Initial route JS: ${(total / 1024).toFixed(1)} KB gzipped in ${seen.size} chunks`);
    assert.ok(total < INITIAL_JS_BUDGET_GZ, `${total} bytes gzipped`);
    const chartKey = Object.keys(manifest).find((key) => key.endsWith("SalesChart.tsx"));
    assert.ok(chartKey && !seen.has(chartKey), "charts load in their own, lazy chunk");
  });
});
