/** Stub the global fetch with API answers by method and path, for page tests. */
import { vi } from "vitest";

/** A JSON response. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/**
 * Stub fetch with answers by path (without /api/v1 and the query),
 * e.g. "GET /settings"; unknown paths are a 404. Returns the calls made.
 */
export function serve(routes: Record<string, () => Response>) {
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.replace("/api/v1", "").split("?")[0];
      calls.push(`${init?.method ?? "GET"} ${url}`);
      return routes[`${init?.method ?? "GET"} ${path}`]?.() ?? json(404, { error: "not_found", message: path });
    }),
  );
  return calls;
}
