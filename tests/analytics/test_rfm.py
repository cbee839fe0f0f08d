"""RFM: quintile rule, ties, small shops, and a complete (R, F, M) -> group map in Shopify's vocabulary."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsight.analytics import rfm
from xsight.analytics.errors import InvalidInputError


def test_every_one_of_the_125_cells_maps_to_exactly_one_known_group():
    cells = {(r, f, m): rfm.group_of(r, f, m) for r, f, m in itertools.product(range(1, 6), repeat=3)}
    assert len(cells) == 125
    assert set(cells.values()) <= set(rfm.GROUPS) - {"PROSPECTS"}
    # Every group but PROSPECTS (no orders) is reachable, and each grid row has exactly five cells.
    assert set(cells.values()) == set(rfm.GROUPS) - {"PROSPECTS"}
    assert all(len(row) == 5 for row in rfm.GRID.values()) and sorted(rfm.GRID) == [1, 2, 3, 4, 5]


def test_grid_reads_as_intended():
    assert rfm.group_of(5, 5, 5) == "CHAMPIONS"
    assert rfm.group_of(5, 1, 1) == rfm.group_of(5, 1, 3) == "NEW"  # recent one-time buyers
    assert rfm.group_of(4, 1, 2) == "PROMISING"
    assert rfm.group_of(1, 1, 1) == "DORMANT"
    assert rfm.group_of(1, 5, 5) == "PREVIOUSLY_LOYAL"
    assert rfm.group_of(2, 3, 4) == "AT_RISK"  # FM = 3.5 rounds up to 4
    with pytest.raises(InvalidInputError, match="1-5"):
        rfm.group_of(0, 1, 1)


def test_quintiles_on_distinct_values_are_equal_fifths():
    scores = rfm.quintile_scores(np.arange(100))
    assert np.bincount(scores).tolist() == [0, 20, 20, 20, 20, 20]
    assert rfm.quintile_scores(np.arange(100), higher_is_better=False)[0] == 5


def test_ties_share_the_lowest_score_and_small_shops_skip_scores():
    # 70 % one-time buyers all score F = 1; two-order customers have 70 % strictly below them -> 4.
    f = rfm.quintile_scores([1] * 7 + [2] * 2 + [5])
    assert f.tolist() == [1] * 7 + [4, 4, 5]
    assert rfm.quintile_scores([3, 3, 3]).tolist() == [1, 1, 1]
    assert rfm.quintile_scores([1.0, 2.0]).tolist() == [1, 3]


def test_prospects_and_validation():
    s = rfm.score([1.0, np.nan, 30.0], [2, 0, 1], [50.0, 0.0, 20.0])
    assert s.group.tolist()[1] == "PROSPECTS" and s.r[1] == s.f[1] == s.m[1] == s.fm[1] == 0
    with pytest.raises(InvalidInputError, match="finite"):
        rfm.score([np.nan], [1], [5.0])
    with pytest.raises(InvalidInputError, match="orders"):
        rfm.score([1.0], [-1], [5.0])
    with pytest.raises(InvalidInputError, match="equal lengths"):
        rfm.score([1.0], [1, 2], [5.0])


def test_group_sizes_and_grid():
    s = rfm.score([1.0, 100.0, 5.0, 0.0], [5, 1, 2, 0], [500.0, 10.0, 60.0, 0.0])
    sizes = rfm.group_sizes(s.group)
    assert list(sizes) == list(rfm.GROUPS) and sum(sizes.values()) == 4 and sizes["PROSPECTS"] == 1
    grid = rfm.r_fm_grid(s.r, s.fm)
    assert grid.shape == (5, 5) and grid.sum() == 3


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 12), st.floats(0.0, 2000.0, allow_nan=False)),
        min_size=1, max_size=80,
    ),
    st.randoms(use_true_random=False),
)
def test_every_customer_gets_one_group_and_scores_do_not_depend_on_order(rows, rnd):
    days = np.array([r[0] for r in rows], dtype=float)
    orders = np.array([r[1] for r in rows])
    spend = np.array([r[2] for r in rows])
    s = rfm.score(days, orders, spend)
    assert len(s.group) == len(rows) and set(s.group.tolist()) <= set(rfm.GROUPS)
    assert np.all((s.group == "PROSPECTS") == (orders == 0))
    buyers = orders > 0
    assert np.all((s.r[buyers] >= 1) & (s.r[buyers] <= 5))
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    shuffled = rfm.score(days[perm], orders[perm], spend[perm])
    assert shuffled.group.tolist() == s.group[perm].tolist()
    # More orders never means a lower F; a more recent order never a lower R.
    b = np.flatnonzero(buyers)
    for i, j in itertools.product(b, b):
        if orders[i] > orders[j]:
            assert s.f[i] >= s.f[j]
        if days[i] < days[j]:
            assert s.r[i] >= s.r[j]
