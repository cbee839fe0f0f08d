// Segment rules for the mock CRM API: the fields, Shopify-style text syntax (parse with positioned
// errors, format) and evaluation against a customer row, following docs/api-crm.md.

const NUM_OPS = ["=", "!=", ">", ">=", "<", "<=", "between", "is null", "is not null"];
const DATE_OPS = ["=", ">", ">=", "<", "<=", "between", "is null", "is not null"];
const ENUM_OPS = ["=", "!=", "in", "not in", "is null", "is not null"];
export const RFM_GROUPS = ["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "ALMOST_LOST", "AT_RISK", "PREVIOUSLY_LOYAL", "DORMANT", "PROSPECTS"];

export const FIELDS = [
  { name: "amount_spent", label: "Amount spent", kind: "money", ops: NUM_OPS, values: null },
  { name: "number_of_orders", label: "Number of orders", kind: "integer", ops: NUM_OPS, values: null },
  { name: "average_order_value", label: "Average order value", kind: "money", ops: NUM_OPS, values: null },
  { name: "first_order_date", label: "First order date", kind: "date", ops: DATE_OPS, values: null },
  { name: "last_order_date", label: "Last order date", kind: "date", ops: DATE_OPS, values: null },
  { name: "days_since_last_order", label: "Days since last order", kind: "integer", ops: NUM_OPS, values: null },
  { name: "rfm_group", label: "RFM group", kind: "enum", ops: ENUM_OPS, values: RFM_GROUPS },
  { name: "r_score", label: "Recency score", kind: "integer", ops: NUM_OPS, values: null },
  { name: "f_score", label: "Frequency score", kind: "integer", ops: NUM_OPS, values: null },
  { name: "m_score", label: "Monetary score", kind: "integer", ops: NUM_OPS, values: null },
  { name: "p_alive", label: "Chance still active", kind: "number", ops: NUM_OPS, values: null },
  { name: "churn_risk", label: "Churn risk", kind: "enum", ops: ENUM_OPS, values: ["low", "medium", "high"] },
  { name: "predicted_clv", label: "Predicted CLV", kind: "number", ops: NUM_OPS, values: null },
  { name: "expected_next_order_date", label: "Expected next order", kind: "date", ops: DATE_OPS, values: null },
  { name: "customer_tags", label: "Tags", kind: "tags", ops: ["contains", "not contains"], values: null },
  { name: "country", label: "Country", kind: "text", ops: ["=", "!=", "in", "not in", "is null", "is not null"], values: null },
  { name: "email_subscription_status", label: "Email subscription", kind: "enum", ops: ENUM_OPS, values: ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"] },
  { name: "products_purchased", label: "Product purchased", kind: "product", ops: ["contains", "not contains"], values: null },
  { name: "created_at", label: "Customer since", kind: "datetime", ops: DATE_OPS, values: null },
];
const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));

export class RuleError extends Error {
  constructor(message, position = null) {
    super(message);
    this.position = position;
  }
}

// ---- text syntax ---------------------------------------------------------------------------

const TOKEN = /\s*(?:(\()|(\))|(,)|'((?:[^'\\]|\\.)*)'|(>=|<=|!=|=|>|<)|([+-]?\d[\w.:-]*)|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(text) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new RuleError(`Unexpected character ${JSON.stringify(text.slice(at).trim()[0])}.`, text.slice(at).search(/\S/) + at);
    const pos = m.index + m[0].length - m[0].trimStart().length;
    const [type, value] = m[1] ? ["(", "("] : m[2] ? [")", ")"] : m[3] ? [",", ","] : m[4] !== undefined ? ["string", m[4].replace(/\\(.)/g, "$1")] : m[5] ? ["op", m[5]] : m[6] ? ["literal", m[6]] : ["word", m[7]];
    tokens.push({ type, value, pos });
    at = TOKEN.lastIndex;
  }
  tokens.push({ type: "end", value: "", pos: text.length });
  return tokens;
}

/** Parse Shopify-style segment text into a rule tree, or throw RuleError with a position. */
export function parseQuery(text) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (w) => peek().type === "word" && peek().value.toUpperCase() === w;
  const expect = (type, what) => {
    if (peek().type !== type) throw new RuleError(`Expected ${what} but found ${peek().value ? `"${peek().value}"` : "the end"}.`, peek().pos);
    return tokens[i++];
  };
  const value = (field) => {
    const t = peek();
    if (t.type === "string" || t.type === "literal" || (t.type === "word" && t.value.toLowerCase() === "today")) {
      i++;
      if (["integer", "number"].includes(field.kind)) {
        if (!Number.isFinite(Number(t.value))) throw new RuleError(`${field.name} takes a number; got "${t.value}".`, t.pos);
        return Number(t.value);
      }
      if ((field.kind === "date" || field.kind === "datetime") && !/^(today|[+-]\d+[dwmy]|\d{4}-\d{2}-\d{2})$/.test(t.value)) throw new RuleError(`${field.name} takes a date like 2026-01-31 or -30d; got "${t.value}".`, t.pos);
      return t.value;
    }
    throw new RuleError(`Expected a value for ${field.name}.`, t.pos);
  };
  const condition = () => {
    const start = expect("word", "a field name");
    const field = BY_NAME.get(start.value);
    if (!field) throw new RuleError(`Unknown field "${start.value}".`, start.pos);
    const opPos = peek().pos;
    let op;
    if (peek().type === "op") op = tokens[i++].value;
    else if (isWord("BETWEEN")) { i++; op = "between"; }
    else if (isWord("IN")) { i++; op = "in"; }
    else if (isWord("CONTAINS")) { i++; op = "contains"; }
    else if (isWord("IS")) { i++; if (isWord("NOT")) { i++; op = "is not null"; } else op = "is null"; if (!isWord("NULL")) throw new RuleError("Expected NULL.", peek().pos); i++; }
    else if (isWord("NOT")) { i++; if (isWord("IN")) op = "not in"; else if (isWord("CONTAINS")) op = "not contains"; else throw new RuleError("Expected IN or CONTAINS after NOT.", peek().pos); i++; }
    else throw new RuleError(`Expected an operator after ${field.name}.`, opPos);
    if (!field.ops.includes(op)) throw new RuleError(`${field.name} does not support ${op.toUpperCase()}.`, opPos);
    if (op === "is null" || op === "is not null") return { field: field.name, op };
    if (op === "between") {
      const low = value(field);
      if (!isWord("AND")) throw new RuleError("Expected AND between the two ends of BETWEEN.", peek().pos);
      i++;
      return { field: field.name, op, value: [low, value(field)] };
    }
    if (op === "in" || op === "not in") {
      expect("(", '"("');
      const list = [value(field)];
      while (peek().type === ",") { i++; list.push(value(field)); }
      expect(")", '")"');
      return { field: field.name, op, value: list };
    }
    return { field: field.name, op, value: value(field) };
  };
  const unary = () => {
    if (isWord("NOT")) { i++; return { op: "not", children: [unary()] }; }
    if (peek().type === "(") { i++; const node = orExpr(); expect(")", '")"'); return node; }
    return condition();
  };
  const chain = (word, op, next) => {
    const children = [next()];
    while (isWord(word)) { i++; children.push(next()); }
    return children.length === 1 ? children[0] : { op, children };
  };
  const andExpr = () => chain("AND", "and", unary);
  const orExpr = () => chain("OR", "or", andExpr);
  if (peek().type === "end") throw new RuleError("The query is empty.", 0);
  const tree = orExpr();
  if (peek().type !== "end") throw new RuleError(`Unexpected "${peek().value}".`, peek().pos);
  return tree.children && tree.op !== "not" ? tree : { op: "and", children: [tree] };
}

function literal(field, v) {
  if (["integer", "number"].includes(field?.kind)) return String(v);
  if (field?.kind === "money") return String(v);
  if ((field?.kind === "date" || field?.kind === "datetime") && /^(today|[+-]\d+[dwmy])$/.test(String(v))) return String(v);
  return `'${String(v).replace(/'/g, "\\'")}'`;
}

/** Format a rule tree in the text syntax. */
export function formatRules(node, top = true) {
  if (node.children) {
    if (node.op === "not") return `NOT ${formatRules(node.children[0], false)}`;
    const inner = node.children.map((c) => formatRules(c, false)).join(` ${node.op.toUpperCase()} `);
    return top || node.children.length < 2 ? inner : `(${inner})`;
  }
  const field = BY_NAME.get(node.field);
  const op = node.op.toLowerCase();
  if (op === "is null" || op === "is not null") return `${node.field} ${op.toUpperCase()}`;
  if (op === "between") return `${node.field} BETWEEN ${literal(field, node.value[0])} AND ${literal(field, node.value[1])}`;
  if (op === "in" || op === "not in") return `${node.field} ${op.toUpperCase()} (${node.value.map((v) => literal(field, v)).join(", ")})`;
  return `${node.field} ${["contains", "not contains"].includes(op) ? op.toUpperCase() : op} ${literal(field, node.value)}`;
}

/** Check a tree from a request body; throw RuleError on an unknown field, operator or missing value. */
export function validateRules(node) {
  if (!node || typeof node !== "object") throw new RuleError("rules must be a group {op, children}.");
  if (node.children) {
    if (!["and", "or", "not"].includes(node.op)) throw new RuleError(`Unknown group operator "${node.op}".`);
    if (node.children.length === 0) throw new RuleError("A group needs at least one condition.");
    node.children.forEach(validateRules);
    return;
  }
  const field = BY_NAME.get(node.field);
  if (!field) throw new RuleError(`Unknown field "${node.field}".`);
  if (!field.ops.includes(node.op)) throw new RuleError(`${node.field} does not support "${node.op}".`);
  const needs = node.op === "between" ? "pair" : ["in", "not in"].includes(node.op) ? "list" : node.op.startsWith("is ") ? "none" : "one";
  const v = node.value;
  const blank = (x) => x === undefined || x === null || x === "";
  if ((needs === "one" && (blank(v) || Array.isArray(v))) || (needs === "pair" && !(Array.isArray(v) && v.length === 2 && !v.some(blank))) || (needs === "list" && !(Array.isArray(v) && v.length)))
    throw new RuleError(`${node.field} ${node.op} needs ${needs === "pair" ? "[low, high]" : needs === "list" ? "a list of values" : "a value"}.`);
}

// ---- evaluation ----------------------------------------------------------------------------

function resolveDate(value, today) {
  const text = String(value);
  if (text === "today") return today;
  const m = /^([+-])(\d+)([dwmy])$/.exec(text);
  if (!m) return text;
  const n = Number(m[2]) * (m[1] === "-" ? -1 : 1);
  const [y, mo, d] = today.split("-").map(Number);
  const date = m[3] === "y" ? new Date(Date.UTC(y + n, mo - 1, d)) : m[3] === "m" ? new Date(Date.UTC(y, mo - 1 + n, d)) : new Date(Date.UTC(y, mo - 1, d + n * (m[3] === "w" ? 7 : 1)));
  return date.toISOString().slice(0, 10);
}

/** True when the customer row matches the rule tree. */
export function matches(node, row, today) {
  if (node.children) {
    if (node.op === "not") return !matches(node.children[0], row, today);
    return node.op === "or" ? node.children.some((c) => matches(c, row, today)) : node.children.every((c) => matches(c, row, today));
  }
  const field = BY_NAME.get(node.field);
  const raw = node.field === "customer_tags" ? row.tags : node.field === "products_purchased" ? row.product_ids : row[node.field];
  if (node.op === "is null") return raw === null;
  if (node.op === "is not null") return raw !== null;
  if (node.op === "contains") return (raw ?? []).map(String).includes(String(node.value));
  if (node.op === "not contains") return !(raw ?? []).map(String).includes(String(node.value));
  if (raw === null || raw === undefined) return false;
  const dated = field.kind === "date" || field.kind === "datetime";
  const conv = (v) => (dated ? resolveDate(v, today) : ["money", "integer", "number"].includes(field.kind) ? Number(v) : String(v));
  const have = dated ? String(raw).slice(0, 10) : conv(raw);
  const want = Array.isArray(node.value) ? node.value.map(conv) : conv(node.value);
  switch (node.op) {
    case "=": return have === want;
    case "!=": return have !== want;
    case ">": return have > want;
    case ">=": return have >= want;
    case "<": return have < want;
    case "<=": return have <= want;
    case "between": return have >= want[0] && have <= want[1];
    case "in": return want.includes(have);
    case "not in": return !want.includes(have);
    default: return false;
  }
}
