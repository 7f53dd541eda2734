"""Key figures of one period for every municipality and for the country, in one DuckDB pass.

A county or national follow-up needs the key figures of all 290 municipalities at once;
calling :func:`~snanalys.metrics.key_figures.key_figures` per municipality reads and
joins every table 290 times in pandas. :func:`key_figures_all` reads the processed
Parquet files of all municipalities in one query per table (only the columns and,
where the files allow, the rows of the period), groups by municipality in SQL and
returns the same measures, units, Swedish labels and ``base`` as ``key_figures()``
(without the economy rows ``economy_*``/``cost_*``, which come from each committee's
own ledger and budget). ``tests/metrics/test_national.py`` holds the two equal,
municipality by municipality.

Each municipality's figures follow the definitions of :mod:`economic_assistance`,
:mod:`placements` and :mod:`care_days` exactly, including which row a person's role
and sex are read from (the first of their membership rows valid at a payment, in the
order of the payment and member files) and the applicant of a household (the one on
record at its latest positive payment that has an applicant). Open placement spells
count up to the municipality's own extract date (its ``extract.json``).

The country (``municipality_code`` "0000", Kolada's code for Riket) is the total over
the municipalities read:

* kronor, care days, invoiced kronor, interventions and inhabitants are sums;
* persons (members, adults, children, the unemployed, persons placed, long-term
  recipients) are counted once nationally by ``person_key``, which is national. A
  person's role and sex nationally are those of their first row in the municipality
  with the lowest code; a long-term recipient nationally has assistance in 10–12
  distinct months of the year in any municipalities together;
* households are counted once nationally, although household keys are scoped per
  municipality: a household is identified nationally by its **applicant** — the
  ``person_key`` of the applicant (role SOKANDE) on record at the household's latest
  positive payment in the period that has one, the same applicant whose sex counts
  in the applicant-sex rows — so a household whose applicant moved, or that got a
  new household key, counts once. A household with no applicant on record keeps its
  own (municipality, household key) identity. The same identity counts households
  with children, by applicant sex (the sex recorded at the latest such payment) and
  per month;
* kronor per household = national kronor / national households, kronor per care day
  = national invoiced kronor / national care days, and so on for every ratio.

Hence the sum of the municipalities can exceed the country for every count of persons
or households (a mover counts in both municipalities, once in the country).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

from snanalys import codes
from snanalys.data import DataNotFoundError, Extract, municipality_dirs
from snanalys.metrics.key_figures import CATALOG, COLUMNS, fill_base, is_full_year
from snanalys.metrics.placements import SCOPES, Scope
from snanalys.periods import Period

COUNTRY = "0000"  # Kolada's municipality code for the whole country (Riket)

OUTPUT_COLUMNS = ["municipality_code", *COLUMNS]

_EPOCH = dt.date(1970, 1, 1)


# --- SQL text ---------------------------------------------------------------------------------------


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _in(column: str, values: Iterable[str]) -> str:
    """``column IN (...)`` that is false, never NULL, for a missing value (as pandas ``isin``)."""
    return f"coalesce({column} IN ({', '.join(_literal(v) for v in values)}), false)"


def scope_predicate(scope: Scope) -> str:
    """The SQL condition selecting a placement in ``scope`` (the same sets as :meth:`Scope.select`)."""
    return " AND ".join(
        [_in("target_group", scope.target_groups), _in("form", scope.forms), _in("provider_type", scope.provider_types)]
    )


def _timestamp(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _files(dirs: list[Path], table: str) -> str:
    return "[" + ", ".join(_literal(str(d / f"{table}.parquet")) for d in dirs) + "]"


def _ymd(day: str) -> str:
    return f"(year({day}) * 10000 + month({day}) * 100 + day({day}))"


def _at_least_18(birth: str, day: str) -> str:
    """Aged 18 or more in completed years on ``day`` (the birthday counts on the day itself), as ``_age_at``.

    With dates as numbers YYYYMMDD the completed years are the difference's ten-thousands.
    """
    return f"({_ymd(day)} - {_ymd(birth)} >= 180000)"


# --- the pass ---------------------------------------------------------------------------------------


def key_figures_all(
    processed_root: Path, period: Period, *, municipalities: Iterable[str] | None = None
) -> pd.DataFrame:
    """The key figures of ``period`` for every municipality of ``processed_root`` and the country ("0000").

    Long format: ``municipality_code, measure, value, unit, label_sv, base``, one block per
    municipality (by code, the country first), measures in the order of ``key_figures()``.
    ``municipalities`` limits the pass (and so the country's total) to those codes.
    Whether each extract covers the period is the caller's question, as for ``key_figures()``.
    """
    dirs = municipality_dirs(Path(processed_root))
    if municipalities is not None:
        wanted = {str(code) for code in municipalities}
        missing = wanted - {d.name for d in dirs}
        if missing:
            raise DataNotFoundError(
                f"no processed data for municipality {', '.join(sorted(missing))} in {processed_root}"
            )
        dirs = [d for d in dirs if d.name in wanted]
    if not dirs:
        raise DataNotFoundError(f"no processed data in {processed_root}: run `snanalys ingest`")
    extracts = [Extract.from_json(d / "extract.json") for d in dirs]
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        wide = _wide(con, dirs, extracts, period)
    finally:
        con.close()
    return _long(wide, period)


#: Columns of the wide frame whose country value is the sum of the municipalities'. Inhabitants
#: stay missing where a municipality (or every municipality) has no row of the year.
_ADDITIVE = ("paid_kr", "days_", "cost_", "interventions_", "inhabitants")


def _wide(con, dirs: list[Path], extracts: list[Extract], period: Period) -> pd.DataFrame:
    """One row per municipality and one for the country: the parts every measure is made of."""
    codes_ = [COUNTRY, *sorted(e.municipality_code for e in extracts)]
    wide = pd.DataFrame(index=pd.Index(codes_, name="m"))
    # The two statements side by side: each leaves a core idle at times (small files, the
    # end of a hash aggregate), which the other fills.
    placements = con.cursor()
    with ThreadPoolExecutor(max_workers=1) as pool:
        care = pool.submit(lambda: placements.execute(_placements_sql(dirs, extracts, period)).df())
        assistance = con.execute(_economic_assistance_sql(dirs, period)).df()
        parts = [assistance, care.result()]
    placements.close()
    for part in parts:
        wide = wide.join(part.set_index("m"))
    months = [f"month_{i}" for i in range(len(period.months()))]
    counts = wide.columns.drop("inhabitants")
    wide[counts] = wide[counts].astype("float64").fillna(0.0)
    # The country's sums; the statements count only what is counted once nationally.
    wide["inhabitants"] = wide["inhabitants"].astype("float64")
    additive = [c for c in wide.columns if c.startswith(_ADDITIVE)]
    wide.loc[COUNTRY, additive] = wide.loc[wide.index != COUNTRY, additive].sum(min_count=1)
    # "Hushåll i genomsnitt per månad": the mean over every month of the period, its base the least month.
    wide["per_month_mean"] = wide[months].mean(axis=1)
    wide["per_month_min"] = wide[months].min(axis=1)
    return wide.drop(columns=months)


def _sex_code(column: str) -> str:
    """1 = K, 2 = M, 0 = another value, NULL = missing (which pandas' ``last()`` skips)."""
    return f"(CASE WHEN {column} IS NULL THEN NULL WHEN {column} = 'K' THEN 1 WHEN {column} = 'M' THEN 2 ELSE 0 END)"


def _economic_assistance_sql(dirs: list[Path], period: Period) -> str:
    """Households, persons and kronor per municipality, and households and persons once nationally.

    ``at_payments`` holds what ``_members_at_payments`` holds, reduced to flags: the member rows
    valid at a positive payment of their household. A member valid over the household's whole
    span of payments (most are) takes one row standing for all of them; the others are joined
    payment by payment (a repeated payment date changes none of the minima and maxima taken).
    ``row_order`` is the order of pandas' merge (payment file row, then member file row): a
    person's role and sex are read from their first row in it. ``applicant_order`` (payment
    date, then member file row) picks the applicant on record at the latest payment.
    """
    t0, t1 = _timestamp(period.start), _timestamp(period.end)
    n_months = len(period.months())
    if n_months > 64:
        raise ValueError(f"key_figures_all counts households per month for periods of at most 64 months, not {period}")
    first_month = period.start.year * 12 + period.start.month - 1
    adult = _in("mem.role", codes.ADULT_ROLES)
    full_year = is_full_year(period)
    # Months with assistance of adults aged 18+ (the long-term share), a bit per calendar month;
    # an adult under 18 at the household's first payment is joined payment by payment.
    if full_year:
        calendar_months = "bit_or(1 << (month(d) - 1))"
        whole_span_month = "CASE WHEN adult THEN calendar_months END"
        payment_month = f"CASE WHEN adult AND {_at_least_18('birth_date', 'p.d')} THEN 1 << (month(p.d) - 1) END"
        one_row = f"whole_span AND (NOT adult OR coalesce({_at_least_18('birth_date', 'first_day')}, false))"
    else:
        calendar_months = whole_span_month = payment_month = "NULL::INTEGER"
        one_row = "whole_span"
    month_counts = ", ".join(f"sum(((months >> {i}) & 1)::INTEGER) AS month_{i}" for i in range(n_months))
    household_parts = f"""
        count(*) AS households,
        count(*) FILTER (WHERE with_children) AS households_with_children,
        count(*) FILTER (WHERE applicant_sex = 1) AS applicant_women,
        count(*) FILTER (WHERE applicant_sex = 2) AS applicant_men,
        {month_counts}
    """
    # first_row = 4 · adult + sex code: adults and children by the first row's role, K/M by its sex.
    person_parts = """
        count(*) FILTER (WHERE first_row % 4 IN (1, 2)) AS persons,
        count(*) FILTER (WHERE first_row IN (5, 6)) AS adults,
        count(*) FILTER (WHERE first_row = 5) AS adults_women,
        count(*) FILTER (WHERE first_row = 6) AS adults_men,
        count(*) FILTER (WHERE first_row IN (1, 2)) AS children,
        count(*) FILTER (WHERE unemployed_sex IN (1, 2)) AS adults_unemployed,
        count(*) FILTER (WHERE adult_months IS NOT NULL AND person IS NOT NULL) AS long_term_base,
        count(*) FILTER (WHERE bit_count(adult_months) >= 10 AND person IS NOT NULL) AS long_term
    """
    flags = "m, h, person, sex, adult, applicant, unemployed"
    return f"""
        WITH payments AS MATERIALIZED (
            SELECT municipality_code AS m, household_key AS h, payment_date AS d, amount_kr AS kr,
                   file_row_number AS pay_row
            FROM read_parquet({_files(dirs, "payments")}, file_row_number = true)
            WHERE payment_date BETWEEN {t0} AND {t1}
        ),
        paid_households AS MATERIALIZED (
            SELECT m, h, min(pay_row) AS first_row, min(d) AS first_day, max(d) AS last_day,
                   bit_or(1::UBIGINT << (year(d) * 12 + month(d) - 1 - {first_month})) AS months,
                   {calendar_months} AS calendar_months
            FROM payments WHERE kr > 0 GROUP BY m, h
        ),
        members AS MATERIALIZED (
            SELECT ph.m, ph.h, ph.first_row, ph.first_day, ph.last_day, ph.calendar_months,
                   mem.person_key AS person, {_sex_code("mem.legal_sex")} AS sex, {adult} AS adult,
                   coalesce(mem.role = {_literal(codes.ROLE_APPLICANT)}, false) AS applicant,
                   coalesce(mem.role = {_literal(codes.ROLE_CHILD)}, false) AS child_role,
                   {adult} AND coalesce(mem.reason = {_literal(codes.REASON_UNEMPLOYED)}, false) AS unemployed,
                   mem.birth_date, mem.valid_from, mem.valid_to, mem.file_row_number AS member_row,
                   mem.valid_from <= ph.first_day AND (mem.valid_to IS NULL OR ph.last_day <= mem.valid_to)
                       AS whole_span
            FROM paid_households ph
            JOIN read_parquet({_files(dirs, "household_members")}, file_row_number = true) mem
              ON mem.municipality_code = ph.m AND mem.household_key = ph.h
            WHERE mem.valid_from <= {t1} AND (mem.valid_to IS NULL OR mem.valid_to >= {t0})
              AND mem.valid_from <= ph.last_day AND (mem.valid_to IS NULL OR ph.first_day <= mem.valid_to)
        ),
        at_payments AS MATERIALIZED (
            SELECT {flags},
                   coalesce(child_role AND NOT {_at_least_18("birth_date", "first_day")}, false) AS child,
                   {whole_span_month} AS adult_month,
                   first_row * 4294967296 + member_row AS row_order,
                   (last_day::DATE - DATE '1970-01-01') * 4294967296 + member_row AS applicant_order
            FROM members WHERE {one_row}
            UNION ALL
            SELECT {", ".join(f"mb.{c}" for c in flags.split(", "))},
                   coalesce(child_role AND NOT {_at_least_18("birth_date", "p.d")}, false),
                   {payment_month},
                   p.pay_row * 4294967296 + member_row,
                   (p.d::DATE - DATE '1970-01-01') * 4294967296 + member_row
            FROM members mb JOIN payments p ON p.m = mb.m AND p.h = mb.h
            WHERE NOT ({one_row}) AND p.kr > 0 AND mb.valid_from <= p.d AND (mb.valid_to IS NULL OR p.d <= mb.valid_to)
        ),
        households AS MATERIALIZED (
            SELECT p.m, p.h, p.months, coalesce(f.child, false) AS with_children, f.applicant_sex,
                   f.applicant_order, coalesce(f.applicant, p.m || ':' || p.h) AS national_id
            FROM paid_households p
            LEFT JOIN (
                SELECT m, h, bool_or(child) AS child,
                       arg_max(sex, applicant_order) FILTER (WHERE applicant) AS applicant_sex,
                       arg_max(person, applicant_order) FILTER (WHERE applicant) AS applicant,
                       max(applicant_order) FILTER (WHERE applicant AND sex IS NOT NULL) AS applicant_order
                FROM at_payments GROUP BY m, h
            ) f USING (m, h)
        ),
        persons AS MATERIALIZED (
            SELECT m, person,
                   arg_min(adult::INTEGER * 4 + coalesce(sex, 0), row_order) AS first_row,
                   arg_min(coalesce(sex, 0), row_order) FILTER (WHERE unemployed) AS unemployed_sex,
                   bit_or(adult_month) AS adult_months
            FROM at_payments GROUP BY m, person
        ),
        household_counts AS (
            SELECT m, {household_parts} FROM households GROUP BY m
            UNION ALL
            SELECT {_literal(COUNTRY)}, {household_parts}
            FROM (
                SELECT national_id, bool_or(with_children) AS with_children, bit_or(months) AS months,
                       arg_max(applicant_sex, {{'o': applicant_order, 'm': m}}) AS applicant_sex
                FROM households GROUP BY national_id
            )
        ),
        person_counts AS (
            SELECT m, {person_parts} FROM persons GROUP BY m
            UNION ALL
            SELECT {_literal(COUNTRY)}, {person_parts}
            FROM (
                SELECT person, arg_min(first_row, m) AS first_row, arg_min(unemployed_sex, m) AS unemployed_sex,
                       bit_or(adult_months) AS adult_months
                FROM persons GROUP BY person
            )
        ),
        paid AS (SELECT m, sum(kr) AS paid_kr FROM payments GROUP BY m)
        SELECT * FROM paid FULL JOIN household_counts USING (m) FULL JOIN person_counts USING (m)
    """


def _placements_sql(dirs: list[Path], extracts: list[Extract], period: Period) -> str:
    """Care days, persons placed, invoiced kronor, interventions and inhabitants, in one statement.

    Care days per spell as ``care_days_per_spell``, in day numbers: the departure day is not
    counted, a same-day spell counts 1 and an open spell (or one whose departure lies after the
    extract date: a planned end) counts up to the municipality's own extract date or the period's end.
    """
    t0, t1 = _timestamp(period.start), _timestamp(period.end)
    p0, p1_excl = _day_number(period.start), _day_number(period.end) + 1
    open_until = ", ".join(
        f"({_literal(e.municipality_code)}, {min(_day_number(period.end), _day_number(e.extract_date)) + 1}, "
        f"{_day_number(e.extract_date)})"
        for e in extracts
    )
    flags = ", ".join(f"{scope_predicate(scope)} AS in_{name}" for name, scope in SCOPES.items())
    care = ", ".join(f"coalesce(sum(days) FILTER (WHERE in_{name}), 0) AS days_{name}" for name in SCOPES)
    placed_flags = ", ".join(f"bool_or(in_{name} AND days > 0) AS in_{name}" for name in SCOPES)
    national_flags = ", ".join(f"bool_or(in_{name}) AS in_{name}" for name in SCOPES)
    placed = ", ".join(f"count(*) FILTER (WHERE in_{name}) AS persons_{name}" for name in SCOPES)
    invoiced = ", ".join(f"coalesce(sum(kr) FILTER (WHERE in_{name}), 0) AS cost_{name}" for name in SCOPES)
    return f"""
        WITH munis AS (SELECT * FROM (VALUES {open_until}) t(m, open_end_excl, extract_day)),
        spells AS MATERIALIZED (
            SELECT p.m, p.k, p.person, {", ".join(f"in_{name}" for name in SCOPES)},
                   greatest(least(CASE WHEN e IS NULL OR e > munis.extract_day THEN munis.open_end_excl
                                       ELSE greatest(e, s + 1) END,
                                  {p1_excl}) - greatest(s, {p0}), 0) AS days
            FROM (
                SELECT municipality_code AS m, placement_key AS k, person_key AS person, {flags},
                       coalesce(start_date::DATE - DATE '1970-01-01', -(1::BIGINT << 61)) AS s,
                       end_date::DATE - DATE '1970-01-01' AS e
                FROM read_parquet({_files(dirs, "placements")})
            ) p
            JOIN munis USING (m)
        ),
        placed_persons AS MATERIALIZED (
            SELECT m, person, {placed_flags} FROM spells WHERE person IS NOT NULL GROUP BY m, person
        ),
        care_days AS (SELECT m, {care} FROM spells GROUP BY m),
        placed AS (
            SELECT m, {placed} FROM placed_persons GROUP BY m
            UNION ALL
            SELECT {_literal(COUNTRY)}, {placed}
            FROM (SELECT person, {national_flags} FROM placed_persons GROUP BY person)
        ),
        invoiced AS (
            SELECT m, {invoiced}
            FROM (
                SELECT municipality_code AS m, placement_key AS k, sum(amount_kr) AS kr
                FROM read_parquet({_files(dirs, "placement_costs")})
                WHERE care_month BETWEEN {t0} AND {t1}
                GROUP BY ALL
            ) c
            JOIN spells USING (m, k)  -- a placement key is unique within its municipality (ingest contract)
            GROUP BY m
        ),
        interventions AS (
            SELECT municipality_code AS m,
                   count(*) FILTER (WHERE kind = {_literal(codes.INTERVENTION_PLACEMENT)}) AS interventions_placed,
                   count(*) AS interventions_all
            FROM read_parquet({_files(dirs, "interventions")})
            WHERE start_date <= {t1} AND (end_date IS NULL OR end_date >= {t0})
            GROUP BY m
        ),
        population AS (
            SELECT municipality_code AS m, sum(inhabitants) AS inhabitants
            FROM read_parquet({_files(dirs, "population")})
            WHERE year = {period.start.year}
            GROUP BY m
        )
        SELECT * FROM placed
        FULL JOIN care_days USING (m) FULL JOIN invoiced USING (m) FULL JOIN interventions USING (m)
        FULL JOIN population USING (m)
    """


# --- the long table ---------------------------------------------------------------------------------


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """``scale · numerator / denominator``, missing where the denominator is 0 or missing (as ``if whole``)."""
    valid = denominator.notna() & (denominator != 0)
    return (scale * numerator / denominator.where(valid)).where(valid)


def _long(wide: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The wide parts as the rows of ``key_figures()``: value and base per measure, then units and labels."""
    w = wide
    none = pd.Series(float("nan"), index=w.index)
    rows: dict[str, tuple[pd.Series, pd.Series]] = {
        "eb_households": (w["households"], w["households"]),
        "eb_households_with_children": (w["households_with_children"], none),
        "eb_households_applicant_women": (w["applicant_women"], none),
        "eb_households_applicant_men": (w["applicant_men"], none),
        "eb_households_per_month": (w["per_month_mean"], w["per_month_min"]),
        "eb_paid_kr": (w["paid_kr"], w["households"]),
        "eb_kr_per_household": (_ratio(w["paid_kr"], w["households"]), w["households"]),
        "eb_persons": (w["persons"], none),
        "eb_adults": (w["adults"], none),
        "eb_adults_women": (w["adults_women"], none),
        "eb_adults_men": (w["adults_men"], none),
        "eb_children": (w["children"], none),
        "eb_adults_unemployed": (w["adults_unemployed"], none),
    }
    if is_full_year(period):
        rows["eb_long_term_share"] = (_ratio(w["long_term"], w["long_term_base"], 100.0), w["long_term_base"])
    rows |= {
        "care_days_children": (w["days_children"], w["persons_children"]),
        "care_days_adults_external": (w["days_adults_external"], w["persons_adults_external"]),
        "kr_per_care_day_children_external": (
            _ratio(w["cost_children_external"], w["days_children_external"]),
            w["persons_children_external"],
        ),
        "kr_per_care_day_adults_external": (
            _ratio(w["cost_adults_external_institutions"], w["days_adults_external_institutions"]),
            w["persons_adults_external_institutions"],
        ),
        "care_days_protected_housing": (w["days_protected_housing"], w["persons_protected_housing"]),
        "children_placed": (w["persons_children"], none),
        "children_interventions_placements": (w["interventions_placed"], none),
        "children_interventions_open_care": (w["interventions_all"] - w["interventions_placed"], none),
        "children_interventions": (w["interventions_all"], none),
        "children_interventions_placement_share": (
            _ratio(w["interventions_placed"], w["interventions_all"], 100.0),
            w["interventions_all"],
        ),
        "population": (w["inhabitants"], none),
        "eb_kr_per_inhabitant": (_ratio(w["paid_kr"], w["inhabitants"]), w["households"]),
        "eb_persons_share_of_inhabitants": (_ratio(w["persons"], w["inhabitants"], 100.0), w["persons"]),
    }
    blocks = []
    for order, (measure, (value, base)) in enumerate(rows.items()):
        entry = CATALOG[measure]
        blocks.append(
            pd.DataFrame(
                {
                    "municipality_code": w.index.to_numpy(),
                    "measure": measure,
                    "value": value.to_numpy(dtype="float64"),
                    "unit": entry.unit,
                    "label_sv": entry.label_sv,
                    "base": base.to_numpy(dtype="float64"),
                    "_order": order,
                }
            )
        )
    frame = pd.concat(blocks, ignore_index=True).sort_values(["municipality_code", "_order"], kind="stable")
    frame = frame.drop(columns="_order").reset_index(drop=True)
    return fill_base(frame)[OUTPUT_COLUMNS]
