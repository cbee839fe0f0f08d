import { describe, expect, it } from "vitest";
import { caretLines } from "./QueryEditor";

describe("caretLines", () => {
  it("points at the column of the error on its own line", () => {
    expect(caretLines("amount_spent >> 5", 14)).toEqual(["amount_spent >> 5", "              ^"]);
    expect(caretLines("a = 1\nAND b ?? 2", 12)).toEqual(["AND b ?? 2", "      ^"]);
    expect(caretLines("x", 99)).toEqual(["x", " ^"]);
  });
});
