import { describe, expect, it } from "vitest";
import type { SegmentField } from "../../crmTypes";
import { formatRelative, fromApiRules, isDateValue, parseRelative, toApiRules } from "./ruleValues";

const FIELDS: SegmentField[] = [
  { name: "amount_spent", label: "Amount spent", kind: "money", ops: [">"], values: null },
  { name: "number_of_orders", label: "Orders", kind: "integer", ops: ["between"], values: null },
  { name: "p_alive", label: "P(alive)", kind: "number", ops: ["<"], values: null },
  { name: "country", label: "Country", kind: "text", ops: ["in"], values: null },
];

describe("relative dates", () => {
  it("round-trips the API's relative forms", () => {
    for (const text of ["-30d", "-4w", "-3m", "-1y", "+7d"]) expect(formatRelative(parseRelative(text)!)).toBe(text);
    expect(parseRelative("today")).toEqual({ amount: 0, unit: "d", direction: "past" });
    expect(formatRelative({ amount: 0, unit: "d", direction: "future" })).toBe("today");
    expect(parseRelative("30 days")).toBeNull();
  });

  it("accepts absolute and relative dates only", () => {
    expect(isDateValue("2026-01-31")).toBe(true);
    expect(isDateValue("-30d")).toBe(true);
    expect(isDateValue("31/01/2026")).toBe(false);
  });
});

describe("API values", () => {
  it("sends integers and numbers as JSON numbers, money as a decimal string, text as is", () => {
    const tree = {
      op: "and" as const,
      children: [
        { field: "amount_spent", op: ">", value: " 100.50 " },
        { op: "not" as const, children: [{ field: "number_of_orders", op: "between", value: ["2", "5"] }] },
        { field: "p_alive", op: "<", value: "0.3" },
        { field: "country", op: "in", value: ["GB", "FR"] },
        { field: "amount_spent", op: "is null" },
      ],
    };
    expect(toApiRules(tree, FIELDS)).toEqual({
      op: "and",
      children: [
        { field: "amount_spent", op: ">", value: "100.50" },
        { op: "not", children: [{ field: "number_of_orders", op: "between", value: [2, 5] }] },
        { field: "p_alive", op: "<", value: 0.3 },
        { field: "country", op: "in", value: ["GB", "FR"] },
        { field: "amount_spent", op: "is null" },
      ],
    });
    expect(fromApiRules(toApiRules(tree, FIELDS))).toEqual({
      ...tree,
      children: tree.children.map((c, i) => (i === 0 ? { ...c, value: "100.50" } : c)),
    });
  });
});
