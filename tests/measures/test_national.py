"""Key figures of all municipalities at once against the brute-force oracle; the country's rules.

One code path (the facts and the declared measures) gives one municipality's figures and
everyone's; here the oracle (tests/oracle.py, plain loops) checks it municipality by
municipality and for the country. The data are synthetic municipalities from ``benchmarks/scale.py`` (with movers:
persons with the same personnummer in two municipalities) plus one municipality edited
to hold what the generator never makes (a person in two roles, two applicants at once,
an applicant turning 18 within the year, members joining and leaving within the period,
an early extract date, a same-day spell, a household paid only negatively, a year
without population) and one without any case at all.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from snanalys import codes
from snanalys.data import Extract, load_municipality, municipality_dirs
from snanalys.measures.catalog import MEASURES
from snanalys.measures.engine import evaluate, split_dims
from snanalys.measures.facts import COUNTRY, build_facts
from snanalys.measures.scopes import SCOPES
from snanalys.measures.tables import OUTPUT_COLUMNS, key_figures_all, measure_table
from snanalys.periods import tertial_alone, year_to_date

import oracle

ROOT = Path(__file__).resolve().parents[2]
PERIODS = [year_to_date(y, t) for y in (2024, 2025) for t in (1, 2, 3)] + [tertial_alone(2025, 2)]
EDGE, EMPTY = "9998", "9999"  # the edited municipality and the one without cases
ADDITIVE = (
    "eb_paid_kr",
    "care_days_children",
    "care_days_adults_external",
    "care_days_protected_housing",
    "children_interventions",
    "children_interventions_placements",
    "children_interventions_open_care",
    "population",
)


def _write_scaled():
    spec = importlib.util.spec_from_file_location("snanalys_bench_scale", ROOT / "benchmarks" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.write_scaled


def _rekey(keys: pd.Series, salt: str) -> pd.Series:
    return keys.map(lambda k: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest()[:16]).astype(keys.dtype)


def _edited_copy(processed: Path, source: str, code: str) -> None:
    """``source`` copied as ``code`` (persons re-keyed, so not shared), then edited into the rare cases."""
    folder = processed / code
    shutil.copytree(processed / source, folder)
    tables = {
        name: pd.read_parquet(folder / f"{name}.parquet")
        for name in ("payments", "household_members", "placements", "placement_costs", "interventions", "population")
    }
    for frame in tables.values():
        frame["municipality_code"] = code
    for name in ("household_members", "placements", "interventions"):
        tables[name]["person_key"] = _rekey(tables[name]["person_key"], code)

    pay, members = tables["payments"], tables["household_members"]
    paid_t2 = pay.loc[pay["payment_date"].between("2025-01-01", "2025-08-31") & (pay["amount_kr"] > 0), "household_key"]
    m = members[members["household_key"].isin(paid_t2.unique()) & members["valid_to"].isna()]
    children = m[m["role"] == codes.ROLE_CHILD]
    applicants = m[m["role"] == codes.ROLE_APPLICANT]
    # A person in two households in two roles: a child here, the applicant of another household.
    child = children.index[0]
    other = applicants[applicants["household_key"] != members.at[child, "household_key"]].index[0]
    members.at[child, "person_key"] = members.at[other, "person_key"]
    # The same for a person adult in both households with two reasons, one of them unemployment.
    adults = m[m["role"].isin(codes.ADULT_ROLES) & (m["reason"] == codes.REASON_UNEMPLOYED)]
    first = adults.index[0]
    second = adults[adults["household_key"] != adults.at[first, "household_key"]].index[0]
    members.at[second, "person_key"] = members.at[first, "person_key"]
    members.at[second, "reason"] = "SJUKSKRIVEN"
    # Two applicants on record at once (the later row decides the applicant's sex) and an adult without reason.
    twin = members.loc[[applicants.index[1]]].copy()
    twin["person_key"] = "f" * 16
    twin["legal_sex"] = "M" if twin["legal_sex"].iloc[0] == "K" else "K"
    members = pd.concat([members, twin], ignore_index=True)
    members.loc[members.index[members["role"] == codes.ROLE_CO_APPLICANT][:5], "reason"] = None
    # A child who turns 18 on the household's first payment of 2025 (a child in 2024, not in 2025).
    day = pay.loc[pay["household_key"] == children["household_key"].iloc[1], "payment_date"]
    day = day[day.between("2025-01-01", "2025-08-31")].min()
    members.loc[members.index[members["person_key"] == children["person_key"].iloc[1]], "birth_date"] = (
        day - pd.DateOffset(years=18)
    )
    # An applicant who turns 18 in June 2025 (adult months from June only), a member who joins and
    # one who leaves their household within the period.
    members.loc[applicants.index[2], "birth_date"] = pd.Timestamp("2007-06-15")
    members.loc[applicants.index[3], "valid_from"] = pd.Timestamp("2025-03-10")
    members.loc[applicants.index[4], "valid_to"] = pd.Timestamp("2025-03-10")
    tables["household_members"] = members
    # A household paid only negatively in the period (kronor, but no household).
    refund = pay.iloc[[0]].copy()
    refund[["household_key", "payment_date", "amount_kr"]] = ["e" * 16, pd.Timestamp("2025-03-03"), -900.0]
    tables["payments"] = pd.concat([pay, refund], ignore_index=True)
    # A same-day spell of a child in external HVB, with an invoice.
    spells = tables["placements"]
    same_day = spells.iloc[[0]].copy()
    same_day[["placement_key", "target_group", "form", "provider_type", "start_date", "end_date"]] = [
        "d" * 16,
        codes.TARGET_CHILDREN,
        codes.FORM_HVB,
        codes.PROVIDER_EXTERNAL,
        pd.Timestamp("2025-04-04"),
        pd.Timestamp("2025-04-04"),
    ]
    tables["placements"] = pd.concat([spells, same_day], ignore_index=True)
    invoice = tables["placement_costs"].iloc[[0]].copy()
    invoice[["placement_key", "care_month", "amount_kr"]] = ["d" * 16, pd.Timestamp("2025-04-01"), 4_321.0]
    tables["placement_costs"] = pd.concat([tables["placement_costs"], invoice], ignore_index=True)
    # No population for 2024.
    tables["population"] = tables["population"][tables["population"]["year"] != 2024]
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    meta = json.loads((folder / "extract.json").read_text(encoding="utf-8"))
    meta.update(municipality_code=code, extract_date="2025-06-15", covered_through="2025-05-31")
    (folder / "extract.json").write_text(json.dumps(meta), encoding="utf-8")


def _emptied_copy(processed: Path, source: str, code: str) -> None:
    """``source`` copied as ``code`` with no payments, members, spells, invoices or interventions."""
    shutil.copytree(processed / source, processed / code)
    for name in ("payments", "household_members", "placements", "placement_costs", "interventions", "population"):
        path = processed / code / f"{name}.parquet"
        frame = pd.read_parquet(path)
        frame = frame.assign(municipality_code=code) if name == "population" else frame.iloc[:0]
        frame.to_parquet(path, index=False)
    meta = json.loads((processed / code / "extract.json").read_text(encoding="utf-8"))
    (processed / code / "extract.json").write_text(json.dumps(meta | {"municipality_code": code}), encoding="utf-8")


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    from snanalys.ingest import ingest_all

    data = tmp_path_factory.mktemp("national")
    _write_scaled()(data / "raw", 4, 3, payment_rows=24_000)
    ingest_all(data / "raw", data / "processed")
    _edited_copy(data / "processed", "0480", EDGE)
    _emptied_copy(data / "processed", "0114", EMPTY)
    return data / "processed"


@pytest.fixture(scope="module")
def codes_in(processed) -> list[str]:
    return [d.name for d in municipality_dirs(processed)]


@pytest.fixture(scope="module")
def all_figures(processed):
    return {p.label: key_figures_all(processed, p) for p in PERIODS}


def _in_scope(placements: pd.DataFrame, scope) -> pd.DataFrame:
    return placements[
        placements["target_group"].isin(scope.target_groups)
        & placements["form"].isin(scope.forms)
        & placements["provider_type"].isin(scope.provider_types)
    ]


def _oracle_figures(data, period) -> dict[str, float]:
    """The oracle's reading of one municipality's data."""
    start, end = period.start, period.end
    payments, members = data.payments, data.members
    people = oracle.persons(payments, members, start, end)
    figures = {
        "eb_households": oracle.households(payments, start, end),
        "eb_paid_kr": oracle.paid_kr(payments, start, end),
        "eb_households_per_month": oracle.households_per_month_mean(payments, period.months()),
        "eb_households_with_children": oracle.households_with_children(payments, members, start, end),
        "eb_persons": len(people),
        "eb_adults": sum(adult for adult, _ in people.values()),
        "eb_adults_women": sum(adult and sex == "K" for adult, sex in people.values()),
        "eb_children": sum(not adult for adult, _ in people.values()),
    }
    extract = data.extract.extract_date
    for name, measure in (
        ("children", "care_days_children"),
        ("adults_external", "care_days_adults_external"),
        ("protected_housing", "care_days_protected_housing"),
    ):
        figures[measure] = oracle.care_days(_in_scope(data.placements, SCOPES[name]), start, end, extract)
    if period.months() == year_to_date(start.year, 3).months():
        share = oracle.long_term_share(payments, members, start.year)
        figures["eb_long_term_share"] = 100 * share
    return figures


@pytest.mark.parametrize("period", PERIODS, ids=[p.label for p in PERIODS])
def test_every_municipality_equals_the_oracle(period, processed, all_figures, codes_in):
    figures = all_figures[period.label]
    assert list(figures.columns) == OUTPUT_COLUMNS
    assert list(figures["municipality_code"].unique()) == [COUNTRY, *codes_in]
    values = figures.pivot(index="municipality_code", columns="measure", values="value")
    for code in codes_in:
        expected = _oracle_figures(load_municipality(processed, code), period)
        for measure, value in expected.items():
            got = values.loc[code, measure]
            assert (np.isnan(got) and value != value) or got == pytest.approx(value, rel=1e-9), (code, measure)


@pytest.mark.parametrize("period", [year_to_date(2025, 2), year_to_date(2024, 3)], ids=["2025-T2", "2024-T3"])
def test_one_municipality_is_the_same_cells_as_all_of_them(period, processed, all_figures, codes_in):
    """``measure_table`` (a report's path) and ``key_figures_all`` are the same evaluation."""
    figures = all_figures[period.label]
    for code in codes_in:
        one = measure_table(load_municipality(processed, code), period).reset_index(drop=True)
        many = figures[figures["municipality_code"] == code].drop(columns="municipality_code").reset_index(drop=True)
        pd.testing.assert_frame_equal(one[["measure", "unit", "label_sv"]], many[["measure", "unit", "label_sv"]])
        for column in ("value", "base"):
            a, b = one[column].to_numpy(float), many[column].to_numpy(float)
            # sums in another order differ in the last bits only
            assert (np.isclose(a, b, rtol=1e-12, atol=0) | (np.isnan(a) & np.isnan(b))).all(), (code, column)


@pytest.mark.parametrize("by", [(), ("sex",), ("month",), ("form",)], ids=["total", "sex", "month", "form"])
def test_several_periods_in_one_pass_are_each_period_alone(processed, by):
    """The facts of January–August of three years in one pass (a report's pages) give each year's
    cells exactly as the facts of that year alone, for every municipality and the country."""
    dirs = municipality_dirs(processed)
    extracts = [Extract.from_json(d / "extract.json") for d in dirs]
    periods = [year_to_date(year, 2) for year in (2023, 2024, 2025)]
    ids = [m.id for m in MEASURES if m.kind != "table" and not m.full_year_only and set(by) <= split_dims(m)]
    with build_facts(dirs, extracts, periods, country=True) as facts:
        together = evaluate(facts, ids, by)
    assert set(together["period"]) == {0, 1, 2}
    keys = ["municipality_code", "measure", *by]
    for index, period in enumerate(periods):
        with build_facts(dirs, extracts, period, country=True) as facts:
            alone = evaluate(facts, ids, by).drop(columns="period")
        mine = together[together["period"] == index].drop(columns="period")
        left, right = (f.sort_values(keys, kind="stable").reset_index(drop=True) for f in (mine, alone))
        pd.testing.assert_frame_equal(left[keys].astype(str), right[keys].astype(str))
        for column in ("value", "base"):
            a, b = left[column].to_numpy(float), right[column].to_numpy(float)
            assert (np.isclose(a, b, rtol=1e-12, atol=0) | (np.isnan(a) & np.isnan(b))).all(), (period.label, column)


def test_facts_of_one_pass_have_one_shape():
    with pytest.raises(ValueError, match="one length"):
        build_facts([], [], [year_to_date(2025, 2), year_to_date(2025, 3)])


def test_the_rare_cases_are_in_the_data(all_figures):
    """The edited and the empty municipality are what they are meant to be."""
    v25 = all_figures["2025-T2"].set_index(["municipality_code", "measure"])
    v24 = all_figures["2024-T2"].set_index(["municipality_code", "measure"])
    assert np.isnan(v24.loc[(EDGE, "population"), "value"]) and not np.isnan(v25.loc[(EDGE, "population"), "value"])
    empty = all_figures["2025-T3"].set_index(["municipality_code", "measure"])
    assert empty.loc[(EMPTY, "eb_households"), "value"] == 0
    assert np.isnan(empty.loc[(EMPTY, "eb_kr_per_household"), "value"])
    assert empty.loc[(EMPTY, "eb_households_per_month"), "base"] == 0


def test_country_sums_equal_the_sum_of_municipalities(all_figures):
    for label, figures in all_figures.items():
        values = figures.pivot(index="municipality_code", columns="measure", values="value")
        country, municipalities = values.loc[COUNTRY], values.drop(index=COUNTRY)
        for measure in ADDITIVE:
            assert country[measure] == pytest.approx(municipalities[measure].sum(), rel=1e-12), (label, measure)


def test_country_counts_persons_and_applicants_once(processed, codes_in, all_figures):
    """Persons by national key, households by applicant, on the movers of the generated data."""
    period = year_to_date(2025, 2)
    persons, households = set(), set()
    for code in codes_in:
        data = load_municipality(processed, code)
        persons |= set(oracle.persons(data.payments, data.members, period.start, period.end))
        applicant = oracle.applicants(data.payments, data.members, period.start, period.end)
        households |= {person or f"{code}:{h}" for h, person in applicant.items()}
    values = all_figures[period.label].pivot(index="municipality_code", columns="measure", values="value")
    assert values.loc[COUNTRY, "eb_persons"] == len(persons)
    assert values.loc[COUNTRY, "eb_households"] == len(households)
    # The movers make the sum of municipalities exceed the country.
    municipalities = values.drop(index=COUNTRY)
    assert municipalities["eb_persons"].sum() > len(persons)
    assert municipalities["eb_households"].sum() > len(households)


# --- the country's rules on a hand-made case ---------------------------------------------------------


def _write(root: Path, code: str, *, payments=(), members=(), spells=(), extract="2026-01-10") -> None:
    """A processed folder with the tables ``key_figures_all`` reads."""
    folder = root / code
    folder.mkdir(parents=True)
    ts = pd.to_datetime

    def text(values) -> pd.Series:
        return pd.Series(list(values), dtype="str")

    frames = {
        "payments": pd.DataFrame(
            {
                "household_key": text(p[0] for p in payments),
                "payment_date": ts([p[1] for p in payments]),
                "amount_kr": pd.Series([p[2] for p in payments], dtype="float64"),
            }
        ),
        "household_members": pd.DataFrame(
            {
                "household_key": text(r[0] for r in members),
                "person_key": text(r[1] for r in members),
                "role": text(r[2] for r in members),
                "legal_sex": text(r[3] for r in members),
                "birth_date": ts([r[4] for r in members]),
                "reason": text(codes.REASON_UNEMPLOYED for _ in members),
                "valid_from": ts(["2020-01-01"] * len(members)),
                "valid_to": ts([None] * len(members)),
            }
        ),
        "placements": pd.DataFrame(
            {
                "placement_key": text(s[0] for s in spells),
                "person_key": text(s[1] for s in spells),
                "legal_sex": text("K" for _ in spells),
                "target_group": text(codes.TARGET_CHILDREN for _ in spells),
                "form": text(codes.FORM_HVB for _ in spells),
                "provider_type": text(codes.PROVIDER_EXTERNAL for _ in spells),
                "start_date": ts([s[2] for s in spells]),
                "end_date": ts([s[3] for s in spells]),
            }
        ),
        "placement_costs": pd.DataFrame(
            {
                "placement_key": text(s[0] for s in spells),
                "care_month": ts([s[2][:8] + "01" for s in spells]),
                "amount_kr": pd.Series([1000.0] * len(spells), dtype="float64"),
            }
        ),
        "interventions": pd.DataFrame(
            {
                "intervention_key": text(["i1"]),
                "person_key": text(["c"]),
                "kind": text([codes.INTERVENTION_PLACEMENT]),
                "start_date": ts(["2025-01-01"]),
                "end_date": ts([None]),
            }
        ),
        "population": pd.DataFrame({"year": [2025], "inhabitants": [10_000]}),
    }
    for name, frame in frames.items():
        frame.insert(0, "municipality_code", pd.Series([code] * len(frame), dtype="str"))
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    meta = {
        "municipality_code": code,
        "extract_date": extract,
        "data_from": "2020-01-01",
        "covered_through": "2025-12-31",
        "synthetic": True,
    }
    (folder / "extract.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.fixture(scope="module")
def movers(tmp_path_factory):
    """Applicant A and child C move from 0001 (Jan–May) to 0002 (Jun–Oct); P is placed in both.

    0002 also has a household with the key "a1" that 0001 uses, of another applicant B,
    and each municipality a household "x9" without applicant on record.
    """
    root = tmp_path_factory.mktemp("movers")
    a, c, b = ("A", "K", "1980-05-05"), ("C", "M", "2015-05-05"), ("B", "M", "1975-05-05")
    _write(
        root,
        "0001",
        payments=[("a1", f"2025-{m:02d}-10", 5000) for m in range(1, 6)] + [("x9", "2025-04-20", 700)],
        members=[("a1", a[0], codes.ROLE_APPLICANT, *a[1:]), ("a1", c[0], codes.ROLE_CHILD, *c[1:])],
        spells=[("p1", "P", "2025-01-01", "2025-01-11")],
    )
    _write(
        root,
        "0002",
        payments=[("b1", f"2025-{m:02d}-10", 6000) for m in range(6, 11)]
        + [("a1", "2025-03-15", 3000), ("x9", "2025-04-20", 800)],
        members=[
            ("b1", a[0], codes.ROLE_APPLICANT, *a[1:]),
            ("b1", c[0], codes.ROLE_CHILD, *c[1:]),
            ("a1", b[0], codes.ROLE_APPLICANT, *b[1:]),
        ],
        spells=[("p1", "P", "2025-02-01", "2025-02-21")],
    )
    figures = key_figures_all(root, year_to_date(2025, 3))
    return figures.set_index(["municipality_code", "measure"])


def test_a_household_whose_applicant_moved_counts_once_in_the_country(movers):
    v = movers["value"]
    assert (v["0001", "eb_households"], v["0002", "eb_households"], v[COUNTRY, "eb_households"]) == (2, 3, 4)
    assert v[COUNTRY, "eb_households_with_children"] == 1
    assert (v[COUNTRY, "eb_households_applicant_women"], v[COUNTRY, "eb_households_applicant_men"]) == (1, 1)
    assert v[COUNTRY, "eb_kr_per_household"] == pytest.approx((5 * 5000 + 700 + 5 * 6000 + 3000 + 800) / 4)
    # Per month: A alone, A and B in March, A and both x9 in April; nobody in November–December.
    assert v[COUNTRY, "eb_households_per_month"] == pytest.approx((1 + 1 + 2 + 3 + 1 + 1 + 1 + 1 + 1 + 1) / 12)
    assert movers.loc[(COUNTRY, "eb_households_per_month"), "base"] == 0


def test_a_person_in_two_municipalities_counts_once_in_the_country(movers):
    v = movers["value"]
    assert (v["0001", "eb_persons"], v["0002", "eb_persons"], v[COUNTRY, "eb_persons"]) == (2, 3, 3)
    assert (v[COUNTRY, "eb_adults"], v[COUNTRY, "eb_children"]) == (2, 1)
    assert (v["0001", "children_placed"], v["0002", "children_placed"], v[COUNTRY, "children_placed"]) == (1, 1, 1)
    # A has assistance 5 months in each municipality: long-term only in the country.
    assert (v["0001", "eb_long_term_share"], v["0002", "eb_long_term_share"]) == (0, 0)
    assert v[COUNTRY, "eb_long_term_share"] == pytest.approx(50.0)
    assert movers.loc[(COUNTRY, "eb_long_term_share"), "base"] == 2


def test_country_care_days_and_costs_are_sums(movers):
    v = movers["value"]
    assert (v["0001", "care_days_children"], v["0002", "care_days_children"]) == (10, 20)
    assert v[COUNTRY, "care_days_children"] == 30
    assert v[COUNTRY, "kr_per_care_day_children_external"] == pytest.approx((1000 + 1000) / 30)
    assert v[COUNTRY, "population"] == 20_000
    assert v[COUNTRY, "eb_persons_share_of_inhabitants"] == pytest.approx(100 * 3 / 20_000)


def test_only_the_chosen_municipalities(tmp_path):
    _write(tmp_path, "0003", payments=[("h", "2025-02-02", 100)])
    _write(tmp_path, "0004", payments=[("h", "2025-02-02", 200)])
    figures = key_figures_all(tmp_path, year_to_date(2025, 1), municipalities=["0004"])
    assert set(figures["municipality_code"]) == {COUNTRY, "0004"}
    paid = figures[figures["measure"] == "eb_paid_kr"].set_index("municipality_code")["value"]
    assert paid[COUNTRY] == paid["0004"] == 200


def test_a_planned_end_after_the_extract_date_counts_up_to_the_extract_date(tmp_path):
    """A departure after the extract date is planned, the spell open."""
    _write(tmp_path, "0003", spells=[("p9", "Q", "2025-10-01", "2026-01-20")], extract="2025-10-15")
    v = key_figures_all(tmp_path, year_to_date(2025, 3)).set_index(["municipality_code", "measure"])["value"]
    assert v["0003", "care_days_children"] == 15  # Oct 1 … 15, not Oct 1 … Dec 31 (92)
