import type { SyncRun, SyncStatus } from "../../types";

type Tone = "info" | "success" | "critical" | "attention" | undefined;

export const STATUS_LABEL: Record<SyncStatus, { label: string; tone: Tone }> = {
  queued: { label: "Queued", tone: "attention" },
  running: { label: "Running", tone: "info" },
  succeeded: { label: "Succeeded", tone: "success" },
  failed: { label: "Failed", tone: "critical" },
  cancelled: { label: "Cancelled", tone: undefined },
};

/** Return a human name for a sync kind ("incremental" → "Incremental sync"). */
export function kindLabel(kind: string): string {
  if (kind === "full") return "Full sync";
  if (kind === "incremental") return "Incremental sync";
  if (kind === "backfill") return "First import";
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)} sync`;
}

/** Return a human name for a sync step ("customers" → "Customers"), or a fallback. */
export function stepLabel(step: string | null | undefined): string {
  if (!step) return "Preparing";
  const words = step.replace(/[_:-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Return the run's progress as 0–100, from `percent` or from processed/total. */
export function runPercent(run: Pick<SyncRun, "percent" | "processed" | "total" | "status">): number {
  if (run.status === "succeeded") return 100;
  if (typeof run.percent === "number" && Number.isFinite(run.percent)) return Math.max(0, Math.min(100, run.percent));
  if (run.total && run.processed !== null) return Math.max(0, Math.min(100, (100 * run.processed) / run.total));
  return 0;
}
