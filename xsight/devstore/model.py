"""Draw purchase behaviour from BG/NBD and spend from Gamma-Gamma with known parameters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

DAY_S = 86_400.0
CALIBRATION_SAMPLE = 20_000  # simulated customers used to estimate orders per customer
CALIBRATION_STEPS = 40  # bisection steps on log(alpha)
CALIBRATION_SEED = 12345  # calibration draws never touch the shop's own random stream


@dataclass(frozen=True)
class ModelParams:
    """BG/NBD (r, alpha in days, a, b) and Gamma-Gamma (p, q, gamma in shop currency) parameters."""

    r: float = 0.75
    alpha: float = 60.0
    a: float = 0.8
    b: float = 2.6
    p: float = 6.0
    q: float = 4.0
    gamma: float = 40.0

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters with a description of their units and meaning."""
        return {
            **asdict(self),
            "time_unit": "day",
            "money_unit": "shop currency (major units)",
            "model": "BG/NBD: lambda~Gamma(shape=r, rate=alpha), p~Beta(a,b), first order at join time, "
            "dropout with prob p after each repeat order; Gamma-Gamma: nu~Gamma(shape=q, rate=gamma), "
            "order subtotal before discounts ~ Gamma(shape=p, rate=nu)",
        }


def simulate_counts(params: ModelParams, horizons_days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return the number of orders (trial + repeats) each customer places within their horizon."""
    lam = rng.gamma(params.r, 1.0 / params.alpha, size=horizons_days.size)
    drop = rng.beta(params.a, params.b, size=horizons_days.size)
    repeats_before_death = rng.geometric(np.clip(drop, 1e-9, 1.0))
    poisson = rng.poisson(lam * horizons_days)
    return 1 + np.minimum(poisson, repeats_before_death)


def orders_per_customer(params: ModelParams, horizon_days: float) -> float:
    """Estimate mean orders per customer when join times are uniform over the horizon."""
    rng = np.random.default_rng(CALIBRATION_SEED)
    horizons = rng.uniform(0.0, horizon_days, size=CALIBRATION_SAMPLE)
    return float(simulate_counts(params, horizons, rng).mean())


def calibrate_alpha(params: ModelParams, horizon_days: float, target_per_customer: float) -> ModelParams:
    """Return params with alpha chosen so customers average `target_per_customer` orders."""
    lo, hi = np.log(0.01), np.log(1e6)
    for _ in range(CALIBRATION_STEPS):
        mid = (lo + hi) / 2
        if orders_per_customer(replace(params, alpha=float(np.exp(mid))), horizon_days) > target_per_customer:
            lo = mid
        else:
            hi = mid
    return replace(params, alpha=round(float(np.exp((lo + hi) / 2)), 4))


def plan_sizes(
    customers: int | None, orders: int | None, horizon_days: float, params: ModelParams
) -> tuple[int, ModelParams]:
    """Pick the customer count and parameters so about `orders` orders come out."""
    if customers is not None and orders is not None:
        return customers, calibrate_alpha(params, horizon_days, max(orders / customers, 1.0001))
    if orders is not None:
        return max(1, round(orders / orders_per_customer(params, horizon_days))), params
    return (customers if customers is not None else 120), params


def purchase_times(
    params: ModelParams, join: float, end: float, rng: np.random.Generator, lam: float, drop: float
) -> list[float]:
    """Return the POSIX times of one customer's orders: a trial at `join`, then BG/NBD repeats."""
    times = [join]
    t = join
    rate_per_s = lam / DAY_S
    if rate_per_s <= 0:
        return times
    while True:
        t += float(rng.exponential(1.0 / rate_per_s))
        if t >= end:
            return times
        times.append(t)
        if rng.random() < drop:
            return times
