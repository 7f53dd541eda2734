"""The facts every measure is made from: record-level results of one or more periods, built by DuckDB.

One definition for one municipality and for all of them: the same statements read the
processed Parquet files of one folder (a report) or of every folder (a county or national
follow-up), and with ``country=True`` add the country ("0000", Kolada's code for Riket) as
one more municipality whose rows count each person and household once nationally (the
facts of :data:`SUMMED_FOR_COUNTRY` get no country rows: the engine groups them once more).

The facts (tables of one DuckDB connection); every row has ``m``, the municipality, and
``p``, the index of its period among the periods of the pass (one pass may hold several
periods of the same length, e.g. January–August of every year):

``f_households``   one row per household with a payment dated in the period:
                   ``counted`` (at least one *positive* payment: the household counts),
                   ``kr`` (net kronor, corrections and repayments included),
                   ``with_children``, ``applicant_sex``, ``months`` (bit *i* = paid in the
                   period's month *i*) and ``national_id``.
``f_persons``      one row per member of a counted household whose membership row is valid
                   on the date of one of its positive payments: ``adult``, ``sex``,
                   ``unemployed``, ``adult_months`` (full years only).
``f_adult_reasons`` one row per adult and reason (försörjningshinder) valid at a payment.
``f_spells``       one row per placement spell with a care day or invoiced care in the
                   period: its target group, form, provider type, sex, ``care_days``
                   (interval arithmetic, clipped to the period), ``cost_kr`` (invoices by
                   care month) and ``started_in_period``.
``f_interventions`` one row per needs-assessed intervention for children in force in the period.
``f_population``   inhabitants on 31 December of the period's year.
``f_household_for_months`` one row per household and month of the period it had a positive
                   payment *for* (``for_month``), paid at any date: Socialstyrelsen's basis.

**The counting basis** (the municipality's setting, ``raknegrund`` in ``uttag.json``,
:attr:`snanalys.data.Extract.counting_basis`) decides which period and month a payment counts
in for every fact of economic assistance: its payment date (``payment_date``, kassamässigt, the
default: the municipality's own tables) or the month the assistance is for (``for_month``). On
the latter a household's members are still looked up at the payment's date.

Rules that decide a figure, written down (``docs/measures.md`` has them with examples):

* **A person's role and sex at a payment** are those of their membership row valid on the
  date of their household's *latest* positive payment in the period at which they are a
  member (the most recent record); between two rows valid on that day, the one valid from
  the later date; between equals, an adult row before a child row. Nationally the same
  rule runs over all municipalities. (Before: the first row in the order of the payment
  and member files.)
* **The applicant of a household** is the member with role SOKANDE on record at the
  household's latest positive payment that has one (ties: the later valid-from, then the
  person key). Their sex is the applicant-sex; their person key identifies the household
  nationally (a household without an applicant keeps its own municipality and key).
* **A household with children** has a member with role BARN who is under 18 (completed
  years, the birthday counting on the day) on the date of one of its positive payments
  at which the membership is valid.
* **Adults and children** among the persons are told apart by role (SOKANDE/MEDSOKANDE
  = adult, BARN = child), as Socialstyrelsen's statistics do; the long-term share counts
  adults by role who are 18 or older at the payment.
* **Kronor are summed to the öre** (as DECIMAL), so a sum does not depend on the order in
  which the engine adds the rows: two runs give the same bytes.
* **An open placement spell** counts up to the municipality's own extract date (a
  departure after the extract date is a planned end: open).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from snanalys import codes
from snanalys.data import Extract
from snanalys.measures.schedule import Schedule, target
from snanalys.measures.scopes import Scope, in_list, literal
from snanalys.periods import Period

COUNTRY = "0000"  # Kolada's municipality code for the whole country (Riket)
#: Facts whose rows the country counts as they are (a spell, an intervention, inhabitants belong to one
#: municipality): they get no country rows, the engine groups them once more over all municipalities.
#: The households of a month by the month the assistance is for are each municipality's, as each reports
#: them to Socialstyrelsen: the country's figure is their sum.
SUMMED_FOR_COUNTRY = ("f_spells", "f_interventions", "f_population", "f_household_for_months")
#: Facts made only for a caller that reads them (no other fact is made from them), with their views.
_ON_REQUEST = {
    "f_adult_reasons": ("f_adult_reasons", "v_adult_reasons"),
    "f_household_for_months": ("f_household_for_months",),
}
_EPOCH = dt.date(1970, 1, 1)
#: The tables the facts are made from, dropped once the facts are made (none of them is a fact).
_STEPS = ("payments", "member_rows", "household_payments", "members", "at_payments")
#: Statements of the facts run side by side: many are too small to keep two cores busy alone.
STATEMENTS_AT_A_TIME = 2


#: On the basis of the month the assistance is for, a month is incomplete until its assistance is paid
#: (for August often in September): a month is preliminary until the data covers this many months after it.
FOR_MONTH_PRELIMINARY_MONTHS = 2


def preliminary_for_month(month: dt.date, covered_through: dt.date) -> bool:
    """Whether the households of ``month`` counted by the month the assistance is for may still grow:
    the data does not yet cover the :data:`FOR_MONTH_PRELIMINARY_MONTHS` months after it."""
    first = month.replace(day=1)
    index = first.year * 12 + first.month - 1 + FOR_MONTH_PRELIMINARY_MONTHS + 1
    return covered_through < dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


def is_full_year(period: Period) -> bool:
    """Whether ``period`` is a calendar year: the long-term share is defined for those only."""
    return period.start == dt.date(period.start.year, 1, 1) and period.end == dt.date(period.start.year, 12, 31)


#: A person's latest record as one number, so the greatest is the rule's choice: the payment day, then
#: the row's valid-from, then an adult row before a child row (and M before K, only to be determined);
#: role and sex are read back from its last three bits (sex: 1 = K, 2 = M, 0 = another value).
_LATEST_RECORD = (
    "(((day::DATE - DATE '1970-01-01')::BIGINT * 262144 + (valid_from::DATE - DATE '1970-01-01') + 131072) * 8"
    " + adult::INTEGER * 4 + CASE sex WHEN 'K' THEN 1 WHEN 'M' THEN 2 ELSE 0 END)"
)


#: The applicant's record as one string, so the greatest is the rule's choice: the payment day, then the
#: row's valid-from (as one zero-padded number), then the person key; the sex follows a separator (chr(1)
#: sorts before any character of a key, so a shorter key that is a prefix of another sorts first).
_APPLICANT_RECORD = (
    "lpad(((day::DATE - DATE '1970-01-01')::BIGINT * 262144 + (valid_from::DATE - DATE '1970-01-01') + 131072)"
    "::VARCHAR, 19, '0') || coalesce(person, '') || chr(1) || coalesce(sex, '')"
)


def _files(dirs: list[Path], table: str) -> str:
    return "[" + ", ".join(literal(f"{d}/{table}.parquet") for d in dirs) + "]"


def _timestamp(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _ymd(day: str) -> str:
    return f"(year({day}) * 10000 + month({day}) * 100 + day({day}))"


def _at_least_18(birth: str, day: str) -> str:
    """Aged 18 or more in completed years on ``day`` (the birthday counts on the day itself)."""
    return f"({_ymd(day)} - {_ymd(birth)} >= 180000)"


@dataclass
class Facts:
    """The facts of one or more periods in an open DuckDB connection; :meth:`query` reads them.

    Every fact has the columns ``m`` (municipality) and ``p`` (the index of its period in
    ``periods``): the periods of one pass have the same number of months and are all full
    years or none, so one set of statements holds for each of them. The facts may still be
    being built: a query waits for the facts it names (a failed statement's error is raised
    by every query after it).
    """

    con: duckdb.DuckDBPyConnection
    periods: tuple[Period, ...]
    municipality_codes: list[str]
    country: bool
    #: facts without country rows: the country's cells are their grouping over every municipality
    summed_for_country: frozenset[str] = frozenset()
    #: facts and views not built because the caller said it would not read them
    absent: frozenset[str] = frozenset()
    #: the build still running (None once it has finished and its cursors are closed)
    schedule: Schedule | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def n_months(self) -> int:
        return len(self.periods[0].months())

    @property
    def full_year(self) -> bool:
        return is_full_year(self.periods[0])

    def query(self, sql: str) -> pd.DataFrame:
        return next(self.results([sql]))[1]

    def results(self, statements: Sequence[str]) -> Iterator[tuple[int, pd.DataFrame]]:
        """``(index, frame)`` of each of ``statements`` as it is done: each runs as soon as the facts
        it reads are built, side by side while the build runs (the placements' queries need not wait
        for the households, nor their results for the households' queries)."""
        futures = [self.schedule.add(sql) for sql in statements] if self.schedule is not None else []
        submitted = {f: i for i, f in enumerate(futures) if f is not None}
        for future in as_completed(submitted):
            yield submitted[future], future.result()
        rest = [i for i, f in enumerate(futures) if f is None] if futures else range(len(statements))
        if rest:  # the build was over before they came: its cursors closed, the connection free
            self.wait()
            with self._lock:  # one connection: one statement at a time
                for i in rest:
                    yield i, self.con.execute(statements[i]).df()

    def wait(self) -> None:
        """Until the facts are built; raises the error of a statement that failed."""
        if self.schedule is not None:
            try:
                self.schedule.wait()
            finally:
                self.schedule.close()
                self.schedule = None

    def close(self) -> None:
        if self.schedule is not None:
            self.schedule.close()
            self.schedule = None
        self.con.close()

    def __enter__(self) -> Facts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def build_facts(
    dirs: list[Path],
    extracts: list[Extract],
    periods: Period | Sequence[Period],
    *,
    country: bool = False,
    reading: Collection[str] | None = None,
) -> Facts:
    """The facts of ``periods`` for the municipalities in ``dirs`` (and the country if asked), their
    statements started: the facts are built while the caller goes on (:meth:`Facts.wait`).

    ``reading``: the facts and views the caller will query (None: all of them); a fact of
    :data:`_ON_REQUEST` nobody reads is not built (the national pass does not need the reasons).

    Several periods in one pass cost about what one does (the statements' fixed cost is most
    of it for one municipality): a report asks for the same period of every year."""
    periods = (periods,) if isinstance(periods, Period) else tuple(periods)
    if not periods:
        raise ValueError("facts need at least one period")
    shapes = {(len(q.months()), is_full_year(q)) for q in periods}
    if len(shapes) > 1:
        raise ValueError(f"facts of one pass need periods of one length, all full years or none: {periods}")
    if len(periods[0].months()) > 64:
        raise ValueError(f"facts hold the months of periods of at most 64 months, not {periods[0]}")
    skipped = _not_read(reading)
    statements = _statements(dirs, extracts, periods, country, skipped)
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET threads = {_threads_per_statement(len(dirs))}")
        con.execute(_periods_table(periods))
        schedule = Schedule(con, workers=STATEMENTS_AT_A_TIME)
    except BaseException:
        con.close()
        raise
    for statement in statements:
        schedule.add(statement)
    schedule.seal()
    summed = frozenset(SUMMED_FOR_COUNTRY) if country else frozenset()
    codes_ = sorted(e.municipality_code for e in extracts)
    return Facts(con, periods, codes_, country, summed, frozenset(skipped), schedule)


def _threads_per_statement(municipalities: int) -> int:
    """DuckDB threads per statement: one for a report's few thousand rows (threads cost more than they
    give, and the page kernels run side by side); else the cores shared by the statements running side
    by side. Two statements of two threads each on two cores took 1.46 s for the national key figures,
    of one thread each 1.29-1.33 s (2026-12-08)."""
    if municipalities == 1:
        return 1
    return max(1, (os.cpu_count() or STATEMENTS_AT_A_TIME) // STATEMENTS_AT_A_TIME)


def _not_read(reading: Collection[str] | None) -> set[str]:
    """The facts of :data:`_ON_REQUEST` (with their views) that none of ``reading`` is."""
    if reading is None:
        return set()
    return {name for names in _ON_REQUEST.values() if not set(names) & set(reading) for name in names}


def _periods_table(periods: tuple[Period, ...]) -> str:
    """The periods of the pass: index ``p``, first and last day (as timestamps and day numbers),
    the index of the first month (year * 12 + month - 1) and the year (of the population)."""
    rows = ", ".join(
        f"({i}, {_timestamp(q.start)}, {_timestamp(q.end)}, {_day_number(q.start)}, {_day_number(q.end) + 1}, "
        f"{q.start.year * 12 + q.start.month - 1}, {q.start.year})"
        for i, q in enumerate(periods)
    )
    return f"""
        CREATE TABLE periods AS SELECT * FROM (VALUES {rows})
            t(p, t0, t1, first_day, end_excl, first_month, year)
    """


def _span(periods: tuple[Period, ...]) -> tuple[str, str]:
    """The first and last day of all periods as timestamps: literal bounds DuckDB pushes into a scan."""
    return _timestamp(min(q.start for q in periods)), _timestamp(max(q.end for q in periods))


def _within(column: str, periods: tuple[Period, ...]) -> str:
    """``column`` within the span of all periods."""
    start, end = _span(periods)
    return f"{column} BETWEEN {start} AND {end}"


def _join_periods(condition: str, periods: tuple[Period, ...]) -> str:
    """The join of a scan to the period a row falls in (``condition``). One period: a cross join, as
    the scan's literal bounds (:func:`_within`, :func:`_overlaps`) already keep only its rows and a
    range join costs a tenth of the national pass's payments statement."""
    return "CROSS JOIN periods q" if len(periods) == 1 else f"JOIN periods q ON {condition}"


def _overlaps(valid_from: str, valid_to: str, periods: tuple[Period, ...]) -> str:
    """A validity interval that overlaps the span of all periods (literal bounds: cheap in the scan)."""
    start, end = _span(periods)
    return f"{valid_from} <= {end} AND ({valid_to} IS NULL OR {valid_to} >= {start})"


def _statements(
    dirs: list[Path], extracts: list[Extract], periods: tuple[Period, ...], country: bool, skipped: set[str]
) -> list[str]:
    """The statements that build the facts after the periods table, the longest chain first (the
    schedule runs the first ready one): the payments, members at payments, households and persons
    (each adding the country to its own fact), then the placements, then the views."""
    adult = in_list("mem.role", codes.ADULT_ROLES)
    full_year = is_full_year(periods[0])
    if full_year:
        calendar_months = "bit_or(1 << (month_index % 12)) FILTER (WHERE kr > 0)"
        whole_span_month = "CASE WHEN adult THEN calendar_months END"
        payment_month = (
            f"CASE WHEN adult AND {_at_least_18('birth_date', 'pay.d')} THEN 1 << (pay.month_index % 12) END"
        )
        one_row = f"whole_span AND (NOT adult OR coalesce({_at_least_18('birth_date', 'first_day')}, false))"
    else:
        calendar_months = whole_span_month = payment_month = "NULL::INTEGER"
        one_row = "whole_span"
    flags = "m, p, h, person, sex, adult, applicant, reason, valid_from"
    # Economic assistance: a member valid over the household's whole span of positive payments
    # (most are) takes one row standing for all of them; the others are joined payment by payment.
    # ``bd``: the day that places a payment in a period and a month, by the municipality's counting
    # basis (its payment date, or the first day of the month the assistance is for); ``d``, the payment
    # date, stays the day its household's members are looked up at
    for_month = [e.municipality_code for e in extracts if e.counting_basis == "for_month"]
    basis_day = (
        f"CASE WHEN {in_list('municipality_code', for_month)} THEN for_month ELSE payment_date END"
        if for_month
        else "payment_date"
    )
    payments = f"""
            SELECT pay.municipality_code AS m, q.p, pay.household_key AS h, pay.payment_date AS d,
                   pay.amount_kr::DECIMAL(18, 2) AS kr,
                   year(pay.bd) * 12 + month(pay.bd) - 1 - q.first_month AS month_index
            FROM (SELECT *, {basis_day} AS bd FROM read_parquet({_files(dirs, "payments")})) pay
            {_join_periods("pay.bd BETWEEN q.t0 AND q.t1", periods)}
            WHERE {_within("pay.bd", periods)}
    """
    statements = [
        f"CREATE TABLE payments AS {payments}",
        # the member rows valid in the span of the periods: read beside the payments, not after them
        f"""
        CREATE TABLE member_rows AS
            SELECT municipality_code, household_key, person_key, legal_sex, role, reason, birth_date,
                   valid_from, valid_to
            FROM read_parquet({_files(dirs, "household_members")})
            WHERE {_overlaps("valid_from", "valid_to", periods)}
        """,
        f"""
        CREATE TABLE household_payments AS
            SELECT m, p, h, sum(kr) AS kr, min(d) FILTER (WHERE kr > 0) AS first_day,
                   max(d) FILTER (WHERE kr > 0) AS last_day,
                   coalesce(bit_or(1::UBIGINT << month_index) FILTER (WHERE kr > 0), 0) AS months,
                   {calendar_months} AS calendar_months
            FROM payments GROUP BY m, p, h
        """,
        # One row per member row and payment (or per member row for a whole-span one): ``day`` is
        # the latest payment date the row is valid at.
        f"""
        CREATE TABLE members AS
            SELECT ph.m, ph.p, ph.h, ph.first_day, ph.last_day, ph.calendar_months,
                   mem.person_key AS person, mem.legal_sex AS sex, {adult} AS adult,
                   coalesce(mem.role = {literal(codes.ROLE_APPLICANT)}, false) AS applicant,
                   coalesce(mem.role = {literal(codes.ROLE_CHILD)}, false) AS child_role,
                   CASE WHEN {adult} THEN mem.reason END AS reason,
                   mem.birth_date, mem.valid_from, mem.valid_to,
                   mem.valid_from <= ph.first_day AND (mem.valid_to IS NULL OR ph.last_day <= mem.valid_to)
                       AS whole_span
            FROM household_payments ph
            JOIN member_rows mem ON mem.municipality_code = ph.m AND mem.household_key = ph.h
            WHERE ph.first_day IS NOT NULL
              AND mem.valid_from <= ph.last_day AND (mem.valid_to IS NULL OR ph.first_day <= mem.valid_to)
        """,
        f"""
        CREATE TABLE at_payments AS
            SELECT {flags}, last_day AS day,
                   coalesce(child_role AND NOT {_at_least_18("birth_date", "first_day")}, false) AS child,
                   {whole_span_month} AS adult_month
            FROM members WHERE {one_row}
            UNION ALL
            SELECT {", ".join(f"mb.{c}" for c in flags.split(", "))}, pay.d,
                   coalesce(child_role AND NOT {_at_least_18("birth_date", "pay.d")}, false),
                   {payment_month}
            FROM members mb JOIN payments pay ON pay.m = mb.m AND pay.p = mb.p AND pay.h = mb.h
            WHERE NOT ({one_row}) AND pay.kr > 0
              AND mb.valid_from <= pay.d AND (mb.valid_to IS NULL OR pay.d <= mb.valid_to)
        """,
        """
        CREATE TABLE f_households AS
            SELECT k.m, k.p, k.first_day IS NOT NULL AS counted, k.kr,
                   coalesce(f.child, false) AS with_children,
                   nullif(split_part(f.applicant_order, chr(1), 2), '') AS applicant_sex, k.months,
                   NATIONAL_ID AS national_id, f.applicant_order
            FROM household_payments k
            LEFT JOIN (
                SELECT m, p, h, bool_or(child) AS child, max(CASE WHEN applicant THEN APPLICANT_RECORD END) AS applicant_order
                FROM at_payments WHERE applicant OR child GROUP BY m, p, h
            ) f USING (m, p, h)
        """.replace("APPLICANT_RECORD", _APPLICANT_RECORD).replace(
            "NATIONAL_ID",
            "coalesce(nullif(split_part(substr(f.applicant_order, 20), chr(1), 1), ''), k.m || ':' || k.h)"
            if country
            else "NULL::VARCHAR",
        ),
        """
        CREATE TABLE f_persons AS
            SELECT m, p, person,
                   max(LATEST_RECORD) AS latest,
                   bool_or(adult AND coalesce(reason = 'ARBETSLOS', false)) AS unemployed,
                   bit_or(adult_month) AS adult_months
            FROM at_payments WHERE person IS NOT NULL GROUP BY m, p, person
        """.replace("'ARBETSLOS'", literal(codes.REASON_UNEMPLOYED)).replace("LATEST_RECORD", _LATEST_RECORD),
        """
        CREATE TABLE f_adult_reasons AS
            SELECT DISTINCT m, p, person, reason FROM at_payments
            WHERE adult AND reason IS NOT NULL AND person IS NOT NULL
        """,
    ]
    placements = _placement_statements(dirs, extracts, periods)
    base, households, persons = statements[:5], statements[5:6], statements[6:]
    if country:
        country_households, country_persons = _country_statements()
        households, persons = households + country_households, persons + country_persons
    ordered = [
        *base,
        *households,
        *persons,
        *placements,
        *_for_month_statements(dirs),
        *_views(len(periods[0].months())),
        # the steps no fact is read from: freed while the other statements and queries run, not at the close
        *(f"DROP TABLE {step}" for step in _STEPS),
    ]
    return [s for s in ordered if target(s) not in skipped]


def _placement_statements(dirs: list[Path], extracts: list[Extract], periods: tuple[Period, ...]) -> list[str]:
    """Care days per spell in day numbers: the departure day is not counted, a same-day spell
    counts 1, an open spell (or one whose departure lies after the extract date: a planned end)
    counts up to the municipality's own extract date or the period's end."""
    open_until = ", ".join(
        f"({literal(e.municipality_code)}, {i}, {_day_number(q.start)}, {_day_number(q.end) + 1}, "
        f"{min(_day_number(q.end), _day_number(e.extract_date)) + 1}, {_day_number(e.extract_date)})"
        for e in extracts
        for i, q in enumerate(periods)
    )
    return [
        f"""
        CREATE TABLE f_spells AS
            WITH munis AS (SELECT * FROM (VALUES {open_until}) t(m, p, first_day, end_excl, open_end_excl, extract_day)),
            spells AS (
                SELECT pl.*, munis.p, pl.s BETWEEN munis.first_day AND munis.end_excl - 1 AS started_in_period,
                       greatest(least(CASE WHEN e IS NULL OR e > munis.extract_day THEN munis.open_end_excl
                                           ELSE greatest(e, s + 1) END,
                                      munis.end_excl) - greatest(s, munis.first_day), 0) AS care_days
                FROM (
                    SELECT municipality_code AS m, placement_key AS k, person_key AS person, legal_sex AS sex,
                           target_group, form, provider_type,
                           coalesce(start_date::DATE - DATE '1970-01-01', -(1::BIGINT << 61)) AS s,
                           end_date::DATE - DATE '1970-01-01' AS e
                    FROM read_parquet({_files(dirs, "placements")})
                ) pl JOIN munis USING (m)
            ),
            invoiced AS (
                SELECT c.municipality_code AS m, q.p, c.placement_key AS k, sum(c.amount_kr::DECIMAL(18, 2)) AS kr
                FROM read_parquet({_files(dirs, "placement_costs")}) c
                {_join_periods("c.care_month BETWEEN q.t0 AND q.t1", periods)}
                WHERE {_within("c.care_month", periods)}
                GROUP BY ALL
            )
            SELECT s.m, s.p, s.k, s.person, s.sex, s.target_group, s.form, s.provider_type, s.care_days,
                   coalesce(i.kr, 0::DECIMAL(18, 2)) AS cost_kr, s.started_in_period
            FROM spells s LEFT JOIN invoiced i USING (m, p, k)  -- a placement key is unique within its municipality
            WHERE s.care_days > 0 OR coalesce(i.kr, 0) <> 0
        """,
        """
        CREATE TABLE f_interventions AS
            SELECT i.municipality_code AS m, q.p, i.kind
            FROM read_parquet(FILES) i
            JOIN_PERIODS
            WHERE OVERLAPS
        """.replace("FILES", _files(dirs, "interventions"))
        .replace(
            "JOIN_PERIODS",
            _join_periods("i.start_date <= q.t1 AND (i.end_date IS NULL OR i.end_date >= q.t0)", periods),
        )
        .replace("OVERLAPS", _overlaps("i.start_date", "i.end_date", periods)),
        f"""
        CREATE TABLE f_population AS
            SELECT pop.municipality_code AS m, q.p, sum(pop.inhabitants) AS inhabitants
            FROM read_parquet({_files(dirs, "population")}) pop JOIN periods q ON pop.year = q.year
            WHERE pop.year IN ({", ".join(sorted({str(q.start.year) for q in periods}))})
            GROUP BY ALL
        """,
    ]


def _for_month_statements(dirs: list[Path]) -> list[str]:
    """The households of each month by the month the assistance is for (Socialstyrelsen's basis,
    HSLF-FS 2015:30, 3 §), whatever the municipality's counting basis: what its official monthly
    statistics are compared with. A household counts in a month with a positive payment for it,
    paid at any date the extract holds (assistance for August is often paid in September)."""
    return [
        f"""
        CREATE TABLE f_household_for_months AS
            SELECT DISTINCT pay.municipality_code AS m, q.p, pay.household_key AS h,
                   year(pay.for_month) * 12 + month(pay.for_month) - 1 - q.first_month AS month
            FROM read_parquet({_files(dirs, "payments")}) pay
            JOIN periods q ON pay.for_month BETWEEN q.t0 AND q.t1
            WHERE pay.amount_kr > 0
        """
    ]


def _country_statements() -> tuple[list[str], list[str]]:
    """The country as one more municipality: households once by their applicant, persons once by
    person key (the households' and the persons' facts; the others are :data:`SUMMED_FOR_COUNTRY`)."""
    c = literal(COUNTRY)
    households = [
        f"""
        INSERT INTO f_households
            SELECT {c}, p, bool_or(counted), sum(kr), bool_or(with_children),
                   arg_max(applicant_sex, applicant_order), bit_or(months), national_id, max(applicant_order)
            FROM f_households GROUP BY p, national_id
        """
    ]
    persons = [
        f"""
        INSERT INTO f_persons
            SELECT {c}, p, person, max(latest), bool_or(unemployed),
                   bit_or(adult_months)
            FROM f_persons GROUP BY p, person
        """,
        f"INSERT INTO f_adult_reasons SELECT DISTINCT {c}, p, person, reason FROM f_adult_reasons",
    ]
    return households, persons


def _views(n_months: int) -> list[str]:
    """Readable columns over the facts, and the households of each month of the period."""
    return [
        """
        CREATE VIEW v_households AS
            SELECT m, p, counted, kr, with_children, coalesce(applicant_sex, 'okänt') AS applicant_sex
            FROM f_households
        """,
        """
        CREATE VIEW v_persons AS
            SELECT m, p, person, (latest >> 2) & 1 = 1 AS adult,
                   CASE latest & 3 WHEN 1 THEN 'K' WHEN 2 THEN 'M' END AS sex, unemployed, adult_months
            FROM f_persons
        """,
        """
        CREATE VIEW v_adult_reasons AS
            SELECT r.m, r.p, r.person, r.reason, CASE f.latest & 3 WHEN 1 THEN 'K' WHEN 2 THEN 'M' END AS sex
            FROM f_adult_reasons r JOIN f_persons f USING (m, p, person)
        """,
        f"""
        CREATE VIEW v_household_months AS
            SELECT m, p, i AS month FROM f_households, range({n_months}) t(i)
            WHERE counted AND (months >> i) & 1 = 1
        """,
    ]


def monthly_amounts(directory: Path, scope: Scope | None, through: dt.date) -> pd.DataFrame:
    """Kronor by calendar month up to ``through`` for the forecast: payments by payment month
    (``scope`` None) or the invoices of the placements in ``scope`` by care month.

    Columns ``year``, ``month``, ``amount``; months without any amount are absent."""
    if scope is None:
        source = f"SELECT payment_date AS d, amount_kr AS kr FROM read_parquet({_files([directory], 'payments')})"
    else:
        source = f"""
            SELECT c.care_month AS d, c.amount_kr AS kr
            FROM read_parquet({_files([directory], "placement_costs")}) c
            WHERE c.placement_key IN (SELECT placement_key FROM read_parquet({_files([directory], "placements")})
                                      WHERE {scope.predicate()})
        """
    with duckdb.connect() as con:
        return con.execute(
            f"""SELECT year(d) AS year, month(d) AS month, sum(kr) AS amount FROM ({source})
                WHERE d <= {_timestamp(through)} GROUP BY ALL ORDER BY ALL"""
        ).df()
