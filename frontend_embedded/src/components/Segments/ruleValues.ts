/**
 * Values in rule leaves: the editors keep what the merchant types (strings); `toApiRules` turns
 * integers and numbers into JSON numbers before a request. Relative dates ("-30d") are split
 * into amount, unit and direction for the date editor.
 */
import type { LeafValue, RuleGroup, RuleNode, SegmentField } from "../../crmTypes";
import { isGroup } from "./ruleTree";

export type DateUnit = "d" | "w" | "m" | "y";

export interface RelativeDate {
  amount: number;
  unit: DateUnit;
  /** "past" for "-30d" (30 days ago), "future" for "+7d". */
  direction: "past" | "future";
}

const RELATIVE = /^([+-])(\d+)([dwmy])$/;
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}$/;

/** Parse "-30d" / "+2w" into its parts; "today" is 0 days; anything else is null. */
export function parseRelative(value: string): RelativeDate | null {
  const text = value.trim().toLowerCase();
  if (text === "today") return { amount: 0, unit: "d", direction: "past" };
  const match = RELATIVE.exec(text);
  if (!match) return null;
  return { amount: Number(match[2]), unit: match[3] as DateUnit, direction: match[1] === "+" ? "future" : "past" };
}

/** Write a relative date in the API's form ("-30d"; zero days is "today"). */
export function formatRelative({ amount, unit, direction }: RelativeDate): string {
  const whole = Math.max(0, Math.floor(amount));
  if (whole === 0 && unit === "d") return "today";
  return `${direction === "future" ? "+" : "-"}${whole}${unit}`;
}

/** True when `value` is a date the API accepts: YYYY-MM-DD, today, or ±N(d|w|m|y). */
export function isDateValue(value: string): boolean {
  return ABSOLUTE.test(value.trim()) || parseRelative(value) !== null;
}

function convert(value: string | number | null, kind: string): string | number | null {
  if (value === null || typeof value === "number") return value;
  if (kind === "integer" || kind === "number") {
    const n = Number(value.trim());
    return value.trim() !== "" && Number.isFinite(n) ? n : value;
  }
  return kind === "money" ? value.trim() : value;
}

function convertValue(value: LeafValue | undefined, kind: string): LeafValue | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => convert(v, kind) as string | number);
  return convert(value, kind);
}

/** Return the tree with leaf values typed for the API (numbers for integer and number fields). */
export function toApiRules(tree: RuleGroup, fields: SegmentField[]): RuleGroup {
  const kinds = new Map(fields.map((f) => [f.name, f.kind]));
  const walk = (node: RuleNode): RuleNode => {
    if (isGroup(node)) return { op: node.op, children: node.children.map(walk) };
    const value = convertValue(node.value, kinds.get(node.field) ?? "text");
    return value === undefined ? { field: node.field, op: node.op } : { field: node.field, op: node.op, value };
  };
  return walk(tree) as RuleGroup;
}

/** Return the tree with leaf values as the editors hold them (strings). */
export function fromApiRules(tree: RuleGroup): RuleGroup {
  const text = (v: string | number | null) => (v === null ? "" : String(v));
  const walk = (node: RuleNode): RuleNode => {
    if (isGroup(node)) return { op: node.op, children: node.children.map(walk) };
    if (node.value === undefined) return { field: node.field, op: node.op };
    const value = Array.isArray(node.value) ? node.value.map(text) : text(node.value);
    return { field: node.field, op: node.op, value };
  };
  return walk(tree) as RuleGroup;
}
