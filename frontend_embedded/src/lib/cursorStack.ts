/**
 * Keyset pagination state: the API only goes forward (`after` = the previous page's
 * `next_cursor`), so "previous" is the cursor we used one page back. The stack holds the
 * `after` of every page we walked through; its top is the current page's (null = first page).
 */

export interface CursorStack {
  readonly stack: readonly (string | null)[];
}

/** Return the state for the first page. */
export function firstPage(): CursorStack {
  return { stack: [null] };
}

/** Return the `after` cursor of the current page (null on the first page). */
export function currentCursor(state: CursorStack): string | null {
  return state.stack[state.stack.length - 1] ?? null;
}

/** Return the 1-based number of the current page. */
export function pageNumber(state: CursorStack): number {
  return state.stack.length;
}

/** True when there is a page before the current one. */
export function hasPrevious(state: CursorStack): boolean {
  return state.stack.length > 1;
}

/** Move to the page after the current one, given the current page's `next_cursor`. */
export function nextPage(state: CursorStack, nextCursor: string | null): CursorStack {
  if (!nextCursor) return state;
  return { stack: [...state.stack, nextCursor] };
}

/** Move back one page (stays on the first page). */
export function previousPage(state: CursorStack): CursorStack {
  if (!hasPrevious(state)) return state;
  return { stack: state.stack.slice(0, -1) };
}
