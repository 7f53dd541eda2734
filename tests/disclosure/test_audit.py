"""The audit's linear programs: both ends of a range, unbounded and contradicting relations."""

import numpy as np

from snanalys.disclosure.audit import _min_max, _Program

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


def test_one_program_answers_each_quantity_of_its_group_as_a_fresh_one_would():
    """A group's program is built once and only its objective changes; starting each solve from
    the last one's basis must not change any range (nor depend on the order asked)."""
    rng = np.random.default_rng(7)
    # parts x0..x3 of a shown total 20, two pairs shown as sums, every part ≥ 1 (an X)
    a_eq = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]])
    b_eq = np.array([20.0, 9.0])
    a_ub = np.array([[1.0, 0.0, 1.0, 0.0]])
    b_ub = np.array([12.0])
    lo, hi = np.ones(4), np.full(4, np.inf)
    objectives = [np.eye(4)[i] for i in range(4)] + [np.array([1.0, -1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0, 1.0])]
    program = _Program(a_ub, b_ub, a_eq, b_eq, lo, hi)
    for i in rng.permutation(len(objectives)).tolist() * 2:
        kept = program.min_max(objectives[i], f"q{i}")
        fresh = _min_max(objectives[i], a_ub, b_ub, a_eq, b_eq, lo, hi, f"q{i}")
        assert np.allclose(kept, fresh), (i, kept, fresh)
