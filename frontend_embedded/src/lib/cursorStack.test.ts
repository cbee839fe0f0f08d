import { describe, expect, it } from "vitest";
import { currentCursor, firstPage, hasPrevious, nextPage, pageNumber, previousPage } from "./cursorStack";

describe("cursor stack", () => {
  it("starts on the first page with no cursor and no previous page", () => {
    const state = firstPage();
    expect(currentCursor(state)).toBeNull();
    expect(hasPrevious(state)).toBe(false);
    expect(pageNumber(state)).toBe(1);
  });

  it("walks forward with each page's next_cursor and back through the stack", () => {
    let state = nextPage(firstPage(), "c1");
    state = nextPage(state, "c2");
    expect(currentCursor(state)).toBe("c2");
    expect(pageNumber(state)).toBe(3);
    state = previousPage(state);
    expect(currentCursor(state)).toBe("c1");
    state = previousPage(state);
    expect(currentCursor(state)).toBeNull();
    expect(hasPrevious(state)).toBe(false);
    expect(previousPage(state)).toEqual(state);
  });

  it("does not move past the last page", () => {
    const state = nextPage(firstPage(), "c1");
    expect(nextPage(state, null)).toBe(state);
    expect(pageNumber(nextPage(state, null))).toBe(2);
  });

  it("never mutates the state it was given", () => {
    const first = firstPage();
    const second = nextPage(first, "c1");
    previousPage(second);
    expect(first.stack).toEqual([null]);
    expect(second.stack).toEqual([null, "c1"]);
  });
});
