import { describe, expect, it } from "vitest";
import { caretLines } from "./QueryEditor";

describe("caretLines", () => {
  it("points at the column of the error on its own line", () => {
    expect(caretLines("amount_spent >> 5", 14)).toEqual(["amount_spent >> 5", "              ^"]);
    expect(caretLines("a = 1\nAND b ?? 2", 12)).toEqual(["AND b ?? 2", "      ^"]);
    expect(caretLines("x", 99)).toEqual(["x", " ^"]);
  });

  it("shows only the text around the error on a long line", () => {
    const query = `${"a".repeat(50)}!${"b".repeat(50)}`;
    const [line, caret] = caretLines(query, 50);
    expect(line).toBe(`…${"a".repeat(30)}!${"b".repeat(29)}…`);
    expect(line[caret.length - 1]).toBe("!");
  });
});
