import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useKeysetPages } from "./useKeysetPages";

type Page = { rows: string[]; next_cursor: string | null };

// Three pages of a list: "p1" → cursor "c2" → "p2" → cursor "c3" → "p3" (last).
function stubApi() {
  const fetchMock = vi.fn(async (url: string) => {
    const after = new URL(url, "http://x").searchParams.get("after");
    const page = after === "c2" ? 2 : after === "c3" ? 3 : 1;
    const body: Page = { rows: [`p${page}`], next_cursor: page < 3 ? `c${page + 1}` : null };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe("useKeysetPages", () => {
  it("walks forward with next_cursor and back through the cursor stack", async () => {
    const fetchMock = stubApi();
    const { result } = renderHook(() => useKeysetPages<Page>("/customers?sort=amount_spent", 2));
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p1"]));
    expect(fetchMock.mock.calls[0][0]).toBe("/api/v1/customers?sort=amount_spent&limit=2");
    expect(result.current.hasPrevious).toBe(false);

    act(() => result.current.next());
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p2"]));
    expect(fetchMock.mock.calls.at(-1)![0]).toBe("/api/v1/customers?sort=amount_spent&limit=2&after=c2");
    act(() => result.current.next());
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p3"]));
    expect(result.current.page).toBe(3);
    expect(result.current.hasNext).toBe(false);

    act(() => result.current.previous());
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p2"]));
    expect(fetchMock.mock.calls.at(-1)![0]).toContain("after=c2");
    act(() => result.current.previous());
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p1"]));
    expect(result.current.hasPrevious).toBe(false);
  });

  it("starts again at the first page when the filters change", async () => {
    const fetchMock = stubApi();
    const { result, rerender } = renderHook(({ path }) => useKeysetPages<Page>(path, 2), { initialProps: { path: "/customers?q=a" } });
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p1"]));
    act(() => result.current.next());
    await waitFor(() => expect(result.current.page).toBe(2));
    rerender({ path: "/customers?q=ab" });
    expect(result.current.page).toBe(1);
    await waitFor(() => expect(fetchMock.mock.calls.at(-1)![0]).toBe("/api/v1/customers?q=ab&limit=2"));
  });

  it("keeps the last page on screen while the next one loads", async () => {
    stubApi();
    const { result } = renderHook(() => useKeysetPages<Page>("/segments/1/members", 2));
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p1"]));
    act(() => result.current.next());
    expect(result.current.loading).toBe(true);
    expect(result.current.data?.rows).toEqual(["p1"]);
    await waitFor(() => expect(result.current.data?.rows).toEqual(["p2"]));
  });
});
