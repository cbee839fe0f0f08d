import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiFetch, useApi } from "./useApi";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

const idToken = vi.fn(async () => "fresh-token");

beforeEach(() => {
  (window as unknown as { shopify: unknown }).shopify = { idToken, toast: { show: vi.fn() } };
  idToken.mockClear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("apiFetch", () => {
  it("returns the JSON body under /api/v1", async () => {
    const fetchMock = vi.fn(async () => json(200, { ok: true }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(apiFetch("/shop")).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledWith("/api/v1/shop", expect.objectContaining({ method: "GET" }));
  });

  it("sends JSON bodies", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => json(202, { run: { id: 1 } }));
    vi.stubGlobal("fetch", fetchMock);
    await apiFetch("/sync", { method: "POST", body: { kind: "full" } });
    const init = fetchMock.mock.calls[0][1]!;
    expect(init.body).toBe('{"kind":"full"}');
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("turns {error, message} answers into a typed ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(400, { error: "bad_request", message: "start must be before end." })));
    const error = await apiFetch("/dashboard?start=x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: "bad_request", message: "start must be before end." });
    expect((error as ApiError).retriable).toBe(false);
  });

  it("reports network failures as a retriable ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const error = (await apiFetch("/shop").catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("network_error");
    expect(error.retriable).toBe(true);
  });

  it("retries once with a fresh token after a 401 asking for it", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(json(401, { error: "unauthorized", message: "Stale." }, { "X-Shopify-Retry-Invalid-Session-Request": "1" }))
      .mockResolvedValueOnce(json(200, { domain: "demo.myshopify.com" }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(apiFetch("/shop")).resolves.toEqual({ domain: "demo.myshopify.com" });
    expect(idToken).toHaveBeenCalledTimes(1);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fetchMock.mock.calls[1][1].headers.Authorization).toBe("Bearer fresh-token");
  });

  it("does not retry a second time, nor a 401 without the retry header", async () => {
    const retry = { "X-Shopify-Retry-Invalid-Session-Request": "1" };
    const fetchMock = vi.fn(async () => json(401, { error: "unauthorized", message: "No." }, retry));
    vi.stubGlobal("fetch", fetchMock);
    await expect(apiFetch("/shop")).rejects.toMatchObject({ status: 401 });
    expect(fetchMock).toHaveBeenCalledTimes(2);

    const plain = vi.fn(async () => json(401, { error: "unauthorized", message: "No." }));
    vi.stubGlobal("fetch", plain);
    await expect(apiFetch("/shop")).rejects.toMatchObject({ status: 401 });
    expect(plain).toHaveBeenCalledTimes(1);
  });
});

describe("useApi", () => {
  it("moves from loading to data", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(200, { name: "Demo" })));
    const { result } = renderHook(() => useApi<{ name: string }>("/shop"));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.data).toEqual({ name: "Demo" });
    expect(result.current.error).toBeNull();
  });

  it("surfaces errors and recovers on reload", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(json(503, { error: "unavailable", message: "Try again soon." }))
      .mockResolvedValueOnce(json(200, { name: "Demo" }));
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useApi<{ name: string }>("/shop"));
    await waitFor(() => expect(result.current.error?.message).toBe("Try again soon."));
    expect(result.current.error?.retriable).toBe(true);
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.data).toEqual({ name: "Demo" }));
    expect(result.current.error).toBeNull();
  });

  it("aborts the request on unmount", async () => {
    let signal: AbortSignal | undefined;
    vi.stubGlobal(
      "fetch",
      vi.fn((_url: string, init: RequestInit) => {
        signal = init.signal ?? undefined;
        return new Promise<Response>(() => {});
      }),
    );
    const { unmount } = renderHook(() => useApi("/shop"));
    await waitFor(() => expect(signal).toBeDefined());
    unmount();
    expect(signal!.aborted).toBe(true);
  });

  it("skips loading when the path is null", () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    const { result } = renderHook(() => useApi(null));
    expect(result.current.loading).toBe(false);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("ApiError details", () => {
  it("keeps the answer's extra fields, such as a syntax error's position", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json(400, { error: "bad_request", message: "Unexpected AND.", position: 17 })));
    const error = (await apiFetch("/segments/parse", { method: "POST", body: { query: "x" } }).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe("Unexpected AND.");
    expect(error.details).toEqual({ position: 17 });
  });
});
