"""Small-count suppression: primary 1–4, and that no hidden value can be subtracted back.

The attack tests publish a table the way the board sees it (display strings), then try
what a reader could: a total minus the other cells of its row or column, every linear
combination of the table's sums (an independent rank check), and T2 − T1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snanalys.presentation import MISSING_MARK, SUPPRESSED_MARK, format_number
from snanalys.suppression import (
    FOOTNOTE_SV,
    KEY_FIGURE_GROUPS,
    KEY_FIGURE_SHARES,
    PRIMARY,
    SECONDARY,
    FlaggedTable,
    flag_counts,
    flag_means,
    is_small_count,
    protect_nested_periods,
    suppress_key_figures,
)

# --------------------------------------------------------------------------- helpers: the reader


def published(flagged: FlaggedTable, unit: str = "hushåll") -> pd.DataFrame:
    """What a reader has: the display parsed back to numbers, NaN where "X"."""
    display = flagged.to_display(lambda value, column: format_number(value, unit))

    def parse(text: str) -> float:
        if text == SUPPRESSED_MARK:
            return math.nan
        return float(text.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-"))

    return display.map(parse)


def lines_of(frame: pd.DataFrame, row_total=None, col_total=None) -> list[tuple[list, tuple]]:
    """Additive lines as ([part cells], total cell), cells as (row, column) labels."""
    lines = []
    if row_total is not None:
        for r in frame.index:
            lines.append(([(r, c) for c in frame.columns if c != row_total], (r, row_total)))
    if col_total is not None:
        for c in frame.columns:
            lines.append(([(r, c) for r in frame.index if r != col_total], (col_total, c)))
    return lines


def subtraction_attack(public: pd.DataFrame, lines) -> dict:
    """Cells recovered as total − other cells (or total itself as the sum) in one line."""
    recovered = {}
    for parts, total in lines:
        cells = [*parts, total]
        unknown = [c for c in cells if math.isnan(public.loc[c])]
        if len(unknown) == 1:
            (cell,) = unknown
            known_parts = sum(public.loc[p] for p in parts if p != cell)
            recovered[cell] = public.loc[total] - known_parts if cell != total else known_parts
    return recovered


def linear_attack(public: pd.DataFrame, lines) -> dict:
    """Every hidden cell that any combination of the sums pins down, with its value.

    Independent of the module's own check: a cell is determined iff its unit vector lies
    in the row space of the equations (rank test); the value comes from least squares.
    """
    unknown = [c for c in public.stack(future_stack=True).index if math.isnan(public.loc[c])]
    if not unknown:
        return {}
    col = {c: j for j, c in enumerate(unknown)}
    a, b = [], []
    for parts, total in lines:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if cell in col:
                row[col[cell]] += sign
            else:
                rhs -= sign * public.loc[cell]
        if row.any():
            a.append(row)
            b.append(rhs)
    if not a:
        return {}
    a, b = np.array(a), np.array(b)
    rank = np.linalg.matrix_rank(a)
    solution = np.linalg.lstsq(a, b, rcond=None)[0]
    out = {}
    for cell, j in col.items():
        unit = np.zeros(len(unknown))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out[cell] = round(float(solution[j]), 6)
    return out


def alternative_table(values: pd.DataFrame, hidden: pd.DataFrame, cell, row_total, col_total) -> pd.DataFrame:
    """Another table of whole numbers ≥ 0 that agrees with every shown cell and every sum,
    but differs in ``cell``: a proof that the reader cannot know the hidden value.

    With both margins: a cycle through ``cell`` in the graph rows–columns whose edges are
    the hidden cells, moving ±1 around it (totals move with the opposite sign).
    """
    rows, cols = list(values.index), list(values.columns)
    edges = {(r, c) for r in rows for c in cols if hidden.loc[r, c]}
    r0, c0 = cell
    if col_total is None or row_total is None:
        # one margin: move one unit to another hidden cell of the same line
        along_rows = row_total is not None
        line = [(r0, c) for c in cols] if along_rows else [(r, c0) for r in rows]
        total = (r0, row_total) if along_rows else (col_total, c0)
        other = next(c for c in line if c != cell and c in edges)
        delta = {cell: 1, other: 1 if other == total else -1}
        if cell == total:
            delta = {cell: 1, other: 1}
    else:
        adjacency: dict = {}
        for r, c in edges - {cell}:
            adjacency.setdefault(("r", r), []).append(("c", c))
            adjacency.setdefault(("c", c), []).append(("r", r))
        start, goal = ("c", c0), ("r", r0)
        previous = {start: None}
        queue = [start]
        while queue and goal not in previous:
            node = queue.pop(0)
            for nxt in adjacency.get(node, []):
                if nxt not in previous:
                    previous[nxt] = node
                    queue.append(nxt)
        assert goal in previous, f"{cell} is a bridge: it can be worked out"
        path, node = [], goal
        while node is not None:
            path.append(node)
            node = previous[node]
        path.reverse()  # c0 ... r0
        cycle = [cell] + [(a[1], b[1]) if a[0] == "r" else (b[1], a[1]) for a, b in zip(path, path[1:])]
        delta = {edge: (1 if k % 2 == 0 else -1) for k, edge in enumerate(cycle)}

        def sign(r, c):  # margins enter the sums with the opposite sign
            return -1 if (r == col_total) != (c == row_total) else 1

        delta = {(r, c): d * sign(r, c) for (r, c), d in delta.items()}
    other_table = values.astype(int).copy()
    for (r, c), d in delta.items():
        other_table.loc[r, c] += d
    return other_table


def assert_consistent(table: pd.DataFrame, row_total, col_total) -> None:
    for parts, total in lines_of(table, row_total, col_total):
        assert sum(table.loc[p] for p in parts) == table.loc[total]


def agrees_where_shown(other: pd.DataFrame, values: pd.DataFrame, hidden: pd.DataFrame) -> bool:
    shown = ~hidden.to_numpy()
    return bool((other.to_numpy()[shown] == values.to_numpy()[shown]).all())


def with_margins(interior: pd.DataFrame, row_total="Totalt", col_total="Totalt") -> pd.DataFrame:
    frame = interior.copy()
    if row_total is not None:
        frame[row_total] = frame.sum(axis=1)
    if col_total is not None:
        frame.loc[col_total] = frame.sum(axis=0)
    return frame


# --------------------------------------------------------------------------- primary


@pytest.mark.parametrize("n, small", [(0, False), (1, True), (4, True), (5, False), (None, False), (math.nan, False)])
def test_small_count_is_one_to_four(n, small):
    assert is_small_count(n) is small


def test_flagged_table_display_public_values_and_footnote():
    values = pd.DataFrame({"a": [0, 3, 12], "b": [7, 8, 9]}, index=["x", "y", "z"])
    flagged = flag_counts(values)
    assert flagged.flags.loc["y", "a"] == PRIMARY and flagged.any_suppressed
    display = flagged.to_display(lambda v, column: format_number(v, "personer"))
    assert display.loc["y", "a"] == "X" and display.loc["x", "a"] == "0" and display.loc["z", "b"] == "9"
    public = flagged.public_values()
    assert math.isnan(public.loc["y", "a"]) and public.loc["z", "a"] == 12
    assert flagged.transpose().flags.loc["a", "y"] == PRIMARY
    other = flagged.with_values(values * 10)
    assert other.flags.equals(flagged.flags) and other.values.loc["z", "b"] == 90
    assert "färre än 5" in FOOTNOTE_SV and FOOTNOTE_SV.startswith("X")
    assert not flag_counts(values.replace(3, 30)).any_suppressed
    with pytest.raises(ValueError):
        FlaggedTable(values, values.map(lambda v: "maybe"))


# --------------------------------------------------------------------------- secondary: subtraction attacks


def test_sex_by_year_total_minus_one_sex_does_not_reveal():
    """Kvinnor 3 of 57 in 2025: total − men would give 3 back, so men are hidden too."""
    values = with_margins(
        pd.DataFrame({"Kvinnor": [30, 3, 41], "Män": [28, 54, 2]}, index=["2024", "2025", "2026"]), col_total=None
    )
    flagged = flag_counts(values, row_total="Totalt")
    public = published(flagged)
    lines = lines_of(values, row_total="Totalt")
    assert flagged.flags.loc["2025", "Kvinnor"] == PRIMARY and flagged.flags.loc["2025", "Män"] == SECONDARY
    assert flagged.flags.loc["2026", "Män"] == PRIMARY and flagged.flags.loc["2026", "Kvinnor"] == SECONDARY
    assert public.loc["2025", "Totalt"] == 57 and public.loc["2024", "Kvinnor"] == 30
    assert subtraction_attack(public, lines) == {}
    assert linear_attack(public, lines) == {}


def test_households_by_month_with_both_totals():
    """A month × category table with row and column totals: no X comes back by subtraction."""
    interior = pd.DataFrame(
        {"Med barn": [120, 118, 3, 125], "Utan barn": [340, 2, 351, 348], "Okänt": [0, 6, 1, 9]},
        index=["jan", "feb", "mar", "apr"],
    )
    values = with_margins(interior)
    flagged = flag_counts(values, row_total="Totalt", col_total="Totalt")
    public = published(flagged)
    lines = lines_of(values, "Totalt", "Totalt")
    hidden = flagged.suppressed
    assert hidden.loc["feb", "Utan barn"] and hidden.loc["mar", "Med barn"] and hidden.loc["mar", "Okänt"]
    assert not hidden.loc["jan", "Okänt"]  # zero is shown
    assert subtraction_attack(public, lines) == {}
    assert linear_attack(public, lines) == {}
    for r, c in hidden.stack()[hidden.stack()].index:
        other = alternative_table(values, hidden, (r, c), "Totalt", "Totalt")
        assert other.loc[r, c] != values.loc[r, c] and (other >= 0).all().all()
        assert_consistent(other, "Totalt", "Totalt")
        assert agrees_where_shown(other, values, hidden)


def test_line_rule_alone_can_leak_and_the_exact_check_closes_it():
    """Rows r0, r2 minus columns c0, c1 give (r0, c2) back although each line has two X."""
    interior = pd.DataFrame(
        [[3, 2, 2, 5, 6], [6, 20, 3, 5, 2], [5, 1, 5, 6, 0], [40, 0, 0, 0, 20], [10, 40, 8, 6, 3]],
        index=[f"r{i}" for i in range(5)],
        columns=[f"c{j}" for j in range(5)],
    )
    values = with_margins(interior, "T", "S")
    lines = lines_of(values, "T", "S")
    # the pattern the plain line rule stops at
    line_rule_only = values.map(lambda v: "")
    for cell in [
        ("r0", "c0"),
        ("r0", "c1"),
        ("r0", "c2"),
        ("r1", "c2"),
        ("r1", "c4"),
        ("r2", "c0"),
        ("r2", "c1"),
        ("r4", "c2"),
        ("r4", "c4"),
    ]:
        line_rule_only.loc[cell] = PRIMARY
    leaky = FlaggedTable(values, line_rule_only.astype(object))
    assert subtraction_attack(published(leaky), lines) == {}
    assert linear_attack(published(leaky), lines) == {("r0", "c2"): 2.0}

    flagged = flag_counts(values, row_total="T", col_total="S")
    assert linear_attack(published(flagged), lines) == {}


def test_zero_is_not_used_as_protection():
    """Women 3, men 0, unknown 9: hiding the 0 would protect nothing, so the 9 goes."""
    values = pd.DataFrame({"K": [3], "M": [0], "Okänt": [9], "Totalt": [12]}, index=["2026"])
    flagged = flag_counts(values, row_total="Totalt")
    assert flagged.flags.loc["2026"].tolist() == [PRIMARY, "", SECONDARY, ""]


def test_only_the_total_left_is_hidden():
    values = pd.DataFrame({"K": [3, 20], "Totalt": [3, 20]}, index=["a", "b"])
    flagged = flag_counts(values, row_total="Totalt")
    assert flagged.flags.loc["a"].tolist() == [PRIMARY, PRIMARY]
    values = pd.DataFrame({"K": [3, 20], "M": [0, 0], "Totalt": [3, 20]}, index=["a", "b"]).T
    flagged = flag_counts(values, col_total="Totalt")
    assert flagged.flags["a"].tolist() == [PRIMARY, "", PRIMARY]


# --------------------------------------------------------------------------- nested periods (T2 − T1)


def test_t2_minus_t1_does_not_reveal_a_small_part_period():
    """Jan–Apr and Jan–Aug published; May–Aug women = 3 must not be derivable."""
    t1_values = pd.DataFrame({"Kvinnor": [40], "Män": [50], "Totalt": [90]}, index=["2026 T1"])
    t1 = flag_counts(t1_values, row_total="Totalt")
    t2_values = pd.DataFrame({"Kvinnor": [43], "Män": [60], "Totalt": [103]}, index=["2026 T2"])
    t2 = flag_counts(t2_values, row_total="Totalt")
    assert not t2.any_suppressed  # on its own T2 is fine ...
    pub1, pub2 = published(t1), published(t2)
    assert pub2.iloc[0, 0] - pub1.iloc[0, 0] == 3  # ... but T2 − T1 gives the 3 away

    protected, part = protect_nested_periods(t1, t2, row_total="Totalt")
    assert part is None
    assert protected.flags.loc["2026 T2", "Kvinnor"] == SECONDARY  # the later table is the one changed
    pub2 = published(protected)
    may_aug = pub2.to_numpy()[0] - pub1.to_numpy()[0]
    assert math.isnan(may_aug[0])
    # and not through the totals either: May–Aug = (T2 total − T1 total) − May–Aug men
    assert math.isnan(may_aug[1])
    assert linear_attack(pub2, lines_of(pub2, row_total="Totalt")) == {}


def test_earlier_x_is_not_revealed_by_later_minus_published_part():
    """T1 women 3 is X; T2 and the May–Aug table published: T2 − May–Aug must not give 3."""
    t1_values = pd.DataFrame({"K": [3], "M": [50], "Totalt": [53]}, index=["y"])
    t2_values = pd.DataFrame({"K": [13], "M": [60], "Totalt": [73]}, index=["y"])
    t1 = flag_counts(t1_values, row_total="Totalt")
    t2 = flag_counts(t2_values, row_total="Totalt")
    part = flag_counts(t2_values - t1_values, row_total="Totalt")

    def attack(t2_flagged, part_flagged):
        # the three tables as one system of cells (table, column)
        public = pd.DataFrame(
            {name: published(f).loc["y"] for name, f in (("t1", t1), ("t2", t2_flagged), ("part", part_flagged))}
        ).T
        lines = [([(t, "K"), (t, "M")], (t, "Totalt")) for t in ("t1", "t2", "part")]
        lines += [([("t1", c), ("part", c)], ("t2", c)) for c in ("K", "M", "Totalt")]
        return linear_attack(public, lines)

    assert attack(t2, part)[("t1", "K")] == 3  # unprotected, T2 − May–Aug gives T1's X back

    later, part = protect_nested_periods(t1, t2, row_total="Totalt", part=part)
    assert later.suppressed.loc["y", "K"] or part.suppressed.loc["y", "K"]
    assert attack(later, part) == {}


def test_nested_periods_with_several_rows_and_a_mean_row_left_out():
    rows = ["a", "b", "mean"]
    t1_values = pd.DataFrame({"K": [40, 20, 7.5], "M": [50, 30, 8.0], "Totalt": [90, 50, 7.8]}, index=rows)
    t2_values = pd.DataFrame({"K": [60, 22, 7.6], "M": [70, 40, 8.1], "Totalt": [130, 62, 7.9]}, index=rows)
    t1, t2 = FlaggedTable.unflagged(t1_values), FlaggedTable.unflagged(t2_values)
    later, _ = protect_nested_periods(t1, t2, rows=["a", "b"])
    assert later.flags.loc["b", "K"] == SECONDARY  # May–Aug b/K = 2
    assert not later.suppressed.loc["mean"].any()


def test_unprotected_earlier_table_is_refused():
    t1 = FlaggedTable(
        pd.DataFrame({"K": [3], "M": [50], "T": [53]}),
        pd.DataFrame({"K": [PRIMARY], "M": [""], "T": [""]}, dtype=object),
    )
    t2 = FlaggedTable.unflagged(pd.DataFrame({"K": [13], "M": [60], "T": [73]}))
    with pytest.raises(RuntimeError):
        protect_nested_periods(t1, t2, row_total="T")


# --------------------------------------------------------------------------- property


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    cell = st.one_of(st.integers(0, 4), st.integers(0, 60))
    interior = pd.DataFrame(
        [[draw(cell) for _ in range(n_cols)] for _ in range(n_rows)],
        index=[f"r{i}" for i in range(n_rows)],
        columns=[f"c{j}" for j in range(n_cols)],
    )
    margins = draw(st.sampled_from(["both", "rows", "columns"]))
    row_total = "T" if margins in ("both", "rows") else None
    col_total = "S" if margins in ("both", "columns") else None
    return with_margins(interior, row_total, col_total), row_total, col_total


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables())
def test_property_no_line_with_a_lone_x_and_all_small_counts_flagged(case):
    values, row_total, col_total = case
    flagged = flag_counts(values, row_total=row_total, col_total=col_total)
    hidden = flagged.suppressed
    small = values.map(is_small_count).to_numpy(bool)
    primary = (flagged.flags == PRIMARY).to_numpy()
    assert (primary == small).all()
    lines = lines_of(values, row_total, col_total)
    for parts, total in lines:
        assert sum(bool(hidden.loc[c]) for c in [*parts, total]) != 1
    public = published(flagged)
    assert subtraction_attack(public, lines) == {}
    assert linear_attack(public, lines) == {}
    # whole numbers ≥ 0 cannot pin an X either: another table fits every published figure
    for cell in hidden.stack()[hidden.stack()].index:
        if values.loc[cell] == 0:
            continue
        other = alternative_table(values, hidden, cell, row_total, col_total)
        assert (other >= 0).all().all() and other.loc[cell] != values.loc[cell]
        assert_consistent(other, row_total, col_total)
        assert agrees_where_shown(other, values, hidden)


# --------------------------------------------------------------------------- means


def test_flag_means_base_four_hidden_base_five_shown_base_zero_missing():
    means = pd.DataFrame({"kr/vårddygn": [4100.0, 3900.0, math.nan, 2500.0]}, index=["a", "b", "c", "d"])
    bases = pd.DataFrame({"kr/vårddygn": [4, 5, 0, math.nan]}, index=["a", "b", "c", "d"])
    flagged = flag_means(means, bases)
    display = flagged.to_display(lambda v, column: format_number(v, "kr/vårddygn"))
    assert display["kr/vårddygn"].tolist()[:3] == ["X", "3\u00a0900", MISSING_MARK]
    assert display.loc["d", "kr/vårddygn"] == "X"  # unknown base: nobody vouches for it
    with pytest.raises(ValueError):
        flag_means(means, bases, min_base=3)


# --------------------------------------------------------------------------- key figures


def key_table(rows: dict[str, tuple]) -> pd.DataFrame:
    """measure -> (value, unit, base); bases of counts default to the value."""
    records = []
    for measure, (value, unit, *base) in rows.items():
        records.append(
            {
                "measure": measure,
                "value": value,
                "unit": unit,
                "label_sv": measure,
                "base": base[0] if base else (value if unit in ("hushåll", "personer", "insatser") else None),
            }
        )
    return pd.DataFrame(records, columns=["measure", "value", "unit", "label_sv", "base"])


def suppressed_measures(out: pd.DataFrame) -> set[str]:
    return set(out.loc[out["suppressed"], "measure"])


def test_key_figures_women_three_of_hundred_hides_men_not_total():
    table = key_table(
        {
            "eb_households": (100, "hushåll"),
            "eb_households_applicant_women": (3, "hushåll"),
            "eb_households_applicant_men": (97, "hushåll"),
            "eb_kr_per_household": (41000.0, "kr/hushåll", 100),
        }
    )
    out = suppress_key_figures(table)
    assert list(out.columns) == ["measure", "value", "unit", "label_sv", "base", "suppressed"]
    assert suppressed_measures(out) == {"eb_households_applicant_women", "eb_households_applicant_men"}
    assert out.set_index("measure").loc["eb_households", "value"] == 100
    assert out.set_index("measure").loc["eb_households_applicant_men", "value"] is None
    assert table["value"].tolist()[2] == 97  # input untouched


def test_key_figures_small_unknown_applicant_sex_hides_the_smaller_sex():
    table = key_table(
        {
            "eb_households": (100, "hushåll"),
            "eb_households_applicant_women": (40, "hushåll"),
            "eb_households_applicant_men": (57, "hushåll"),
        }
    )
    assert suppressed_measures(suppress_key_figures(table)) == {"eb_households_applicant_women"}


def test_key_figures_means_by_base_and_zero_shown():
    table = key_table(
        {
            "kr_per_care_day_children_external": (4200.0, "kr/vårddygn", 4),
            "kr_per_care_day_adults_external": (3100.0, "kr/vårddygn", 5),
            "eb_households_with_children": (0, "hushåll"),
            "care_days_protected_housing": (0, "vårddygn", 0),
        }
    )
    out = suppress_key_figures(table).set_index("measure")
    assert out.loc["kr_per_care_day_children_external", "suppressed"]
    assert out.loc["kr_per_care_day_children_external", "value"] is None
    assert not out.loc["kr_per_care_day_adults_external", "suppressed"]
    assert out.loc["eb_households_with_children", "value"] == 0 and not out["suppressed"].iloc[2:].any()


def test_key_figures_persons_chain_and_shares():
    table = key_table(
        {
            "eb_persons": (250, "personer"),
            "eb_adults": (160, "personer"),
            "eb_adults_women": (157, "personer"),
            "eb_adults_men": (3, "personer"),
            "eb_children": (90, "personer"),
            "children_interventions": (80, "insatser"),
            "children_interventions_placements": (2, "insatser"),
            "children_interventions_open_care": (78, "insatser"),
            "children_interventions_placement_share": (2.5, "procent", 80),
            "eb_long_term_share": (3.125, "procent", 160),  # 5 of 160: shown
        }
    )
    out = suppress_key_figures(table)
    hidden = suppressed_measures(out)
    assert {"eb_adults_men", "eb_adults_women"} <= hidden
    assert {
        "children_interventions_placements",
        "children_interventions_open_care",
        "children_interventions_placement_share",
    } <= hidden
    assert {"eb_persons", "eb_adults", "eb_children", "children_interventions", "eb_long_term_share"}.isdisjoint(hidden)
    long_term_two = key_table({"eb_long_term_share": (1.25, "procent", 160)})  # 2 of 160 adults
    assert suppressed_measures(suppress_key_figures(long_term_two)) == {"eb_long_term_share"}


def test_key_figure_groups_and_shares_name_real_measures():
    """A renamed measure would silently drop out of the secondary suppression."""
    from snanalys.measures.catalog import BY_ID

    named = [m for g in KEY_FIGURE_GROUPS for m in (g.total, *g.parts)]
    named += [m for s in KEY_FIGURE_SHARES for m in (s.share, s.numerator, s.denominator) if m]
    for measure in named:
        assert BY_ID[measure].key_figure, measure
    assert {s.share for s in KEY_FIGURE_SHARES} == {
        "children_interventions_placement_share",
        "eb_long_term_share",
        "eb_persons_share_of_inhabitants",
    }


def test_key_figures_one_period_at_a_time():
    table = key_table({"eb_households": (100, "hushåll")})
    with pytest.raises(ValueError):
        suppress_key_figures(pd.concat([table, table], ignore_index=True))


def test_a_rounded_cell_reads_ca_and_is_not_drawn_nor_lent_to_other_values():
    import pandas as pd

    from snanalys.suppression import ROUNDED, SECONDARY, FlaggedTable

    values = pd.DataFrame({"Kvinnor": [800.0, 3.0], "Män": [12.0, 40.0]}, index=["2025", "2024"])
    flags = pd.DataFrame({"Kvinnor": [ROUNDED, SECONDARY], "Män": ["", ""]}, index=values.index)
    table = FlaggedTable(values, flags)
    shown = table.to_display(lambda v, column: f"{v:.0f}")
    assert shown.loc["2025", "Kvinnor"] == "ca\u00a0800" and shown.loc["2024", "Kvinnor"] == "X"
    assert table.any_rounded and table.any_suppressed
    assert pd.isna(table.public_values().loc["2025", "Kvinnor"])  # a chart cannot draw "about"
    days = table.with_values(values * 30)  # other cells: the rounding is the persons' own
    assert days.to_display(lambda v, column: f"{v:.0f}").loc["2025", "Kvinnor"] == "X"
