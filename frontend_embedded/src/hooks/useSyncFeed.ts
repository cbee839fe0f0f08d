/**
 * Live sync runs: Socket.IO events when the socket is up, REST polling when it is down.
 *
 * The socket authenticates with `shopify.idToken()` on every (re)connect, since ID tokens
 * live one minute. History comes from GET /sync/runs; progress events patch it in place.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import { ApiError, apiFetch } from "./useApi";
import { isActive, type SyncProgressEvent, type SyncRun } from "../types";

/** Poll this often while the socket is down and a run is active (ms). */
export const POLL_ACTIVE_MS = 2000;
/** Poll this often while the socket is down and nothing runs, to notice scheduled runs (ms). */
export const POLL_IDLE_MS = 15000;
export const RUNS_LIMIT = 20;

export interface SyncFeed {
  runs: SyncRun[] | null;
  error: ApiError | null;
  loading: boolean;
  connected: boolean;
  refresh: () => Promise<void>;
  /** Put a run (e.g. the one POST /sync returned) at the top of the list. */
  upsert: (run: SyncRun) => void;
}

/** Merge a progress event into a run list; unknown runs are added as running. */
export function applyProgress(runs: SyncRun[], event: SyncProgressEvent): SyncRun[] {
  const index = runs.findIndex((run) => String(run.id) === String(event.sync_run_id));
  const patch = {
    step: event.step,
    processed: event.processed,
    total: event.total,
    percent: event.percent,
    eta_seconds: event.eta_seconds,
  };
  if (index === -1) {
    const added: SyncRun = {
      id: event.sync_run_id,
      kind: event.kind,
      status: "running",
      ...patch,
      created_at: null,
      started_at: null,
      finished_at: null,
      error: null,
    };
    return [added, ...runs];
  }
  const next = runs.slice();
  const current = next[index];
  next[index] = { ...current, ...patch, status: current.status === "queued" ? "running" : current.status };
  return next;
}

function upsertRun(runs: SyncRun[], run: SyncRun): SyncRun[] {
  const rest = runs.filter((r) => String(r.id) !== String(run.id));
  return [run, ...rest];
}

/** Subscribe to sync runs for the shop; pass `live: false` to only load once (no socket). */
export function useSyncFeed({ live = true }: { live?: boolean } = {}): SyncFeed {
  const [runs, setRuns] = useState<SyncRun[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [connected, setConnected] = useState(false);
  const mounted = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const body = await apiFetch<{ runs: SyncRun[] }>(`/sync/runs?limit=${RUNS_LIMIT}`);
      if (!mounted.current) return;
      setRuns(body.runs);
      setError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (err instanceof ApiError) setError(err);
    } finally {
      if (mounted.current) setLoading(false);
    }
  }, []);

  const upsert = useCallback((run: SyncRun) => setRuns((current) => upsertRun(current ?? [], run)), []);

  useEffect(() => {
    mounted.current = true;
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  // Socket.IO, loaded on demand so it stays out of the initial bundle.
  useEffect(() => {
    if (!live) return;
    let socket: Socket | null = null;
    let cancelled = false;
    void import("socket.io-client").then(({ io }) => {
      if (cancelled) return;
      socket = io({
        // Called on every connection attempt, so a reconnect carries a fresh ID token.
        auth: (cb) => {
          window.shopify
            .idToken()
            .then((token) => cb({ token }))
            .catch(() => cb({}));
        },
        reconnectionDelayMax: 10000,
      });
      socket.on("connect", () => {
        setConnected(true);
        void refresh();
      });
      socket.on("disconnect", () => setConnected(false));
      socket.on("connect_error", () => setConnected(false));
      // The payload is the list of queued/running runs, bare or as {runs: [...]}.
      socket.on("sync:active", (payload: SyncRun[] | { runs?: SyncRun[] }) => {
        const active = Array.isArray(payload) ? payload : (payload?.runs ?? []);
        setRuns((current) => active.reduce(upsertRun, current ?? []));
      });
      socket.on("sync:progress", (event: SyncProgressEvent) => {
        setRuns((current) => applyProgress(current ?? [], event));
      });
      socket.on("sync:completed", () => void refresh());
      socket.on("sync:failed", () => void refresh());
    });
    return () => {
      cancelled = true;
      socket?.removeAllListeners();
      socket?.disconnect();
    };
  }, [live, refresh]);

  // REST fallback while the socket is down.
  const anyActive = (runs ?? []).some(isActive);
  useEffect(() => {
    if (connected || !live) return;
    const timer = window.setInterval(() => void refresh(), anyActive ? POLL_ACTIVE_MS : POLL_IDLE_MS);
    return () => window.clearInterval(timer);
  }, [connected, live, anyActive, refresh]);

  return { runs, error, loading, connected, refresh, upsert };
}
