// A stand-in for the XSight back end that follows the API contract the UI codes against, so the
// embedded UI can be built, looked at and tested before (and apart from) the Flask back end.
// It serves the built bundle (xsight/static/app) in an HTML shell like xsight/templates/app.html,
// GET /demo/id-token, /api/v1/{shop,dashboard,sync/runs,sync} and Socket.IO sync events; the other
// pages' routes live in the ROUTE_MODULES below (each optional: a missing file is skipped).
//
// Usage: node mock_server.mjs [--port 5055] [--empty] [--no-socket] [--with-cdn-script] [--insights thin]
import { readFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Server as SocketServer } from "socket.io";
import { createCrm } from "./mock_crm.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const STATIC_DIR = resolve(HERE, "../../xsight/static/app");
const SHOP = "demo-store.myshopify.com";
const TIME_ZONE = "America/New_York";
const CURRENCY = "EUR";
const SYNC_SECONDS = 8;
const SYNC_TOTAL = 1200;
const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

// More API routes, one module per group of pages. Each exports `createRoutes({ opts, send, readJson })`
// returning `(req, res, url, path) => boolean` (`path` without /api/v1; true when it answered).
// A module listed here but not present is skipped, so pages can bring their mocks with them.
const ROUTE_MODULES = ["./mock_insights.mjs"];  // mock_crm.mjs is wired in directly (createCrm)

function parseArgs(argv) {
  const opts = { port: 5055, empty: false, socket: true, cdn: false, insights: "ok" };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") opts.port = Number(argv[++i]);
    else if (argv[i] === "--empty") opts.empty = true;
    else if (argv[i] === "--no-socket") opts.socket = false;
    else if (argv[i] === "--with-cdn-script") opts.cdn = true;
    else if (argv[i] === "--insights") opts.insights = argv[++i];
  }
  return opts;
}

// ---- deterministic store data ------------------------------------------------------------

function hash(text) {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) / 4294967295;
}

function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function daysBetween(start, end) {
  return Math.round((Date.parse(end) - Date.parse(start)) / 86400000);
}

function todayInShop() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function day(date, empty) {
  if (empty) return { date, orders: 0, gross: 0 };
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const base = weekday === 0 || weekday === 6 ? 9 : 5;
  const orders = Math.floor(base + hash(date) * 8);
  const gross = Math.round(orders * (55 + hash(`${date}#`) * 40) * 100) / 100;
  return { date, orders, gross };
}

const money = (n) => n.toFixed(2);

function summarize(days) {
  const orders = days.reduce((s, d) => s + d.orders, 0);
  const gross = days.reduce((s, d) => s + d.gross, 0);
  const discounts = gross * 0.08;
  const returns = gross * 0.03;
  const net = gross - discounts - returns;
  const customers = Math.round(orders * 0.86);
  const fresh = Math.round(customers * 0.62);
  return {
    gross_sales: gross, discounts, returns, net_sales: net, orders,
    aov: orders ? net / orders : 0, customers, new_customers: fresh,
    returning_customers: customers - fresh, returning_customer_rate: customers ? (customers - fresh) / customers : 0,
  };
}

const MONEY_KPIS = new Set(["gross_sales", "discounts", "returns", "net_sales", "aov"]);

function dashboard(start, end, top, empty) {
  const length = daysBetween(start, end) + 1;
  const prevEnd = addDays(start, -1);
  const prevStart = addDays(prevEnd, -(length - 1));
  const current = Array.from({ length }, (_, i) => day(addDays(start, i), empty));
  const previous = Array.from({ length }, (_, i) => day(addDays(prevStart, i), empty));
  const now = summarize(current);
  const before = summarize(previous);
  const kpis = {};
  for (const key of Object.keys(now)) {
    const isMoney = MONEY_KPIS.has(key);
    const round = (v) => (isMoney ? money(v) : key === "returning_customer_rate" ? Math.round(v * 10000) / 10000 : v);
    kpis[key] = {
      value: round(now[key]),
      previous: round(before[key]),
      change_pct: before[key] ? Math.round(((now[key] - before[key]) / before[key]) * 1000) / 10 : null,
    };
  }
  const toPoint = (d) => ({ date: d.date, orders: d.orders, net_sales: money(d.gross * 0.89), gross_sales: money(d.gross) });
  const names = [
    ["Ava Thompson", "ava@example.com"], ["Liam Becker", "liam@example.com"], ["Sofia Rossi", "sofia@example.com"],
    ["Noah Müller", "noah@example.com"], ["Mia Dubois", "mia@example.com"], ["Lucas Silva", "lucas@example.com"],
  ];
  const top_customers = empty || now.orders === 0 ? [] : names.slice(0, top).map(([name, email], i) => ({
    id: 1000 + i, name, email, orders: Math.max(1, Math.round(now.orders / (20 + i * 6))),
    net_sales: money(now.net_sales / (9 + i * 3)),
  }));
  return {
    range: { start, end }, previous_range: { start: prevStart, end: prevEnd }, currency: CURRENCY, kpis,
    by_day: current.map(toPoint), previous_by_day: previous.map(toPoint), top_customers,
  };
}

// ---- simulated sync runs ------------------------------------------------------------------

function createRuns(empty) {
  if (empty) return [];
  const at = (hoursAgo, seconds) => new Date(Date.now() - hoursAgo * 3600000 + seconds * 1000).toISOString();
  return [
    { id: 3, kind: "incremental", created: at(2, 0), started: at(2, 1), finished: at(2, 39), status: "succeeded", error: null },
    { id: 2, kind: "incremental", created: at(26, 0), started: at(26, 1), finished: at(26, 12), status: "failed", error: "Shopify answered 503 three times; the next sync will resume from here." },
    { id: 1, kind: "full", created: at(72, 0), started: at(72, 2), finished: at(72, 310), status: "succeeded", error: null },
  ].map((r) => ({ ...r, startedMs: null }));
}

function view(run) {
  if (run.startedMs !== null) {
    const elapsed = (Date.now() - run.startedMs) / 1000;
    if (elapsed < 0.5) return { ...base(run), status: "queued", step: null, processed: 0, total: null, percent: 0, eta_seconds: null };
    const fraction = Math.min(1, (elapsed - 0.5) / SYNC_SECONDS);
    if (fraction >= 1) {
      run.status = "succeeded";
      run.finished = new Date(run.startedMs + (SYNC_SECONDS + 0.5) * 1000).toISOString();
      run.startedMs = null;
    } else {
      const step = fraction < 0.4 ? "customers" : fraction < 0.9 ? "orders" : "analytics";
      return {
        ...base(run), status: "running", step, processed: Math.round(fraction * SYNC_TOTAL), total: SYNC_TOTAL,
        percent: Math.round(fraction * 1000) / 10, eta_seconds: Math.ceil(SYNC_SECONDS * (1 - fraction)),
      };
    }
  }
  const done = run.status === "succeeded";
  return { ...base(run), step: done ? "done" : null, processed: done ? SYNC_TOTAL : 0, total: done ? SYNC_TOTAL : null, percent: done ? 100 : 0, eta_seconds: null };
}

function base(run) {
  return { id: run.id, kind: run.kind, status: run.status, created_at: run.created, started_at: run.started, finished_at: run.finished ?? null, error: run.error };
}

// ---- HTTP -----------------------------------------------------------------------------------

const TYPES = { ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml", ".html": "text/html" };

function shell(opts) {
  const manifestPath = join(STATIC_DIR, ".vite", "manifest.json");
  if (!existsSync(manifestPath)) return "<!doctype html><p>Build the front end first: cd frontend_embedded && npm run build</p>";
  const entry = JSON.parse(readFileSync(manifestPath, "utf8"))["index.html"];
  const css = (entry.css ?? []).map((href) => `<link rel="stylesheet" href="/static/app/${href}">`).join("\n  ");
  const cdn = opts.cdn ? '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>' : "";
  return `<!doctype html>
<html lang="en">
<head>
  <meta name="shopify-api-key" content="mock-api-key">
  ${cdn}
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>XSight</title>
  <link rel="icon" href="data:,">
  ${css}
</head>
<body>
  <div id="root" data-shop="${SHOP}" data-currency="${CURRENCY}" data-timezone="${TIME_ZONE}"></div>
  <script type="module" src="/static/app/${entry.file}"></script>
</body>
</html>`;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

function fakeToken() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: "mock-api-key", exp: now + 60, nbf: now, iat: now })}.mock`;
}

function readJson(req) {
  return new Promise((done) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      try {
        done(JSON.parse(raw));
      } catch {
        done(undefined);
      }
    });
  });
}

async function loadRouteModules(opts) {
  const handlers = [];
  for (const name of ROUTE_MODULES) {
    const file = fileURLToPath(new URL(name, import.meta.url));
    if (!existsSync(file)) continue;
    const module = await import(name);
    handlers.push(module.createRoutes({ opts, send, readJson }));
  }
  return handlers;
}

export async function startMockServer(options = {}) {
  const opts = { ...parseArgs([]), ...options };
  const extraRoutes = await loadRouteModules(opts);
  const runs = createRuns(opts.empty);
  const stats = { apiCalls: [] };
  const crm = createCrm(opts);
  let nextId = 4;

  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const path = url.pathname;
    if (path.startsWith("/static/app/")) {
      const file = normalize(join(STATIC_DIR, path.slice("/static/app/".length)));
      if (!file.startsWith(STATIC_DIR) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, { error: "not_found", message: "No such file." });
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      return res.end(readFileSync(file));
    }
    if (path === "/demo/id-token") return send(res, 200, { id_token: fakeToken() });
    if (path.startsWith("/api/v1/")) {
      stats.apiCalls.push(`${req.method} ${path}${url.search}`);
      if (!/^Bearer .+/.test(req.headers.authorization ?? "")) {
        return send(res, 401, { error: "unauthorized", message: "Missing ID token." }, { [RETRY_HEADER]: "1" });
      }
      return api(req, res, url);
    }
    if (path === "/favicon.ico") { res.writeHead(204); return res.end(); }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(shell(opts));
  });

  function api(req, res, url) {
    const path = url.pathname.slice("/api/v1".length);
    if (crm.handles(path)) return crm.dispatch(req, res, path, url, send);
    if (req.method === "GET" && path === "/shop") {
      const last = runs[0] ? view(runs[0]) : null;
      return send(res, 200, {
        domain: SHOP, name: "Demo Store", email: "owner@example.com", currency: CURRENCY, iana_timezone: TIME_ZONE,
        plan: "basic", installed: true, installed_at: "2024-01-02T10:00:00Z", scopes: ["read_orders", "read_customers"],
        last_sync: last && { id: last.id, kind: last.kind, status: last.status, started_at: last.started_at, finished_at: last.finished_at },
      });
    }
    if (req.method === "GET" && path === "/dashboard") {
      const start = url.searchParams.get("start"), end = url.searchParams.get("end");
      const top = Number(url.searchParams.get("top") ?? 5);
      const re = /^\d{4}-\d{2}-\d{2}$/;
      if (!re.test(start ?? "") || !re.test(end ?? "") || start > end) {
        return send(res, 400, { error: "bad_request", message: `start and end must be dates (YYYY-MM-DD) with start on or before end; got start=${start} end=${end}.` });
      }
      return send(res, 200, dashboard(start, end, top, opts.empty));
    }
    if (req.method === "GET" && path === "/sync/runs") {
      const limit = Number(url.searchParams.get("limit") ?? 20);
      return send(res, 200, { runs: runs.slice(0, limit).map(view) });
    }
    const one = path.match(/^\/sync\/runs\/(\d+)$/);
    if (req.method === "GET" && one) {
      const run = runs.find((r) => r.id === Number(one[1]));
      return run ? send(res, 200, { run: view(run) }) : send(res, 404, { error: "not_found", message: "No such sync run." });
    }
    if (req.method === "POST" && path === "/sync") {
      let raw = "";
      req.on("data", (chunk) => (raw += chunk));
      req.on("end", () => {
        const kind = (() => { try { return JSON.parse(raw).kind; } catch { return undefined; } })();
        if (kind !== "incremental" && kind !== "full") return send(res, 400, { error: "bad_request", message: `kind must be "incremental" or "full"; got ${JSON.stringify(kind)}.` });
        if (runs.some((r) => ["queued", "running"].includes(view(r).status))) {
          return send(res, 409, { error: "conflict", message: "A sync is already running for this shop." });
        }
        const now = new Date().toISOString();
        const run = { id: nextId++, kind, created: now, started: now, finished: null, status: "running", error: null, startedMs: Date.now() };
        runs.unshift(run);
        send(res, 202, { run: view(run) });
      });
      return;
    }
    for (const handle of extraRoutes) if (handle(req, res, url, path)) return;
    return send(res, 404, { error: "not_found", message: `No API route ${req.method} ${url.pathname}.` });
  }

  let io = null;
  let ticker = null;
  if (opts.socket) {
    io = new SocketServer(server, { serveClient: false });
    io.use((socket, next) => (socket.handshake.auth?.token ? next() : next(new Error("unauthorized"))));
    io.on("connection", (socket) => socket.emit("sync:active", { runs: runs.map(view).filter((r) => ["queued", "running"].includes(r.status)) }));
    const live = new Set();
    ticker = setInterval(() => {
      for (const run of runs) {
        const v = view(run);
        if (v.status === "running" || v.status === "queued") {
          live.add(v.id);
          io.emit("sync:progress", { sync_run_id: v.id, kind: v.kind, step: v.step, processed: v.processed, total: v.total, percent: v.percent, eta_seconds: v.eta_seconds });
        } else if (live.has(v.id)) {
          live.delete(v.id);
          io.emit(v.status === "succeeded" ? "sync:completed" : "sync:failed", { sync_run_id: v.id, error: v.error });
        }
      }
    }, 400);
  }

  return new Promise((resolvePromise) => {
    server.listen(opts.port, "127.0.0.1", () => {
      const address = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${address.port}`,
        stats,
        close: () => new Promise((done) => { clearInterval(ticker); io?.close(); server.close(() => done()); server.closeAllConnections?.(); }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  startMockServer(opts).then(({ url }) => console.log(`Mock XSight back end: ${url}/?shop=${SHOP}`));
}
