"""Time the pure analytics library on a simulated shop of 200k customers and ~1M orders.

Run: .venv/bin/python -m bench.analytics_bench
Prints a Markdown table; each step next to a baseline on the same data in the same run.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from xsight.analytics import holdout, rfm
from xsight.analytics.clv import BetaGeo, GammaGamma, ModifiedBetaGeo, compress_rows
from xsight.analytics.cohorts import cohort_table
from xsight.analytics.simulate import simulate_log
from xsight.analytics.transactions import summarize

N_CUSTOMERS = 200_000
SEED = 20261126
START = np.datetime64("2024-01-01T00:00:00", "s")
WEEKS = 104.0


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Return the best wall time in seconds over ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def summarize_loop(ids: np.ndarray, stamps: np.ndarray, amounts: np.ndarray, end: np.datetime64) -> int:
    """Baseline: the same summary with a plain Python dict loop."""
    per_day: dict[tuple[int, Any], float] = defaultdict(float)
    for c, d, a in zip(ids.tolist(), stamps.astype("datetime64[D]").tolist(), amounts.tolist(), strict=True):
        if d <= end:
            per_day[(c, d)] += a
    days: dict[int, list[Any]] = defaultdict(list)
    for (c, d), _ in per_day.items():
        days[c].append(d)
    return len(days)


def main() -> None:
    """Run every step and print the Markdown table."""
    rng = np.random.default_rng(SEED)
    log = simulate_log(
        rng, N_CUSTOMERS, r=0.52, alpha=4.0, a=0.6, b=3.0, p=6.0, q=3.8, gamma=15.0,
        horizon=WEEKS, acquisition_span=78.0,
    )
    stamps = START + (log.times * 7 * 86400).astype(np.int64)
    ids, amounts = log.customer_ids, np.round(log.amounts, 2)
    end = np.datetime64("2025-12-29")
    rows: list[tuple[str, float, str]] = []

    t, s = timed(lambda: summarize(ids, stamps, amounts, observation_end=end))
    rows.append((f"summarize {len(ids):,} orders -> {len(s):,} customers", t, ""))
    t_loop, _ = timed(lambda: summarize_loop(ids, stamps, amounts, end), repeat=1)
    rows[-1] = (rows[-1][0], t, f"Python dict loop {t_loop:.2f} s ({t_loop / t:.0f}x)")

    def fit_bg() -> BetaGeo:
        return BetaGeo().fit(*compress_rows(s.frequency, s.recency, s.T))

    t, bg = timed(fit_bg)
    n_rows = len(compress_rows(s.frequency, s.recency, s.T)[0])
    t_full, _ = timed(lambda: BetaGeo().fit(s.frequency, s.recency, s.T), repeat=1)
    note = f"uncompressed {t_full:.2f} s ({t_full / t:.1f}x)"
    rows.append((f"BetaGeo fit incl. compression ({n_rows:,} distinct rows)", t, note))
    t, gg = timed(lambda: GammaGamma().fit(s.frequency, s.monetary_value))
    rows.append((f"GammaGamma fit ({int((s.frequency > 0).sum()):,} repeat buyers)", t, ""))

    def predict() -> np.ndarray:
        bg.conditional_probability_alive(s.frequency, s.recency, s.T)
        bg.conditional_expected_purchases(90 / 7, s.frequency, s.recency, s.T)
        bg.conditional_expected_purchases(365 / 7, s.frequency, s.recency, s.T)
        return gg.customer_lifetime_value(bg, s.frequency, s.recency, s.T, s.monetary_value)

    t, _ = timed(predict)
    rows.append(("predictions: P(alive), E[90 d], E[365 d], 12-month CLV", t, ""))
    t, table = timed(lambda: cohort_table(ids, stamps, amounts, observation_end=end))
    rows.append((f"cohort_table ({len(table.cohorts)} cohorts)", t, ""))
    recency_days = (s.T - s.recency) * 7
    t, _ = timed(lambda: rfm.score(recency_days, s.frequency + 1, s.monetary_value * s.frequency))
    rows.append(("RFM scores + groups", t, ""))
    total = sum(r[1] for r in rows)
    t_mbg, _ = timed(lambda: ModifiedBetaGeo().fit(*compress_rows(s.frequency, s.recency, s.T)))
    t_hold, report = timed(lambda: holdout.evaluate(ids, stamps, observation_end=end), repeat=1)

    out = sys.stdout
    out.write("| step | time | baseline on the same data |\n|---|---:|---|\n")
    for name, seconds, note in rows:
        out.write(f"| {name} | {seconds * 1000:.0f} ms | {note} |\n")
    out.write(f"| **full recompute (sum of the above)** | **{total * 1000:.0f} ms** | target < 5 s |\n")
    out.write(f"| MBG/NBD fit incl. compression (alternative, extra) | {t_mbg * 1000:.0f} ms | |\n")
    out.write(
        f"| holdout evaluation (extra) | {t_hold * 1000:.0f} ms | predicted {report.predicted_total:,.0f} vs "
        f"actual {report.actual_total:,.0f}; MAE {report.mae:.3f} vs naive {report.baseline_mae:.3f} |\n"
    )
    params = ", ".join(f"{k} {v:.3f}" for k, v in bg.params_.items())
    out.write(f"\nBG/NBD fitted on the simulated shop (true r 0.52, alpha 4, a 0.6, b 3): {params}\n")


if __name__ == "__main__":
    main()
