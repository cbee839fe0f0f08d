/**
 * The one way the UI talks to the back end: JSON over the global `fetch`, which App Bridge
 * (or the demo stand-in) authenticates with the ID token. Errors come back as `ApiError`.
 */
import { useCallback, useEffect, useRef, useState } from "react";

export const API_PREFIX = "/api/v1";
const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

/** An error answer from the API (`{error, message}`) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The error answer's other fields (e.g. `position` of a segment syntax error). */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** True when retrying later may succeed (network failure, 429, 5xx). */
  get retriable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}`.trim() + ".";
  let details: Record<string, unknown> = {};
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    if (body && typeof body.error === "string") code = body.error;
    if (body && typeof body.message === "string") message = body.message;
    if (body && typeof body === "object") {
      details = { ...(body as Record<string, unknown>) };
      delete details.error;
      delete details.message;
    }
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(response.status, code, message, details);
}

async function send(path: string, req: ApiRequest, token?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (req.body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`${API_PREFIX}${path}`, {
    method: req.method ?? "GET",
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: req.signal,
  });
}

/**
 * Call the API and return its JSON body; throw `ApiError` on an error answer.
 *
 * A 401 carrying `X-Shopify-Retry-Invalid-Session-Request` means the ID token was stale:
 * ask App Bridge for a fresh one and retry exactly once.
 */
export async function apiFetch<T>(path: string, req: ApiRequest = {}): Promise<T> {
  let response: Response;
  try {
    response = await send(path, req);
    if (response.status === 401 && response.headers.get(RETRY_HEADER)) {
      const token = await window.shopify.idToken();
      response = await send(path, req, token);
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, "network_error", "XSight could not reach its server. Check your connection and retry.");
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * Download a file answer (e.g. a CSV export) through the same authenticated `fetch` and save it
 * under `filename`. A plain link would not carry the session token.
 */
export async function apiDownload(path: string, filename: string): Promise<void> {
  let response: Response;
  try {
    response = await send(path, {});
    if (response.status === 401 && response.headers.get(RETRY_HEADER)) {
      response = await send(path, {}, await window.shopify.idToken());
    }
  } catch {
    throw new ApiError(0, "network_error", "XSight could not reach its server. Check your connection and retry.");
  }
  if (!response.ok) throw await toApiError(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ApiState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** Fetch again; keeps the current data visible while loading. */
  reload: () => void;
}

/**
 * Load `path` (a GET under /api/v1) and track loading, error and data; refetch when `path`
 * changes, abort on change and on unmount. Pass `null` to skip loading.
 */
export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [attempt, setAttempt] = useState(0);
  const lastPath = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    if (lastPath.current !== path) setData(null);
    lastPath.current = path;
    setLoading(true);
    setError(null);
    apiFetch<T>(path, { signal: controller.signal })
      .then((body) => {
        if (controller.signal.aborted) return;
        setData(body);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return;
        setError(err instanceof ApiError ? err : new ApiError(0, "unexpected", String(err)));
        setLoading(false);
      });
    return () => controller.abort();
  }, [path, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
