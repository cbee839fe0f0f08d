// Mock routes for the Analytics, Settings and Sync (webhook health) pages, following the shapes of
// xsight/services/{insights,settings,privacy,webhook_health}.py. Loaded by mock_server.mjs as one
// of its ROUTE_MODULES: `createRoutes(ctx)` returns a handler that answers (true) or passes (false).

const NO_RUN = "Insights have not been computed for this shop yet; they run after the first sync.";
const THIN = "57 repeat buyers and 120 days of history; the models need at least 200 repeat buyers and 90 days.";
const GROUPS = [
  ["CHAMPIONS", 160, "412.80", 14.2], ["LOYAL", 210, "265.10", 38.5], ["ACTIVE", 180, "140.35", 22.1],
  ["NEW", 120, "62.00", 9.4], ["PROMISING", 95, "71.20", 41.0], ["NEEDS_ATTENTION", 130, "120.75", 88.3],
  ["ALMOST_LOST", 110, "58.40", 150.2], ["AT_RISK", 140, "198.60", 190.7], ["PREVIOUSLY_LOYAL", 60, "305.90", 260.4],
  ["DORMANT", 175, "45.10", 330.9], ["PROSPECTS", 40, null, null],
];
const INTERVALS = [15, 30, 60, 120, 360, 720, 1440];
const LIMITS = { sync_interval_minutes: INTERVALS, margin: [0.01, 1.0], monthly_discount_rate: [0.0, 0.2] };
const DEFAULTS = { sync_interval_minutes: 15, margin: 1.0, monthly_discount_rate: 0.01 };
const PEOPLE = ["Ava Thompson", "Liam Becker", "Sofia Rossi", "Noah Müller", "Mia Dubois", "Lucas Silva", "Emma Jansen", "Leo Novak"];

const run = (status = "succeeded", reason = null) => ({
  id: 7, status, reason, started_at: "2026-03-01T03:00:00+00:00", finished_at: "2026-03-01T03:00:12+00:00",
  observation_end: "2026-03-01", customers: 1420, repeat_buyers: 610, params: null, log_likelihood: null,
});

function monthsBack(n) {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (n - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

function rfm(mode) {
  if (mode === "empty") return { status: "not_computed", reason: NO_RUN, groups: [], grid: null, customers: 0, model_run: null };
  const total = GROUPS.reduce((s, g) => s + g[1], 0);
  const counts = [1, 2, 3, 4, 5].map((r) => [1, 2, 3, 4, 5].map((fm) => 8 + ((r * 37 + fm * 53) % 61) + (r === 5 && fm === 5 ? 90 : 0)));
  return {
    status: "ok", reason: null, customers: total, model_run: run(mode === "thin" ? "not_enough_data" : "succeeded", mode === "thin" ? THIN : null),
    groups: GROUPS.map(([group, customers, avg, recency]) => ({
      group, label: group.charAt(0) + group.slice(1).toLowerCase().replace(/_/g, " "), customers,
      share: Math.round((customers / total) * 10000) / 10000, avg_net_sales: avg, avg_recency_days: recency,
    })),
    grid: { rows_r: [1, 2, 3, 4, 5], columns_fm: [1, 2, 3, 4, 5], counts },
  };
}

function cohorts(mode, months) {
  if (mode === "empty") {
    return { status: "not_computed", reason: NO_RUN, cohorts: [], sizes: [], retention: [], cumulative_net_sales_per_customer: [], model_run: null };
  }
  const names = monthsBack(months);
  const retention = names.map((_, i) => Array.from({ length: months }, (_, k) =>
    k >= months - i ? null : k === 0 ? Math.round((0.06 + (i % 4) / 50) * 10000) / 10000 : Math.round((0.32 / Math.sqrt(k) + ((i * 7 + k) % 5) / 100) * 10000) / 10000));
  const cumulative = retention.map((row, i) => {
    let sum = 0;
    return row.map((v, k) => (v === null ? null : Math.round((sum += (k === 0 ? 64 + i : 40 * v)) * 100) / 100));
  });
  return {
    status: "ok", reason: null, amounts: "order-attributed net sales", current_month: names.at(-1), cohorts: names,
    sizes: names.map((_, i) => 80 + ((i * 29) % 70)), retention, cumulative_net_sales_per_customer: cumulative, model_run: run(),
  };
}

function bins(upper, counts) {
  return counts.map((c, i) => ({ from: Math.round((upper * i) / counts.length * 10000) / 10000, to: Math.round((upper * (i + 1)) / counts.length * 10000) / 10000, customers: c }));
}

function predictions(mode) {
  if (mode === "empty") return { status: "not_computed", reason: NO_RUN, distributions: null, at_risk: [], model_run: null };
  if (mode === "thin") return { status: "not_enough_data", reason: THIN, distributions: null, at_risk: [], model_run: run("not_enough_data", THIN) };
  return {
    status: "ok", reason: null, model_run: run(),
    distributions: {
      customers: 1380, p_alive: bins(1, [210, 95, 70, 64, 58, 71, 90, 130, 240, 352]),
      clv_12m: bins(900, [520, 310, 190, 120, 80, 55, 40, 28, 20, 17]), churn_risk: { low: 760, medium: 245, high: 375 },
    },
    at_risk: PEOPLE.map((name, i) => ({
      id: 101 + i, name, email: `${name.split(" ")[0].toLowerCase()}@example.com`, clv_12m: (480 - i * 41.5).toFixed(2),
      p_alive: Math.round((0.28 - i * 0.03) * 1e6) / 1e6, expected_90d: 0.21, orders: 9 - i, net_sales: (1520 - i * 130).toFixed(2),
    })),
  };
}

function quality(mode) {
  if (mode === "empty") return { status: "not_computed", reason: NO_RUN, model_run: null };
  if (mode === "thin") return { status: "not_enough_data", reason: THIN, model_run: run("not_enough_data", THIN) };
  return {
    status: "ok", reason: null, calibration_end: "2025-12-01", observation_end: "2026-03-01", holdout_days: 90,
    n_customers: 1380, n_repeat_buyers: 610, params: {}, predicted_total: 1650.4, actual_total: 1882.0, baseline_total: 2930.0,
    mae: 0.785, baseline_mae: 1.024, correlation: 0.626, baseline_correlation: 0.48, model_run: run(),
  };
}

function privacyRows(empty) {
  if (empty) return [];
  const day = 86400000;
  return Array.from({ length: 12 }, (_, i) => {
    const topic = i % 3 === 2 ? "customers/redact" : "customers/data_request";
    const done = i !== 0;
    const at = new Date(Date.now() - (i + 1) * 2.5 * day).toISOString().replace(/\.\d+Z$/, "Z");
    return {
      id: 40 - i, topic, status: done ? "completed" : "received", customer_id: String(7000 + i), orders: i % 4,
      received_at: at, completed_at: done ? at : null, error: null, exportable: done && topic === "customers/data_request",
    };
  });
}

function accessRows(empty) {
  if (empty) return [];
  const routes = ["/api/v1/dashboard", "/api/v1/analytics/predictions", "/api/v1/customers"];
  return Array.from({ length: 23 }, (_, i) => ({
    id: 500 - i, staff_user_id: String(90001 + (i % 3)), route: routes[i % 3], customer_count: 5 + ((i * 7) % 20),
    accessed_at: new Date(Date.now() - i * 3600000).toISOString().replace(/\.\d+Z$/, "Z"),
  }));
}

function webhookHealth(empty) {
  const iso = (msAgo) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, "Z");
  const zero = { received: 0, processed: 0, ignored: 0, failed: 0, malformed: 0, total: 0 };
  if (empty) {
    return { window_hours: 24, since: iso(86400000), last_received_at: null, totals: zero, topics: [], oldest_pending: null, malformed: 0, failures: [] };
  }
  const topics = [
    { topic: "orders/create", received: 0, processed: 142, ignored: 0, failed: 1, malformed: 0, total: 143, last_received_at: iso(240000) },
    { topic: "orders/updated", received: 1, processed: 88, ignored: 3, failed: 0, malformed: 1, total: 93, last_received_at: iso(60000) },
    { topic: "customers/update", received: 0, processed: 40, ignored: 0, failed: 0, malformed: 0, total: 40, last_received_at: iso(900000) },
  ];
  const totals = topics.reduce((t, r) => Object.fromEntries(Object.keys(zero).map((k) => [k, t[k] + r[k]])), zero);
  return {
    window_hours: 24, since: iso(86400000), last_received_at: iso(60000), totals, topics,
    oldest_pending: { topic: "orders/updated", received_at: iso(30000), age_seconds: 30 }, malformed: 1,
    failures: [
      { topic: "orders/updated", status: "malformed", received_at: iso(5400000), error: "invalid JSON: Expecting value: line 1 column 1 (char 0)" },
      { topic: "orders/create", status: "failed", received_at: iso(7200000), error: "ShopifyThrottled: Shopify kept throttling the request after every allowed retry." },
    ],
  };
}

function checkSetting(name, value) {
  const isNumber = typeof value === "number" && Number.isFinite(value);
  if (name === "sync_interval_minutes") {
    return isNumber && INTERVALS.includes(value) ? null : `sync_interval_minutes must be one of ${INTERVALS.join(", ")} (minutes), got ${JSON.stringify(value)}.`;
  }
  const [low, high] = LIMITS[name];
  return isNumber && value >= low && value <= high ? null : `${name} must be a number from ${low} to ${high} (a fraction, 0.3 means 30%), got ${JSON.stringify(value)}.`;
}

function page(url, rows, key, extra = {}) {
  const p = Number(url.searchParams.get("page") ?? 1), per = Number(url.searchParams.get("per_page") ?? 25);
  if (!(p >= 1) || !(per >= 1 && per <= 100)) return null;
  return { [key]: rows.slice((p - 1) * per, p * per), page: p, per_page: per, total: rows.length, ...extra };
}

/** Return the handler for this module's routes; `ctx` has `opts` (empty, insights), `send` and `readJson`. */
export function createRoutes({ opts, send, readJson }) {
  const mode = opts.empty ? "empty" : opts.insights ?? "ok";
  const settings = { ...DEFAULTS };
  const requests = privacyRows(opts.empty);
  const access = accessRows(opts.empty);
  return (req, res, url, path) => {
    const get = req.method === "GET";
    if (get && path === "/analytics/rfm") return send(res, 200, rfm(mode)), true;
    if (get && path === "/analytics/cohorts") {
      const months = Number(url.searchParams.get("months") ?? 12);
      if (!(months >= 1 && months <= 120)) return send(res, 400, { error: "bad_request", message: `months must be between 1 and 120, got ${months}.` }), true;
      return send(res, 200, cohorts(mode, months)), true;
    }
    if (get && path === "/analytics/predictions") return send(res, 200, predictions(mode)), true;
    if (get && path === "/analytics/model-quality") return send(res, 200, quality(mode)), true;
    if (get && path === "/settings") return send(res, 200, { settings: { ...settings, defaults: DEFAULTS, limits: LIMITS } }), true;
    if (req.method === "PATCH" && path === "/settings") {
      readJson(req).then((body) => {
        if (!body || typeof body !== "object" || Array.isArray(body) || Object.keys(body).length === 0) {
          return send(res, 400, { error: "bad_request", message: 'Send a JSON object with the settings to change, like {"margin": 0.4}.' });
        }
        const unknown = Object.keys(body).filter((k) => !(k in DEFAULTS));
        if (unknown.length) return send(res, 400, { error: "bad_request", message: `Unknown setting ${unknown.join(", ")}; the settings are ${Object.keys(DEFAULTS).join(", ")}.` });
        for (const [k, v] of Object.entries(body)) {
          const problem = checkSetting(k, v);
          if (problem) return send(res, 400, { error: "bad_request", message: problem });
        }
        const economics = ["margin", "monthly_discount_rate"].some((k) => k in body && body[k] !== settings[k]);
        Object.assign(settings, body);
        send(res, 200, { settings: { ...settings, defaults: DEFAULTS, limits: LIMITS }, recompute_queued: economics });
      });
      return true;
    }
    if (get && path === "/privacy/requests") {
      const body = page(url, requests, "requests");
      return send(res, body ? 200 : 400, body ?? { error: "bad_request", message: "page and per_page must be whole numbers in range." }), true;
    }
    if (get && path === "/privacy/access-log") {
      const body = page(url, access, "entries", { retention_days: 365 });
      return send(res, body ? 200 : 400, body ?? { error: "bad_request", message: "page and per_page must be whole numbers in range." }), true;
    }
    const exported = path.match(/^\/privacy\/requests\/(\d+)\/export$/);
    if (get && exported) {
      const request = requests.find((r) => r.id === Number(exported[1]));
      if (!request) return send(res, 404, { error: "not_found", message: `There is no privacy request ${exported[1]} for this shop.` }), true;
      if (!request.exportable) return send(res, 409, { error: "conflict", message: `Privacy request ${request.id} has no export to download.` }), true;
      return send(res, 200, { request, shop_data: { customer: { shopify_gid: `gid://shopify/Customer/${request.customer_id}`, email: "customer@example.com" }, orders: [], segments: [] } }), true;
    }
    if (get && path === "/webhooks/health") return send(res, 200, webhookHealth(opts.empty)), true;
    return false;
  };
}
