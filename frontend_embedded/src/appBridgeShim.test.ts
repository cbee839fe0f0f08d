import { describe, expect, it, vi } from "vitest";
import { createShim, tokenExpiryMs } from "./appBridgeShim";

function jwt(exp: number): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ exp, dest: "https://demo.myshopify.com" })}.sig`;
}

describe("demo App Bridge stand-in", () => {
  it("reads exp from the token", () => {
    expect(tokenExpiryMs(jwt(1_700_000_060))).toBe(1_700_000_060_000);
    expect(tokenExpiryMs("garbage", 1000)).toBe(51_000);
  });

  it("caches the ID token until shortly before it expires", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = [jwt(now + 60), jwt(now + 120)];
    const original = vi.fn(async () => new Response(JSON.stringify({ id_token: tokens.shift() })));
    const { shopify } = createShim("demo.myshopify.com", original as unknown as typeof fetch);
    const [a, b] = await Promise.all([shopify.idToken(), shopify.idToken()]);
    expect(a).toBe(b);
    expect(await shopify.idToken()).toBe(a);
    expect(original).toHaveBeenCalledTimes(1);
    expect(original.mock.calls[0]).toEqual(["/demo/id-token?shop=demo.myshopify.com", expect.anything()]);
  });

  it("adds the bearer token to same-origin /api/ calls only, and drops it after a retry-401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const seen: Request[] = [];
    const original = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes("/demo/id-token")) return new Response(JSON.stringify({ id_token: jwt(now + 60) }));
      seen.push(input instanceof Request ? input : new Request(new URL(url, window.location.href), init));
      return new Response("{}", { status: 401, headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" } });
    });
    const shim = createShim("demo.myshopify.com", original as unknown as typeof fetch);
    await shim.fetch("/api/v1/shop");
    await shim.fetch("/static/app/x.js");
    expect(seen[0].headers.get("Authorization")).toMatch(/^Bearer /);
    expect(seen[1].headers.get("Authorization")).toBeNull();
    await shim.shopify.idToken();
    // The 401 cleared the cache: a new token was fetched.
    const tokenCalls = original.mock.calls.filter(([input]) => String(input).includes("/demo/id-token"));
    expect(tokenCalls).toHaveLength(2);
  });
});
