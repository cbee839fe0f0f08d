// Shared set-up for the browser test files: Debian's Chromium, the mock back end (or XSIGHT_E2E_URL),
// opening app pages the way the Admin does, calling the API from the page, and axe-core.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMockServer } from "./mock_server.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const STATIC_DIR = join(HERE, "../../xsight/static/app");
export const SHOTS = join(HERE, "screenshots");
export const SHOP = process.env.XSIGHT_E2E_SHOP ?? "demo-store.myshopify.com";
export const EXTERNAL = process.env.XSIGHT_E2E_URL ? process.env.XSIGHT_E2E_URL.replace(/\/$/, "") : null;
/** In the offline demo the App Bridge CDN script cannot load; that error is expected, not the app's. */
export const OFFLINE_CDN_ERROR = /net::ERR_NAME_NOT_RESOLVED|net::ERR_INTERNET_DISCONNECTED/;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const skipReason = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(STATIC_DIR, ".vite/manifest.json"))
    ? "the front end is not built (cd frontend_embedded && npm ci && npm run build)"
    : null;

/** Launch Chromium and the mock back end (unless XSIGHT_E2E_URL names a real one). */
export async function startSession(mockOptions = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const server = EXTERNAL ? null : await startMockServer({ port: 0, ...mockOptions });
  return {
    browser,
    baseUrl: EXTERNAL ?? server.url,
    server,
    close: async () => {
      await browser.close();
      await server?.close();
    },
  };
}

/** Start an extra mock back end with other options (mock-only scenarios). */
export function startMock(options) {
  return startMockServer({ port: 0, ...options });
}

/**
 * Open an app path as the Admin would. The real back end wants a fresh `id_token` on the document
 * request, so go through its /demo entry (which mints one and redirects) and keep that query.
 */
export async function gotoApp(page, baseUrl, path) {
  const [pathname, extra] = path.split("?");
  if (!EXTERNAL || baseUrl !== EXTERNAL) {
    await page.goto(`${baseUrl}${pathname}?shop=${SHOP}${extra ? `&${extra}` : ""}`);
    return;
  }
  await page.goto(`${baseUrl}/demo?shop=${SHOP}`);
  const query = new URL(page.url()).search;
  if (pathname !== "/" || extra) await page.goto(`${baseUrl}${pathname}${query}${extra ? `&${extra}` : ""}`);
}

/** Open `path` in a fresh context; console errors (other than the offline CDN) are collected. */
export async function openPage(session, path, { baseUrl = session.baseUrl, acceptDownloads = false } = {}) {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", acceptDownloads });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() !== "error" || OFFLINE_CDN_ERROR.test(message.text())) return;
    const where = message.location()?.url;
    consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await gotoApp(page, baseUrl, path);
  return { page, context, consoleErrors };
}

/** Call the API from the page, authenticated the same way the app is; return status and body. */
export async function apiFromPage(page, path, init = {}) {
  return page.evaluate(
    async ({ p, init }) => {
      const response = await fetch(`/api/v1${p}`, {
        ...init,
        headers: { Accept: "application/json", ...(init.body ? { "Content-Type": "application/json" } : {}) },
      });
      return { status: response.status, body: await response.json() };
    },
    { p: path, init },
  );
}

/** Run axe-core on the page; return its serious and critical violations as readable lines. */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Format like the page does, in the page (same locale and Intl data). */
export function formatInPage(page, kind, value, currency) {
  return page.evaluate(
    ({ kind, value, currency }) => {
      const locale = new URLSearchParams(location.search).get("locale") || navigator.language;
      if (kind === "money") return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(value));
      if (kind === "percent") return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value);
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    },
    { kind, value, currency },
  );
}

export const LCP_BUDGET_MS = 1500;
export const CLS_BUDGET = 0.1;

/** Delay API answers whose URL contains `part` by `ms`, so a test sees the page while they load. */
export function slowApi(page, part, ms) {
  return page.route(`**/api/v1${part}*`, async (route) => {
    await new Promise((done) => setTimeout(done, ms));
    await route.continue();
  });
}

/**
 * Open `path` with LCP and CLS observers installed before any script; return page and a reader.
 * `prepare(page)` runs before navigation (e.g. to slow some API answers down).
 */
export async function openWithVitals(session, path, prepare = async () => {}) {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
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
  await prepare(page);
  await gotoApp(page, session.baseUrl, path);
  return { page, context, vitals: () => page.evaluate(() => window.__vitals) };
}
