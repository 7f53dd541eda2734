"""The audit's linear programs: both ends of a range, unbounded and contradicting relations."""

import numpy as np

from snanalys.disclosure.audit import _min_max

NONE = np.zeros((0, 2))


def test_both_ends_of_a_bounded_range():
    # x + y = 10, x ≤ 7, y ≥ 0: x lies in [3, 7] given y ≤ 7 too
    low, high = _min_max(
        np.array([1.0, 0.0]), np.array([[0.0, 1.0]]), np.array([7.0]), np.array([[1.0, 1.0]]), np.array([10.0]),
        np.array([0.0, 0.0]), np.array([7.0, np.inf]), "x",
    )  # fmt: skip
    assert np.isclose(low, 3.0) and np.isclose(high, 7.0)


def test_an_unbounded_side_is_infinite():
    low, high = _min_max(
        np.array([1.0, 0.0]), NONE, np.zeros(0), np.array([[1.0, -1.0]]), np.array([2.0]),
        np.array([0.0, 0.0]), np.array([np.inf, np.inf]), "x",
    )  # fmt: skip
    assert np.isclose(low, 2.0) and high == np.inf


def test_contradicting_relations_tell_a_reader_nothing(caplog):
    low, high = _min_max(
        np.array([1.0, 0.0]), NONE, np.zeros(0), np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([2.0, 3.0]),
        np.array([0.0, 0.0]), np.array([np.inf, np.inf]), "x",
    )  # fmt: skip
    assert (low, high) == (-np.inf, np.inf)
    assert "contradict their declared relations" in caplog.text
