import { act, fireEvent, render, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { AppLink, matchPath, navigate, usePathname, withQuery } from "./router";

afterEach(() => window.history.replaceState(null, "", "/"));

describe("router", () => {
  it("keeps the page's query string on app paths", () => {
    expect(withQuery("/sync", "?shop=a.myshopify.com&host=xyz")).toBe("/sync?shop=a.myshopify.com&host=xyz");
    expect(withQuery("/sync#runs", "?shop=a")).toBe("/sync?shop=a#runs");
    expect(withQuery("/sync?x=1", "?shop=a")).toBe("/sync?x=1");
    expect(withQuery("/sync", "")).toBe("/sync");
  });

  it("navigates in place and follows back/forward", () => {
    window.history.replaceState(null, "", "/?shop=a&id_token=t");
    const { result } = renderHook(() => usePathname());
    act(() => navigate("/sync"));
    expect(result.current).toBe("/sync");
    expect(window.location.search).toBe("?shop=a&id_token=t");
    act(() => {
      window.history.replaceState(null, "", "/");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(result.current).toBe("/");
  });

  it("renders app links with the query and handles plain clicks itself", () => {
    window.history.replaceState(null, "", "/?shop=a");
    const { getByText } = render(<AppLink url="/sync">Sync</AppLink>);
    const link = getByText("Sync");
    expect(link.getAttribute("href")).toBe("/sync?shop=a");
    fireEvent.click(link);
    expect(window.location.pathname).toBe("/sync");
  });
});

describe("matchPath", () => {
  it("matches literal paths and named segments, ignoring a trailing slash", () => {
    expect(matchPath("/sync", "/sync/")).toEqual({});
    expect(matchPath("/customers/:id", "/customers/42")).toEqual({ id: "42" });
    expect(matchPath("/customers/:id", "/customers/a%20b")).toEqual({ id: "a b" });
    expect(matchPath("/customers/:id", "/customers")).toBeNull();
    expect(matchPath("/customers/:id", "/customers/42/orders")).toBeNull();
    expect(matchPath("/customers/:id", "/customers/%E0%A4%A")).toBeNull();
    expect(matchPath("/", "/sync")).toBeNull();
  });
});
