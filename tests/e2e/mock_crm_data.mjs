// Deterministic customers, orders and timelines for the mock CRM API (realistic, seeded by index).

const FIRST = ["Ava", "Liam", "Sofia", "Noah", "Mia", "Lucas", "Emma", "Leon", "Chloé", "Mateo", "Hannah", "Jonas", "Isla", "Oskar", "Lea", "Hugo", "Nora", "Elias", "Zoe", "Finn"];
const LAST = ["Thompson", "Becker", "Rossi", "Müller", "Dubois", "Silva", "Novak", "Jensen", "García", "Kowalski", "O'Brien", "Schmidt", "Laurent", "Costa", "Fischer", "Moreau"];
const COUNTRIES = ["US", "US", "US", "GB", "GB", "DE", "DE", "FR", "CA", "NL", "ES", "IT"];
const TAGS = ["vip", "wholesale", "newsletter", "returning", "local"];
const STATUSES = ["SUBSCRIBED", "SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"];
export const PRODUCTS = [
  ["8100000001", "Organic Cotton Tee"], ["8100000002", "Merino Beanie"], ["8100000003", "Canvas Tote"],
  ["8100000004", "Linen Shirt"], ["8100000005", "Wool Socks (3-pack)"], ["8100000006", "Rain Jacket"],
];
// RFM score cell (recency row 1–5, frequency+monetary column 1–5) → group, as in xsight/analytics/rfm.py.
const GRID = {
  5: ["NEW", "NEW", "ACTIVE", "CHAMPIONS", "CHAMPIONS"],
  4: ["PROMISING", "PROMISING", "ACTIVE", "LOYAL", "CHAMPIONS"],
  3: ["ALMOST_LOST", "ALMOST_LOST", "NEEDS_ATTENTION", "NEEDS_ATTENTION", "LOYAL"],
  2: ["ALMOST_LOST", "ALMOST_LOST", "AT_RISK", "AT_RISK", "PREVIOUSLY_LOYAL"],
  1: ["DORMANT", "DORMANT", "AT_RISK", "PREVIOUSLY_LOYAL", "PREVIOUSLY_LOYAL"],
};

function rand(seed) {
  let h = 2166136261;
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  h ^= h >>> 13; h = Math.imul(h, 0x5bd1e995); h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

export function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const money = (n) => n.toFixed(2);
const score = (x, cuts) => 1 + cuts.filter((c) => x >= c).length;

/** Build `count` customers as of `today` (shop-local YYYY-MM-DD). */
export function makeCustomers(count, today) {
  return Array.from({ length: count }, (_, index) => {
    const id = 101 + index;
    const r = (k) => rand(`${id}:${k}`);
    const first = FIRST[Math.floor(r("f") * FIRST.length)];
    const last = LAST[Math.floor(r("l") * LAST.length)];
    const orders = r("zero") < 0.08 ? 0 : 1 + Math.floor(Math.pow(r("o"), 2.2) * 14);
    const aov = 35 + r("aov") * 140;
    const amount = orders * aov;
    const createdDaysAgo = 30 + Math.floor(r("c") * 900);
    const firstAgo = orders ? Math.max(1, createdDaysAgo - Math.floor(r("fa") * 20)) : null;
    const lastAgo = orders ? (orders === 1 ? firstAgo : Math.floor(r("la") * Math.min(firstAgo, 500))) : null;
    const rS = orders ? 6 - score(lastAgo, [20, 60, 120, 240]) : null;
    const fS = orders ? score(orders, [2, 3, 5, 8]) : null;
    const mS = orders ? score(amount, [120, 300, 600, 1100]) : null;
    const fm = orders ? Math.round((fS + mS) / 2) : null;
    const pAlive = orders ? Math.round(Math.max(0.02, Math.min(0.99, Math.exp(-lastAgo / (60 + orders * 40)))) * 100) / 100 : null;
    const scored = orders >= 1 && r("model") > 0.05;
    const tags = TAGS.filter((t, k) => r(`t${k}`) < (t === "vip" ? (amount > 900 ? 0.7 : 0.05) : 0.18));
    return {
      id, gid: `gid://shopify/Customer/${7000000 + id}`, name: `${first} ${last}`,
      first_name: first, last_name: last,
      email: `${first}.${last}${id}@example.com`.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9.@]/g, ""),
      phone: r("p") < 0.5 ? `+1 555 01${String(id).padStart(2, "0").slice(-2)}` : null,
      country: COUNTRIES[Math.floor(r("co") * COUNTRIES.length)], state: null, tags,
      email_subscription_status: STATUSES[Math.floor(r("s") * STATUSES.length)],
      amount_spent: money(amount), number_of_orders: orders, average_order_value: orders ? money(aov) : null,
      first_order_date: orders ? addDays(today, -firstAgo) : null, last_order_date: orders ? addDays(today, -lastAgo) : null,
      days_since_last_order: orders ? lastAgo : null,
      rfm_group: orders ? GRID[rS][fm - 1] : "PROSPECTS", r_score: rS, f_score: fS, m_score: mS,
      p_alive: scored ? pAlive : null, churn_risk: scored ? (pAlive >= 0.7 ? "low" : pAlive >= 0.35 ? "medium" : "high") : null,
      predicted_clv: scored ? money(pAlive * aov * (1 + orders / 3)) : null,
      expected_next_order_date: scored && pAlive > 0.2 ? addDays(today, Math.round(20 + (1 - pAlive) * 80)) : null,
      created_at: `${addDays(today, -createdDaysAgo)}T${String(10 + (id % 10)).padStart(2, "0")}:15:00Z`,
      product_ids: PRODUCTS.filter((_, k) => orders && r(`pr${k}`) < 0.35 + orders * 0.04).map(([pid]) => pid),
    };
  });
}

/** Public customer row (the API's shape: no internal helper fields). */
export function row(c) {
  const { first_name, last_name, phone, state, product_ids, ...rest } = c;
  void first_name; void last_name; void phone; void state; void product_ids;
  return rest;
}

/** The customer's orders, newest first. */
export function ordersOf(c, currency) {
  const n = c.number_of_orders;
  if (!n) return [];
  const span = Math.max(0, (Date.parse(c.last_order_date) - Date.parse(c.first_order_date)) / 86400000);
  let total = 0;
  const list = Array.from({ length: n }, (_, k) => {
    const day = addDays(c.first_order_date, n === 1 ? 0 : Math.round((span * k) / (n - 1)));
    const price = k === n - 1 ? Number(c.amount_spent) - total : Math.round(Number(c.average_order_value) * (0.7 + rand(`${c.id}:${k}:p`) * 0.6) * 100) / 100;
    total += price;
    const refunded = rand(`${c.id}:${k}:r`) < 0.08 ? Math.round(price * 30) / 100 : 0;
    return {
      id: c.id * 100 + k, gid: `gid://shopify/Order/${c.id * 100 + k}`, name: `#${1000 + c.id * 7 + k}`,
      processed_at: `${day}T14:${String(10 + k).padStart(2, "0")}:00Z`, customer: { id: c.id, name: c.name },
      financial_status: refunded ? "PARTIALLY_REFUNDED" : "PAID", fulfillment_status: "FULFILLED", cancelled_at: null,
      total_price: money(Math.max(price, 5)), total_refunded: money(refunded), currency_code: currency, line_item_count: 1 + (k % 3),
    };
  });
  return list.reverse();
}

/** The customer's timeline events, newest first. */
export function timelineOf(c, currency, segments) {
  const events = [];
  for (const order of ordersOf(c, currency)) {
    events.push({ kind: "order_placed", occurred_at: order.processed_at, title: `Placed order ${order.name} for ${order.total_price} ${currency}`, data: { order_id: order.id } });
    if (Number(order.total_refunded) > 0) events.push({ kind: "refund", occurred_at: order.processed_at.replace("T14", "T18"), title: `Refunded ${order.total_refunded} ${currency} on ${order.name}`, data: { order_id: order.id } });
  }
  if (c.tags.length) events.push({ kind: "tags_added", occurred_at: c.created_at.replace("15:00", "20:00"), title: `Tags added: ${c.tags.join(", ")}`, data: { tags: c.tags } });
  for (const s of segments) events.push({ kind: "segment_entered", occurred_at: s.created_at, title: `Entered segment ${s.name}`, data: { segment_id: s.id } });
  events.push({ kind: "customer_updated", occurred_at: c.created_at, title: "Customer created", data: null });
  return events.sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
}
