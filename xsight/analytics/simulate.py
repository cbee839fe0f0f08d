"""Simulate customers from the BG/NBD and Gamma-Gamma models (seeded; for tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class SimulatedLog:
    """A simulated transaction log: one row per purchase, times in model units since the log's start."""

    customer_ids: NDArray[np.int64]
    times: FloatArray
    amounts: FloatArray


def simulate_log(
    rng: np.random.Generator,
    n_customers: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    gamma: float,
    horizon: float,
    acquisition_span: float,
    dropout_after_first: bool = False,
) -> SimulatedLog:
    """Simulate BG/NBD purchases and Gamma-Gamma amounts up to ``horizon``.

    Customers make their first purchase uniformly in [0, acquisition_span); afterwards each buys at rate
    lambda ~ gamma(r, rate alpha) and, after every repeat purchase, drops out with probability
    p_drop ~ beta(a, b); with ``dropout_after_first`` (MBG/NBD) also right after the first purchase.
    Each purchase's amount is gamma(p, rate nu) with nu ~ gamma(q, rate gamma).
    """
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    p_drop = rng.beta(a, b, n_customers)
    nu = rng.gamma(q, 1.0 / gamma, n_customers)
    first = rng.uniform(0.0, acquisition_span, n_customers)
    ids = [np.arange(n_customers)]
    times = [first]
    now = first.copy()
    alive = np.ones(n_customers, dtype=bool)
    if dropout_after_first:
        alive = rng.random(n_customers) >= p_drop
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1.0, len(idx)) / lam[idx]
        bought = now[idx] <= horizon
        idx_bought = idx[bought]
        ids.append(idx_bought)
        times.append(now[idx_bought].copy())
        alive[idx[~bought]] = False
        alive[idx_bought[rng.random(len(idx_bought)) < p_drop[idx_bought]]] = False
    cust = np.concatenate(ids)
    when = np.concatenate(times)
    amounts = rng.gamma(p, 1.0, len(cust)) / nu[cust]
    return SimulatedLog(cust.astype(np.int64), when, amounts)


def summarize_continuous(log: SimulatedLog, observation_end: float) -> tuple[FloatArray, ...]:
    """Return (frequency, recency, T, monetary_value) per customer in continuous time (no day merging)."""
    keep = log.times <= observation_end
    cust, when, amount = log.customer_ids[keep], log.times[keep], log.amounts[keep]
    order = np.lexsort((when, cust))
    cust, when, amount = cust[order], when[order], amount[order]
    _, starts, counts = np.unique(cust, return_index=True, return_counts=True)
    ends = starts + counts - 1
    frequency = (counts - 1).astype(np.float64)
    total = np.add.reduceat(amount, starts)
    repeat_total = total - amount[starts]
    monetary = np.divide(repeat_total, frequency, out=np.zeros_like(frequency), where=frequency > 0)
    return frequency, when[ends] - when[starts], observation_end - when[starts], monetary
