"""Fit BG/NBD and Gamma-Gamma on 250 random simulated shops and count refusals (seeded, about a minute).

Run: .venv/bin/python -m bench.analytics_robustness
Every fit either converges or raises ConvergenceError; any other exception or warning is a bug.
"""

from __future__ import annotations

import sys
import warnings
from collections import Counter

import numpy as np

from xsight.analytics.clv import BetaGeo, ConvergenceError, GammaGamma, compress_rows
from xsight.analytics.simulate import simulate_log
from xsight.analytics.transactions import CustomerSummary, summarize

N_SHOPS = 250
SEED = 123
START = np.datetime64("2024-01-01")


def _fit(name: str, s: CustomerSummary) -> None:
    """Fit one model on a summary."""
    if name == "BetaGeo":
        BetaGeo().fit(*compress_rows(s.frequency, s.recency, s.T))
    else:
        GammaGamma().fit(s.frequency, s.monetary_value)


def main() -> None:
    """Run the fits and print refusals by shop size and history length."""
    warnings.simplefilter("error")
    rng = np.random.default_rng(SEED)
    fits: Counter[tuple[str, int, int]] = Counter()
    refused: Counter[tuple[str, int, int]] = Counter()
    for i in range(N_SHOPS):
        params = {
            "r": rng.uniform(0.05, 3), "alpha": rng.uniform(0.5, 50), "a": rng.uniform(0.2, 5),
            "b": rng.uniform(0.3, 10), "p": rng.uniform(1, 10), "q": rng.uniform(1.5, 10),
            "gamma": rng.uniform(1, 100),
        }
        n = int(rng.choice([60, 300, 1000, 5000]))
        weeks = float(rng.choice([13.0, 52.0, 104.0]))
        log = simulate_log(
            np.random.default_rng(i), n, **params, horizon=weeks, acquisition_span=0.75 * weeks
        )
        days = START + np.floor(log.times * 7).astype(np.int64)
        s = summarize(log.customer_ids, days, log.amounts, observation_end=START + int(weeks * 7) - 1)
        if not (s.frequency > 0).any():
            continue
        for name in ("BetaGeo", "GammaGamma"):
            key = (name, n, int(weeks))
            fits[key] += 1
            try:
                _fit(name, s)
            except ConvergenceError:
                refused[key] += 1
    out = sys.stdout
    out.write("| model | customers | weeks | fits | refused |\n|---|---:|---:|---:|---:|\n")
    for key in sorted(fits):
        out.write(f"| {key[0]} | {key[1]} | {key[2]} | {fits[key]} | {refused[key]} |\n")
    out.write(f"\nTotal: {sum(fits.values())} fits, {sum(refused.values())} refused (ConvergenceError).\n")


if __name__ == "__main__":
    main()
