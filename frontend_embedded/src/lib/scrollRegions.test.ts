import { describe, expect, it } from "vitest";
import { updateScrollRegion } from "./scrollRegions";

function box(scrollWidth: number, clientWidth: number): HTMLElement {
  const el = document.createElement("div");
  Object.defineProperty(el, "scrollWidth", { configurable: true, value: scrollWidth });
  Object.defineProperty(el, "clientWidth", { configurable: true, value: clientWidth });
  return el;
}

describe("scroll regions", () => {
  it("makes an overflowing table container a named, focusable region, and undoes it", () => {
    const el = box(900, 400);
    updateScrollRegion(el);
    expect([el.getAttribute("tabindex"), el.getAttribute("role"), el.getAttribute("aria-label")]).toEqual([
      "0",
      "region",
      "Table, scrolls sideways",
    ]);
    Object.defineProperty(el, "scrollWidth", { configurable: true, value: 400 });
    updateScrollRegion(el);
    expect(el.hasAttribute("tabindex") || el.hasAttribute("role")).toBe(false);
  });

  it("leaves a table that fits alone", () => {
    const el = box(400, 400);
    updateScrollRegion(el);
    expect(el.hasAttribute("tabindex")).toBe(false);
  });
});
