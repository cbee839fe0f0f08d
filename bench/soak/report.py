"""Render a soak summary as markdown for docs/benchmarks.md."""

from __future__ import annotations

from typing import Any


def markdown(s: dict[str, Any]) -> str:
    """Return the summary's headline numbers and every mismatch as markdown."""
    d, b = s.get("deliveries", {}), s.get("backlog", {})
    chaos = s.get("chaos", {})
    lines = [f"**Result: {'no mismatch' if s.get('ok') else 'MISMATCH'}** — backends {s.get('backends')}, "
             f"{s.get('duration_s')} s in all, backfill {s.get('backfill_s')} s",
             "", "| Shop | table.column | store | app |", "|---|---|---|---|"]
    for shop, data in s.get("shops", {}).items():
        for key, value in data["store"].items():
            got = data["mismatches"].get(key, {}).get("app", value)
            lines.append(f"| {shop} | {key.rstrip('#')} | {value} | {got} |")
    lines += ["", f"- store actions: {s.get('activity')}; deletions: {chaos.get('deleted')}",
              f"- deliveries: {d.get('distinct_delivered')} distinct delivered, "
              f"{d.get('duplicate_sends')} duplicate sends, "
              f"{d.get('retried_then_delivered')} delivered after "
              f"non-2xx answers ({d.get('retried_then_applied')} of them applied), store outcomes "
              f"{d.get('store_outcomes')}, app statuses {d.get('app_statuses')}, missing "
              f"{d.get('missing_count')}, not applied {d.get('not_applied_count')}",
              f"- consumer SIGKILLs: {len(s.get('kills', []))}; Redis restart: {chaos.get('redis_restart')}",
              f"- quiesce: {s.get('quiesce')}",
              f"- backlog after quiesce: queue {b.get('queue_pending')} pending / {b.get('queue_scheduled')} "
              f"scheduled, active sync runs {b.get('active_sync_runs')}, pending deliveries "
              f"{b.get('pending_deliveries')}; sync runs {b.get('sync_runs')}"]
    if s.get("error"):
        lines.append(f"- error: {s['error']}")
    return "\n".join(lines)
