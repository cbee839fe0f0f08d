import { describe, expect, it } from "vitest";
import { matchRoute } from "./App";

describe("matchRoute", () => {
  it("matches detail routes with a numeric id and names their navigation entry", () => {
    expect(matchRoute("/customers")?.label).toBe("Customers");
    expect(matchRoute("/customers/12")).toMatchObject({ path: "/customers/:id", parent: "/customers" });
    expect(matchRoute("/segments/new")?.label).toBe("New segment");
    expect(matchRoute("/segments/5/")).toMatchObject({ path: "/segments/:id", parent: "/segments" });
  });

  it("does not match ids that are not numbers or extra path parts", () => {
    expect(matchRoute("/customers/abc")).toBeUndefined();
    expect(matchRoute("/customers/12/timeline")).toBeUndefined();
  });
});
