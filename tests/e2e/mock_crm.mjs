// The CRM part of the mock back end (docs/api-crm.md): customers, orders, segments, previews,
// text syntax, members, CSV exports and tag runs, over deterministic data. mock_server.mjs
// dispatches /api/v1/{customers,orders,segments}… here.
import { FIELDS, RuleError, formatRules, matches, parseQuery, validateRules } from "./mock_crm_rules.mjs";
import { PRODUCTS, makeCustomers, ordersOf, row, timelineOf } from "./mock_crm_data.mjs";

const CURRENCY = "EUR";
const TIME_ZONE = "America/New_York";
const CUSTOMERS = 240;
const TAG_RUN_MS = 2000;
const REFRESH_MS = 600;

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
const rules = (query) => parseQuery(query);

const TEMPLATES = [
  ["champions", "Champions", "Recent, frequent, high-spending customers.", "rfm_group = 'CHAMPIONS'"],
  ["valuable_at_risk", "Valuable customers at risk", "Spent over 500 and likely to churn.", "amount_spent > 500 AND churn_risk IN ('medium', 'high')"],
  ["one_and_done", "One-time buyers to win back", "One order, more than 90 days ago.", "number_of_orders = 1 AND last_order_date < -90d"],
  ["lapsed_vips", "Lapsed VIPs", "Tagged vip, no order in 120 days.", "customer_tags CONTAINS 'vip' AND last_order_date < -120d"],
  ["prospects", "Subscribers who never bought", "Email subscribers without an order.", "number_of_orders = 0 AND email_subscription_status = 'SUBSCRIBED'"],
].map(([key, name, description, query]) => ({ key, name, description, rules: rules(query), query }));

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const dec = (s) => { try { return JSON.parse(Buffer.from(s, "base64url").toString()); } catch { return null; } };
const slugify = (name) => name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function csvCell(v) {
  let text = v === null || v === undefined ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Create the CRM routes over one mock store (empty: no customers and no segments). */
export function createCrm({ empty = false } = {}) {
  const customers = empty ? [] : makeCustomers(CUSTOMERS, today());
  const segments = [];
  let nextSegmentId = 1;
  let nextRunId = 1;

  const members = (s) => customers.filter((c) => matches(s.rules, c, today()));
  // Like the real back end, a save answers at once and a task recomputes the members shortly after.
  function refreshIfDue(s) {
    if (s.refreshDue === null || Date.now() < s.refreshDue) return;
    s.refreshDue = null;
    s.count = members(s).length;
    s.refreshed_at = new Date().toISOString();
    s.history.push({ at: s.refreshed_at, count: s.count });
  }
  function view(s) {
    refreshIfDue(s);
    const count = s.count;
    for (const run of s.runs) if (run.status === "running" && Date.now() - run.startedMs > TAG_RUN_MS) Object.assign(run, { status: "succeeded", finished_at: new Date().toISOString(), added: run.to_add, removed: run.to_remove });
    const history = s.history;
    const { runs, history: _h, refreshDue: _r, count: _c, ...rest } = s;
    void _h, void _r, void _c;
    return { ...rest, member_count: count, count_history: history, last_tag_run: runs[0] ? publicRun(runs[0]) : null };
  }
  const publicRun = ({ startedMs, ...run }) => (void startedMs, run);

  function create({ name, description = null, rules: tree, tag_writeback = false, template = null }, historyDays = 0) {
    const now = new Date().toISOString();
    const slug = slugify(name);
    const s = { id: nextSegmentId++, name, slug, description, rules: tree, query: formatRules(tree), template, tag_writeback, tag: `xsight-${slug}`, history: [], refreshed_at: null, created_at: now, updated_at: now, runs: [], count: 0, refreshDue: Date.now() + REFRESH_MS };
    if (historyDays) {
      const count = members(s).length;
      s.history = Array.from({ length: historyDays }, (_, k) => ({ at: new Date(Date.now() - (historyDays - 1 - k) * 86400000).toISOString(), count: k === historyDays - 1 ? count : Math.max(0, Math.round(count * (0.7 + 0.3 * (k / (historyDays - 1))) + ((k * 7) % 5) - 2)) }));
      Object.assign(s, { count, refreshed_at: s.history.at(-1).at, refreshDue: null });
    }
    segments.push(s);
    return s;
  }
  if (!empty) {
    create({ name: "Champions", description: "Our best customers, refreshed after every sync.", rules: rules("rfm_group = 'CHAMPIONS'"), template: "champions", tag_writeback: true }, 14);
    segments[0].runs.push({ id: nextRunId++, tag: segments[0].tag, status: "succeeded", started_at: new Date(Date.now() - 7200000).toISOString(), finished_at: new Date(Date.now() - 7150000).toISOString(), to_add: 12, to_remove: 1, added: 12, removed: 1, failed: 0, error: null, startedMs: 0 });
    create({ name: "High spenders at risk", description: null, rules: rules("amount_spent > 500 AND churn_risk IN ('medium', 'high')") }, 10);
  }

  function page(list, url, sortDefault = "amount_spent") {
    const sort = url.searchParams.get("sort") ?? sortDefault;
    const dir = url.searchParams.get("direction") === "asc" ? 1 : -1;
    const limit = Math.min(250, Math.max(1, Number(url.searchParams.get("limit") ?? 50)));
    const after = url.searchParams.get("after");
    const offset = after ? dec(after)?.o : 0;
    if (offset === undefined || offset === null) throw new RuleError(`after is not a cursor from this list: ${after}.`);
    const key = (c) => { const v = c[sort]; return v === null ? null : typeof v === "number" || /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : String(v).toLowerCase(); };
    const sorted = [...list].sort((a, b) => { const x = key(a), y = key(b); if (x === y) return a.id - b.id; if (x === null) return 1; if (y === null) return -1; return (x < y ? -1 : 1) * dir; });
    const rows = sorted.slice(offset, offset + limit).map(row);
    return { customers: rows, total: list.length, next_cursor: offset + limit < list.length ? enc({ o: offset + limit }) : null, currency: CURRENCY, all: sorted };
  }

  function filter(url) {
    const p = url.searchParams;
    const list = (k) => (p.get(k) ? p.get(k).split(",").map((s) => s.trim()).filter(Boolean) : null);
    const num = (k) => (p.get(k) !== null && p.get(k) !== "" ? Number(p.get(k)) : null);
    const q = (p.get("q") ?? "").toLowerCase();
    const groups = list("rfm_group"), risks = list("churn_risk"), countries = list("country"), tags = list("tag"), subs = list("email_subscription_status");
    const ranges = [["predicted_clv", "clv"], ["amount_spent", "spent"], ["number_of_orders", "orders"], ["p_alive", "p_alive"]];
    let result = customers.filter((c) =>
      (!q || c.name.toLowerCase().includes(q) || c.email.includes(q)) && (!groups || groups.includes(c.rfm_group)) &&
      (!risks || risks.includes(c.churn_risk)) && (!countries || countries.includes(c.country)) && (!subs || subs.includes(c.email_subscription_status)) &&
      (!tags || tags.every((t) => c.tags.includes(t))) &&
      ranges.every(([f, k]) => { const lo = num(`${k}_min`), hi = num(`${k}_max`), v = c[f] === null ? null : Number(c[f]); return (lo === null || (v !== null && v >= lo)) && (hi === null || (v !== null && v <= hi)); }));
    const segmentId = p.get("segment_id");
    if (segmentId) { const s = segments.find((x) => x.id === Number(segmentId)); result = s ? result.filter((c) => matches(s.rules, c, today())) : []; }
    return result;
  }

  function csv(res, list, filename) {
    const cols = ["id", "name", "email", "country", "tags", "amount_spent", "currency", "number_of_orders", "first_order_date", "last_order_date", "rfm_group", "churn_risk", "p_alive", "predicted_clv"];
    const lines = [cols.join(","), ...list.map((c) => cols.map((k) => csvCell(k === "currency" ? CURRENCY : c[k])).join(","))];
    res.writeHead(200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"` });
    res.end(`${lines.join("\r\n")}\r\n`);
  }

  function treeFrom(body) {
    if (typeof body.query === "string") return parseQuery(body.query);
    validateRules(body.rules);
    return body.rules;
  }

  /** Answer a CRM request, or return false when the path is not a CRM route. */
  function handle(req, res, path, url, send, body) {
    const m = (re) => path.match(re);
    const get = req.method === "GET", post = req.method === "POST";
    let hit;
    try {
      if (get && path === "/customers") { const { all, ...answer } = page(filter(url), url); void all; return send(res, 200, answer); }
      if (get && path === "/customers/export.csv") return csv(res, page(filter(url), url).all, "customers.csv");
      if ((hit = m(/^\/customers\/(\d+)(\/timeline)?$/)) && get) {
        const c = customers.find((x) => x.id === Number(hit[1]));
        if (!c) return send(res, 404, { error: "not_found", message: `No customer ${hit[1]} in this shop.` });
        const inSegments = segments.filter((s) => matches(s.rules, c, today()));
        if (hit[2]) {
          const events = timelineOf(c, CURRENCY, inSegments);
          const limit = Number(url.searchParams.get("limit") ?? 50), offset = url.searchParams.get("after") ? dec(url.searchParams.get("after"))?.o ?? 0 : 0;
          return send(res, 200, { events: events.slice(offset, offset + limit), next_cursor: offset + limit < events.length ? enc({ o: offset + limit }) : null });
        }
        const orders = ordersOf(c, CURRENCY);
        const net = Number(c.amount_spent);
        return send(res, 200, {
          customer: { ...row(c), first_name: c.first_name, last_name: c.last_name, phone: c.phone, state: c.state },
          stats: { gross_sales: (net * 1.1).toFixed(2), discounts: (net * 0.06).toFixed(2), returns: (net * 0.04).toFixed(2), net_sales: c.amount_spent, orders: c.number_of_orders },
          predictions: c.p_alive === null ? null : { p_alive: c.p_alive, churn_risk: c.churn_risk, expected_orders_30d: Math.round(c.p_alive * 0.4 * 100) / 100, expected_orders_90d: Math.round(c.p_alive * 1.1 * 100) / 100, predicted_clv: c.predicted_clv, expected_next_order_date: c.expected_next_order_date, model_run_id: 7, computed_at: new Date(Date.now() - 3 * 3600000).toISOString() },
          predictions_reason: c.p_alive !== null ? null : c.number_of_orders === 0 ? "This customer has not ordered yet; predictions need at least one order." : "The last model run did not include this customer; it will after the next sync.",
          orders: orders.slice(0, 10),
          products: PRODUCTS.filter(([pid]) => c.product_ids.includes(pid)).map(([pid, title], k) => ({ product_gid: `gid://shopify/Product/${pid}`, title, quantity: 1 + ((c.id + k) % 4), orders: 1 + ((c.id + k) % Math.max(1, c.number_of_orders)) })),
          segments: inSegments.map((s) => ({ id: s.id, name: s.name, entered_at: s.created_at })),
          currency: CURRENCY,
        });
      }
      if (get && path === "/orders") {
        const p = url.searchParams;
        const list = (k) => (p.get(k) ? p.get(k).split(",").map((v) => v.trim().toUpperCase()) : null);
        const fin = list("financial_status"), ful = list("fulfillment_status");
        const all = customers.flatMap((c) => ordersOf(c, CURRENCY)).filter((o) =>
          (!p.get("from") || o.processed_at.slice(0, 10) >= p.get("from")) && (!p.get("to") || o.processed_at.slice(0, 10) <= p.get("to")) &&
          (!fin || fin.includes(o.financial_status)) && (!ful || ful.includes(o.fulfillment_status)) &&
          (!p.get("min_total") || Number(o.total_price) >= Number(p.get("min_total"))) && (!p.get("max_total") || Number(o.total_price) <= Number(p.get("max_total"))) &&
          (!p.get("customer_id") || o.customer.id === Number(p.get("customer_id"))));
        const sort = p.get("sort") ?? "processed_at", dir = p.get("direction") === "asc" ? 1 : -1;
        const key = (o) => (sort === "total_price" ? Number(o.total_price) : o[sort]);
        all.sort((a, b) => (key(a) === key(b) ? a.id - b.id : (key(a) < key(b) ? -1 : 1) * dir));
        const limit = Math.min(250, Number(p.get("limit") ?? 50)), offset = p.get("after") ? dec(p.get("after"))?.o ?? 0 : 0;
        return send(res, 200, { orders: all.slice(offset, offset + limit), total: all.length, next_cursor: offset + limit < all.length ? enc({ o: offset + limit }) : null, currency: CURRENCY });
      }
      if ((hit = m(/^\/orders\/(\d+)$/)) && get) {
        const c = customers.find((x) => x.id === Math.floor(Number(hit[1]) / 100));
        const o = c && ordersOf(c, CURRENCY).find((x) => x.id === Number(hit[1]));
        if (!o) return send(res, 404, { error: "not_found", message: `No order ${hit[1]} in this shop.` });
        const total = Number(o.total_price), tax = Math.round(total * 0.0909 * 100) / 100;
        const [pid, title] = PRODUCTS[o.id % PRODUCTS.length];
        return send(res, 200, { order: { ...o, subtotal: (total - tax).toFixed(2), total_discounts: "0.00", total_shipping: "0.00", total_tax: tax.toFixed(2), tags: [],
          line_items: [{ title, sku: `SKU-${pid.slice(-3)}`, quantity: o.line_item_count, original_unit_price: (total / o.line_item_count).toFixed(2), total_discount: "0.00", product_gid: `gid://shopify/Product/${pid}`, variant_gid: `gid://shopify/ProductVariant/${pid}1` }],
          refunds: Number(o.total_refunded) > 0 ? [{ processed_at: o.processed_at, note: "Damaged in transit", total_refunded: o.total_refunded, line_items: [] }] : [] } });
      }
      if (get && path === "/segments") return send(res, 200, { segments: segments.map(view) });
      if (get && path === "/segments/templates") return send(res, 200, { templates: TEMPLATES });
      if (get && path === "/segments/fields") return send(res, 200, { fields: FIELDS });
      if (post && path === "/segments/parse") return send(res, 200, { rules: parseQuery(String(body.query ?? "")) });
      if (post && path === "/segments/format") { validateRules(body.rules); return send(res, 200, { query: formatRules(body.rules) }); }
      if (post && path === "/segments/preview") {
        const tree = treeFrom(body);
        const list = customers.filter((c) => matches(tree, c, today())).sort((a, b) => Number(b.amount_spent) - Number(a.amount_spent));
        return send(res, 200, { count: list.length, sample: list.slice(0, 20).map(row), rules: tree, query: formatRules(tree), currency: CURRENCY });
      }
      if (post && path === "/segments") {
        if (!String(body.name ?? "").trim()) return send(res, 400, { error: "bad_request", message: "name is required: give the segment a name." });
        if (segments.some((s) => s.slug === slugify(body.name))) return send(res, 409, { error: "conflict", message: `A segment named "${body.name}" already exists.` });
        const s = create({ name: body.name.trim(), description: body.description ?? null, rules: treeFrom(body), tag_writeback: Boolean(body.tag_writeback), template: body.template ?? null });
        return send(res, 201, { segment: view(s) });
      }
      if ((hit = m(/^\/segments\/(\d+)(?:\/(members|export\.csv|refresh|tag-runs))?$/))) {
        const s = segments.find((x) => x.id === Number(hit[1]));
        if (!s) return send(res, 404, { error: "not_found", message: `No segment ${hit[1]} in this shop.` });
        const sub = hit[2];
        if (!sub && get) return send(res, 200, { segment: view(s) });
        if (!sub && req.method === "PATCH") {
          if (body.rules !== undefined || body.query !== undefined) { s.rules = treeFrom(body); s.query = formatRules(s.rules); }
          for (const k of ["name", "description", "tag_writeback"]) if (body[k] !== undefined) s[k] = body[k];
          s.updated_at = new Date().toISOString();
          if (body.rules !== undefined || body.query !== undefined) s.refreshDue = Date.now() + REFRESH_MS;
          return send(res, 200, { segment: view(s) });
        }
        if (!sub && req.method === "DELETE") { segments.splice(segments.indexOf(s), 1); res.writeHead(204); return res.end(); }
        if (sub === "members" && get) { const { all, ...answer } = page(members(s), url); void all; return send(res, 200, answer); }
        if (sub === "export.csv" && get) return csv(res, page(members(s), url).all, `${s.slug}.csv`);
        if (sub === "refresh" && post) { s.refreshDue = Date.now(); return send(res, 202, { segment: view(s) }); }
        if (sub === "tag-runs" && get) { view(s); return send(res, 200, { runs: s.runs.map(publicRun) }); }
        if (sub === "tag-runs" && post) {
          view(s);
          if (s.runs.some((r) => r.status === "running")) return send(res, 409, { error: "conflict", message: "Tags are already being written for this segment." });
          const count = members(s).length;
          const run = { id: nextRunId++, tag: s.tag, status: "running", started_at: new Date().toISOString(), finished_at: null, to_add: count, to_remove: 0, added: 0, removed: 0, failed: 0, error: null, startedMs: Date.now() };
          s.runs.unshift(run);
          return send(res, 202, { run: publicRun(run) });
        }
      }
    } catch (err) {
      if (err instanceof RuleError) return send(res, 400, { error: "bad_request", message: err.message, ...(err.position !== null ? { position: err.position } : {}) });
      throw err;
    }
    return false;
  }

  /** Read the JSON body (if any), answer the request, and 404 an unknown CRM route. */
  function dispatch(req, res, path, url, send) {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      let body = {};
      try { body = raw ? JSON.parse(raw) : {}; } catch { return send(res, 400, { error: "bad_request", message: "The body is not JSON." }); }
      if (handle(req, res, path, url, send, body) === false) send(res, 404, { error: "not_found", message: `No API route ${req.method} ${url.pathname}.` });
    });
  }

  return { dispatch, handles: (path) => /^\/(customers|orders|segments)(\/|$)/.test(path) };
}
