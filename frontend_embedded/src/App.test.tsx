import { describe, expect, it } from "vitest";
import { matchRoute, NAV_ITEMS, ROUTES } from "./App";
import DashboardPage from "./pages/Dashboard";

describe("routes", () => {
  it("resolves every page, with its parameters and its navigation item", () => {
    const seen = (path: string) => {
      const m = matchRoute(path);
      return m && { path: m.route.path, nav: m.route.nav, params: m.params };
    };
    expect(seen("/")).toEqual({ path: "/", nav: "/", params: {} });
    expect(seen("/customers/17")).toEqual({ path: "/customers/:id", nav: "/customers", params: { id: "17" } });
    expect(seen("/segments/new")).toEqual({ path: "/segments/new", nav: "/segments", params: {} });
    expect(seen("/segments/9/")).toEqual({ path: "/segments/:id", nav: "/segments", params: { id: "9" } });
    expect(seen("/analytics")?.nav).toBe("/analytics");
    expect(seen("/settings")?.nav).toBe("/settings");
    expect(seen("/nowhere")).toBeUndefined();
  });

  it("lists the six top-level pages in the navigation, home first, each with a route", () => {
    expect(NAV_ITEMS.map((i) => i.label)).toEqual(["Dashboard", "Customers", "Segments", "Analytics", "Sync", "Settings"]);
    for (const item of NAV_ITEMS) expect(matchRoute(item.path)?.route.nav).toBe(item.path);
  });

  it("loads the home page eagerly and every other page lazily", () => {
    const lazyType = Symbol.for("react.lazy");
    const kind = (c: unknown) => (c as { $$typeof?: symbol }).$$typeof;
    expect(ROUTES[0].component).toBe(DashboardPage);
    for (const route of ROUTES.slice(1)) expect(kind(route.component), route.path).toBe(lazyType);
  });
});
