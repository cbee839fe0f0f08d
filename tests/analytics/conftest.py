"""Fixtures for the analytics library tests: the CDNOW sample loaded as plain numpy arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

CDNOW = Path(__file__).resolve().parents[1] / "fixtures" / "cdnow"


@pytest.fixture(scope="session")
def cdnow_summary() -> dict[str, np.ndarray]:
    """Return the CDNOW calibration summary with monetary value (2,357 customers, weeks)."""
    data = np.loadtxt(CDNOW / "cdnow_customers_summary_with_transactions.csv", delimiter=",", skiprows=1)
    return {"frequency": data[:, 1], "recency": data[:, 2], "T": data[:, 3], "monetary_value": data[:, 4]}


@pytest.fixture(scope="session")
def cdnow_transactions() -> dict[str, np.ndarray]:
    """Return the raw CDNOW sample transactions (sample id, day, dollar value)."""
    raw = np.loadtxt(CDNOW / "CDNOW_sample.txt", dtype=str)
    days = np.array([f"{s[:4]}-{s[4:6]}-{s[6:]}" for s in raw[:, 2]], dtype="datetime64[D]")
    return {"customer_ids": raw[:, 1].astype(np.int64), "days": days, "amounts": raw[:, 4].astype(np.float64)}
