/**
 * A stand-in for the App Bridge `shopify` global, for the demo outside Shopify Admin only.
 *
 * In the Admin, the CDN script (loaded first in <head> by the server) defines `window.shopify`
 * and authenticates same-origin fetches. In `make demo` there is no Admin and no internet, so
 * that script fails to load; then, and only then, `installShimIfNeeded()` defines a minimal
 * global: `idToken()` from the simulated store, `toast.show()`, and a `fetch` wrapper that adds
 * `Authorization: Bearer` to same-origin `/api/` calls. It never loads a remote script.
 */

/** Refresh the cached token this long before its `exp`, in seconds. */
const TOKEN_REFRESH_MARGIN_SECONDS = 10;
/** How long a toast stays up by default, in milliseconds (App Bridge's default). */
const TOAST_DURATION_MS = 5000;
const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

interface CachedToken {
  token: string;
  refreshAt: number; // epoch ms
}

/** Return the `exp` claim of a JWT in epoch ms, or now + 50 s when it cannot be read. */
export function tokenExpiryMs(token: string, now: number = Date.now()): number {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")));
    if (typeof claims.exp === "number") return claims.exp * 1000;
  } catch {
    // fall through: an unreadable token is used once and refreshed soon
  }
  return now + 50_000;
}

function isSameOriginApi(url: URL): boolean {
  return url.origin === window.location.origin && url.pathname.startsWith("/api/");
}

function showToast(message: string, opts?: { duration?: number; isError?: boolean }): string {
  const id = `xsight-toast-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  let region = document.getElementById("xsight-toast-region");
  if (!region) {
    region = document.createElement("div");
    region.id = "xsight-toast-region";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.style.cssText =
      "position:fixed;left:0;right:0;bottom:24px;display:flex;flex-direction:column;align-items:center;gap:8px;z-index:1000;pointer-events:none";
    document.body.appendChild(region);
  }
  const toast = document.createElement("div");
  toast.id = id;
  toast.className = "xsight-toast";
  toast.textContent = message;
  toast.style.cssText =
    `background:${opts?.isError ? "#8e1f0b" : "#1a1a1a"};color:#fff;border-radius:12px;padding:12px 16px;` +
    "font:450 13px/20px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,sans-serif;" +
    "box-shadow:0 8px 16px -4px rgba(0,0,0,.3);max-width:480px";
  region.appendChild(toast);
  window.setTimeout(() => toast.remove(), opts?.duration ?? TOAST_DURATION_MS);
  return id;
}

/** Build the shim's `shopify` object and the wrapped `fetch`; exported for tests. */
export function createShim(shop: string, originalFetch: typeof fetch) {
  let cached: CachedToken | null = null;
  let inFlight: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const response = await originalFetch(`/demo/id-token?shop=${encodeURIComponent(shop)}`, {
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`The demo ID token endpoint answered ${response.status}.`);
    const body = (await response.json()) as { id_token?: string };
    if (!body.id_token) throw new Error("The demo ID token endpoint returned no id_token.");
    cached = {
      token: body.id_token,
      refreshAt: tokenExpiryMs(body.id_token) - TOKEN_REFRESH_MARGIN_SECONDS * 1000,
    };
    return body.id_token;
  }

  function idToken(): Promise<string> {
    if (cached && Date.now() < cached.refreshAt) return Promise.resolve(cached.token);
    if (!inFlight) inFlight = fetchToken().finally(() => (inFlight = null));
    return inFlight;
  }

  const wrappedFetch: typeof fetch = async (input, init) => {
    const raw = input instanceof Request ? input.url : String(input);
    const url = new URL(raw, window.location.href);
    if (!isSameOriginApi(url)) return originalFetch(input, init);
    const request = input instanceof Request ? new Request(input, init) : new Request(url, init);
    if (!request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${await idToken()}`);
    }
    const response = await originalFetch(request);
    if (response.status === 401 && response.headers.get(RETRY_HEADER)) cached = null;
    return response;
  };

  const shopify = {
    config: { shop, apiKey: "", locale: navigator.language },
    idToken,
    toast: { show: showToast, hide: (id: string) => document.getElementById(id)?.remove() },
  };
  return { shopify, fetch: wrappedFetch };
}

/** Define the stand-in global when the App Bridge script did not load; return true if it did so. */
export function installShimIfNeeded(shop: string): boolean {
  if (typeof window.shopify !== "undefined") return false;
  const shim = createShim(shop, window.fetch.bind(window));
  (window as unknown as { shopify: unknown }).shopify = shim.shopify;
  window.fetch = shim.fetch;
  document.documentElement.dataset.appBridge = "shim";
  return true;
}

/** Return true when the page runs under the demo stand-in rather than the real App Bridge. */
export function isShim(): boolean {
  return document.documentElement.dataset.appBridge === "shim";
}
