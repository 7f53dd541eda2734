"""The contracts of the tables, declared with pandera, and their failures as located problems.

Two contracts per table:

* :func:`parsed_schemas` — the table as parsed from the raw file, **before**
  pseudonymisation: processed column names and dtypes, but the identifiers still raw
  (``transaction_id``, ``personnummer`` …) so that they can be checked: unique ids,
  personnummer format and Luhn check digit, codes from :mod:`snanalys.codes`,
  non-null where required, finite amounts (cost budgets also ≥ 0), dates within
  1900-01-01 … extract date + 1 year, and no later than the extract date for what must
  have happened by then (payment dates, placements' and interventions' start dates,
  invoices' booking dates; a membership may be registered ahead, an end date may be
  planned), end ≥ start for placements, interventions and
  memberships (the same day is allowed), every row's kommunkod the folder's. It
  depends on the extract: built for one :class:`Context`, or for a batch of many
  folders' rows (:class:`Contexts`), where every check that depends on the extract
  compares each row with its own folder's context (ids unique within a folder, the
  folder's kommunkod, its dates), and the expectations name the context by a
  placeholder (``{kommunkod}``, ``{max_date}`` …) that :meth:`Contexts.expected`
  fills in with the row's folder's value.
* :data:`PROCESSED_SCHEMAS` — the processed tables of ``docs/processed_data.md``
  (keys of 16 hex characters instead of identifiers), checked on what is written.

:func:`failure_frame` turns pandera's ``SchemaErrors.failure_cases`` into rows of
(frame index, parsed column, expectation in Swedish); the caller adds file names and
row numbers. Failure values are not carried: the message shows the raw cell, masked
where it is an identifier (:mod:`snanalys.ingest.errors`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from snanalys import codes
from snanalys.ingest import parsing
from snanalys.ingest.parsing import DATE_DTYPE

MIN_DATE = pd.Timestamp("1900-01-01")
TEXT = "str"
MAX_ID_CHARS = 100

EXPECT_MISSING = "värde saknas"
EXPECT_UNIQUE = "väntade ett unikt id (samma värde finns på flera rader)"
EXPECT_FINITE = "väntade ett ändligt belopp"
EXPECT_NON_NEGATIVE = "väntade ett belopp som är 0 eller större (kostnadsbudgeten anges med positivt tecken)"
EXPECT_PERSONNUMMER = "väntade ett personnummer ÅÅÅÅMMDD-NNNN"
EXPECT_LUHN = "väntade ett personnummer med giltig kontrollsiffra"
EXPECT_ID = f"väntade ett id med högst {MAX_ID_CHARS} tecken"
EXPECT_KEY = "väntade en pseudonym med 16 hexadecimala tecken"
EXPECT_UNTIL_EXTRACT = (
    "väntade ett datum senast uttagsdatum {extract_date} (uttag.json): ett datum efter uttaget kan inte ha inträffat"
)

# pandera's own names of its built-in checks, in Swedish.
_BUILTIN = {"not_nullable": EXPECT_MISSING, "field_uniqueness": EXPECT_UNIQUE}

# For frame-wide checks: the column each one is reported on (keyed by its expectation).
_FRAME_CHECK_COLUMN: dict[str, str] = {}


@dataclass(frozen=True)
class Context:
    """What the contracts depend on: the municipality and the extract date."""

    municipality_code: str
    extract_date: dt.date

    @property
    def max_date(self) -> pd.Timestamp:
        """The latest plausible date: one year after the extract date."""
        return pd.Timestamp(self.extract_date) + pd.DateOffset(years=1)

    def values(self) -> dict[str, str]:
        """The texts of the placeholders in the contracts' expectations."""
        return {
            "{kommunkod}": self.municipality_code,
            "{max_date}": self.max_date.date().isoformat(),
            "{extract_date}": self.extract_date.isoformat(),
            "{extract_year}": str(self.extract_date.year),
            "{max_year}": str(self.max_date.year),
        }

    # Per-row values (here the same for every row) for the checks of :func:`parsed_schemas`.
    def code(self, index) -> str:
        return self.municipality_code

    def max_dates(self, index) -> np.datetime64:
        return np.datetime64(self.max_date.to_datetime64(), "us")

    def extract_dates(self, index) -> np.datetime64:
        return np.datetime64(pd.Timestamp(self.extract_date).to_datetime64(), "us")

    def extract_years(self, index) -> int:
        return self.extract_date.year

    def max_years(self, index) -> int:
        return self.max_date.year

    def unique(self, column: str, values: pd.Series) -> np.ndarray:
        return ~values.duplicated(keep=False).to_numpy(dtype=bool)

    def unique_rows(self, frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
        return ~frame.duplicated(columns, keep=False).to_numpy(dtype=bool)

    def text(self, template: str) -> str:
        return _fill(template, self.values())

    def luhn_ok(self, personnummer: pd.Series) -> np.ndarray:
        """Per value: the check digit is right, or the number is malformed (the format check's failure)."""
        return _luhn_ok(personnummer).to_numpy(dtype=bool)

    def malformed(self, personnummer: pd.Series) -> np.ndarray:
        return parsing.normalise_personnummer(personnummer).isna().to_numpy(dtype=bool)


def _fill(template: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        if placeholder in template:
            template = template.replace(placeholder, value)
    return template


class Contexts:
    """The contexts of a batch of rows from many folders: row ``i`` is ``contexts[source[i]]``'s.

    A frame checked against ``parsed_schemas(Contexts(…))`` must have the index
    ``0 … n-1`` (positions in ``source``). ``unique_ok`` may hold, per column, a
    precomputed mask "the value is not repeated within its folder" (the ingest finds it
    from 64-bit fingerprints of the ids — the pseudonyms' digests, or a vectorised text
    fingerprint for ids it does not keep — far cheaper than a hash table of the texts).
    """

    def __init__(self, contexts: list[Context], source: np.ndarray) -> None:
        self.contexts = list(contexts)
        self.source = np.asarray(source, dtype=np.int64)
        self._codes = pa_arrow.array([c.municipality_code for c in self.contexts], type=pa_arrow.large_string())
        self._max_dates = np.array([c.max_date.to_datetime64() for c in self.contexts], dtype="datetime64[us]")
        self._extract_dates = np.array(
            [pd.Timestamp(c.extract_date).to_datetime64() for c in self.contexts], dtype="datetime64[us]"
        )
        self._extract_years = np.array([c.extract_date.year for c in self.contexts], dtype=np.int64)
        self._max_years = np.array([c.max_date.year for c in self.contexts], dtype=np.int64)
        self.unique_ok: dict[str, np.ndarray] = {}
        self._malformed: np.ndarray | None = None
        self._luhn_ok: np.ndarray | None = None

    def set_personnummer(self, twelve: pd.Series) -> None:
        """The frame's personnummer as normalised (:func:`parsing.normalise_personnummer`), once."""
        self._malformed = twelve.isna().to_numpy(dtype=bool)
        self._luhn_ok = parsing.luhn_valid(twelve).to_numpy(dtype=bool) | self._malformed

    def luhn_ok(self, personnummer: pd.Series) -> np.ndarray:
        if self._luhn_ok is None:
            return _luhn_ok(personnummer).to_numpy(dtype=bool)
        return self._luhn_ok[np.asarray(personnummer.index, dtype=np.int64)]

    def malformed(self, personnummer: pd.Series) -> np.ndarray:
        if self._malformed is None:
            return parsing.normalise_personnummer(personnummer).isna().to_numpy(dtype=bool)
        return self._malformed[np.asarray(personnummer.index, dtype=np.int64)]

    def _rows(self, index) -> np.ndarray:
        return self.source[np.asarray(index, dtype=np.int64)]

    def code(self, index) -> pa_arrow.Array:
        return self._codes.take(pa_arrow.array(self._rows(index)))

    def max_dates(self, index) -> np.ndarray:
        return self._max_dates[self._rows(index)]

    def extract_dates(self, index) -> np.ndarray:
        return self._extract_dates[self._rows(index)]

    def extract_years(self, index) -> np.ndarray:
        return self._extract_years[self._rows(index)]

    def max_years(self, index) -> np.ndarray:
        return self._max_years[self._rows(index)]

    def unique(self, column: str, values: pd.Series) -> np.ndarray:
        known = self.unique_ok.get(column)
        if known is not None:
            return known[np.asarray(values.index, dtype=np.int64)]
        keys = pd.DataFrame({"source": self._rows(values.index), "value": values.to_numpy()})
        return ~keys.duplicated(keep=False).to_numpy(dtype=bool)

    def unique_rows(self, frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
        keys = frame[columns].assign(_source=self._rows(frame.index))
        return ~keys.duplicated(keep=False).to_numpy(dtype=bool)

    def text(self, template: str) -> str:
        return template  # filled in per row by :meth:`expected`

    def expected(self, expected: pd.Series, source: np.ndarray) -> pd.Series:
        """Expectations with their placeholders filled in with the values of each row's folder."""
        out = expected.astype(object).copy()
        templated = expected.astype(str).str.contains("{", regex=False).to_numpy(dtype=bool)
        if templated.any():
            for i in np.unique(source[templated]):
                rows = templated & (source == i)
                values = self.contexts[int(i)].values()
                out[rows] = [_fill(t, values) for t in expected[rows]]
        return out


# --- column contracts ---------------------------------------------------------------------------


def _arrow(values: pd.Series) -> pa_arrow.Array:
    array = pa_arrow.array(values, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa_arrow.ChunkedArray) else array


def _arrow_bool(values) -> np.ndarray:
    if isinstance(values, pa_arrow.ChunkedArray):
        values = values.combine_chunks()
    return values.fill_null(False).to_numpy(zero_copy_only=False)


def _series_check(fn, *, error: str) -> pa.Check:
    """A column check returning a boolean Series aligned with the checked values."""
    return pa.Check(lambda s: pd.Series(np.asarray(fn(s), dtype=bool), index=s.index), error=error)


def _municipality(ctx) -> pa.Column:
    expected = ctx.text('väntade kommunkod "{kommunkod}" (mappens namn och kommunkod i uttag.json)')
    if isinstance(ctx, Context):
        check = pa.Check.isin([ctx.municipality_code], error=expected)
    else:
        check = _series_check(lambda s: _arrow_bool(pc.equal(_arrow(s), ctx.code(s.index))), error=expected)
    return pa.Column(TEXT, check, nullable=False)


def _identifier(ctx=None, name: str = "", *, unique: bool = False) -> pa.Column:
    checks = []
    if unique:  # first, where pandera runs its own uniqueness check: a duplicate is reported as such
        checks.append(_series_check(lambda s: ctx.unique(name, s), error=EXPECT_UNIQUE))
    checks.append(pa.Check(lambda s: s.str.len() <= MAX_ID_CHARS, error=EXPECT_ID))
    return pa.Column(TEXT, checks, nullable=False)


def _code(values, *, nullable: bool = False) -> pa.Column:
    values = list(values)
    expected = "väntade en av koderna " + ", ".join(values)
    return pa.Column(TEXT, pa.Check.isin(values, error=expected), nullable=nullable)


def _date(ctx, *, nullable: bool = False, month: bool = False) -> pa.Column:
    low = MIN_DATE.date().isoformat()
    what = "en månad" if month else "ett datum"
    error = ctx.text(f"väntade {what} mellan {low} och {{max_date}}")
    return pa.Column(DATE_DTYPE, _range_check(MIN_DATE.to_datetime64(), ctx.max_dates, error), nullable=nullable)


def _date_until_extract(ctx) -> pa.Column:
    """A date of something that has happened when the extract was taken (a payment made, a
    placement or an intervention begun, an invoice booked): after the extract date it cannot
    be true, a row fault. (End dates may lie ahead: a planned end, read as an open spell.)"""
    in_range = _date(ctx).checks  # first: a date far off is reported as out of range

    def check(s: pd.Series) -> np.ndarray:
        return s.to_numpy() <= ctx.extract_dates(s.index)

    return pa.Column(
        DATE_DTYPE, [*in_range, _series_check(check, error=ctx.text(EXPECT_UNTIL_EXTRACT))], nullable=False
    )


def _range_check(low, high_of, error: str) -> pa.Check:
    """``low ≤ value ≤ high_of(index)`` (the bounds included, as ``Check.in_range``)."""

    def check(s: pd.Series) -> np.ndarray:
        values = s.to_numpy()
        return (values >= low) & (values <= high_of(s.index))

    return _series_check(check, error=error)


def _amount(*, non_negative: bool = False) -> pa.Column:
    checks = [pa.Check(lambda s: np.isfinite(s), error=EXPECT_FINITE)]
    if non_negative:  # a cost budget is positive; a negative one is the ledger's sign convention by mistake
        checks.append(pa.Check(lambda s: ~(s < 0), error=EXPECT_NON_NEGATIVE))
    return pa.Column("float64", checks, nullable=False)


def _integer(low: int, high: int, what: str = "ett heltal") -> pa.Column:
    return pa.Column(
        "Int64", pa.Check.in_range(low, high, error=f"väntade {what} mellan {low} och {high}"), nullable=False
    )


def _year(ctx, high_of, placeholder: str, what: str) -> pa.Column:
    """An integer from 1900 to the context's year (``high_of``: per row), the bounds included."""
    error = ctx.text(f"väntade {what} mellan 1900 och {placeholder}")

    def check(s: pd.Series) -> np.ndarray:
        values = s.to_numpy(dtype=np.int64)  # missing values are not checked (pandera drops them)
        return (values >= 1900) & (values <= high_of(s.index))

    return pa.Column("Int64", _series_check(check, error=error), nullable=False)


def _luhn_ok(values: pd.Series) -> pd.Series:
    twelve = parsing.normalise_personnummer(values)
    return parsing.luhn_valid(twelve) | twelve.isna()  # a malformed number is the format check's failure


def _personnummer(ctx) -> pa.Column:
    return pa.Column(
        TEXT,
        [
            pa.Check.str_matches(rf"^{parsing.PERSONNUMMER_PATTERN}$", error=EXPECT_PERSONNUMMER),
            _series_check(ctx.luhn_ok, error=EXPECT_LUHN),
        ],
        nullable=False,
    )


def _birth_date(ctx) -> pa.Column:
    error = ctx.text("väntade ett personnummer vars födelsedatum ligger mellan 1900-01-01 och {extract_date}")
    return pa.Column(
        DATE_DTYPE,
        _range_check(MIN_DATE.to_datetime64(), ctx.extract_dates, error),
        nullable=True,  # NaT only where the personnummer itself fails (reported on it)
    )


def _frame_check(fn, *, error: str, column: str) -> pa.Check:
    """A check over the whole frame, reported on ``column`` of the failing rows."""
    _FRAME_CHECK_COLUMN[error] = column
    return pa.Check(fn, error=error)


def _birth_date_valid(ctx) -> pa.Check:
    return _frame_check(
        lambda d: d["birth_date"].notna() | pd.Series(ctx.malformed(d["personnummer"]), index=d.index),
        error="väntade ett personnummer med ett giltigt födelsedatum (ÅÅÅÅMMDD)",
        column="personnummer",
    )


def _ends_after_start(start: str, end: str, raw_start: str, raw_end: str) -> pa.Check:
    return _frame_check(
        lambda d: d[end].isna() | d[start].isna() | (d[end] >= d[start]),  # a missing start is its own failure
        error=f"väntade {raw_end} samma dag som eller efter {raw_start}",
        column=end,
    )


def _unique_rows(ctx, columns: list[str], raw: list[str]) -> pa.Check:
    return _frame_check(
        lambda d: pd.Series(ctx.unique_rows(d, columns), index=d.index),
        error=f"väntade en rad per {', '.join(raw[:-1])} och {raw[-1]} (raden finns flera gånger)",
        column=columns[-1],
    )


def _empty_for_children(column: str, raw: str) -> pa.Check:
    return _frame_check(
        lambda d: (d["role"] != codes.ROLE_CHILD) | d[column].isna(),
        error=f"väntade tomt {raw} för barn (roll {codes.ROLE_CHILD})",
        column=column,
    )


# --- the parsed tables (identifiers still raw) -----------------------------------------------------


def parsed_schemas(ctx: Context | Contexts) -> dict[str, pa.DataFrameSchema]:
    """The contract of each table as parsed, before pseudonymisation (for one folder's
    :class:`Context`, or for a batch of rows from many folders, :class:`Contexts`)."""

    def year(what: str = "ett år") -> pa.Column:
        return _year(ctx, ctx.max_years, "{max_year}", what)

    return {
        "payments": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "transaction_id": _identifier(ctx, "transaction_id", unique=True),
                "household_id": _identifier(),
                "payment_date": _date_until_extract(ctx),
                "for_month": _date(ctx, month=True),
                "amount_kr": _amount(),
                "household_type": _code(codes.HOUSEHOLD_TYPES),
            },
            strict=True,
            name="payments",
        ),
        "household_members": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "household_id": _identifier(),
                "personnummer": _personnummer(ctx),
                "birth_date": _birth_date(ctx),
                "role": _code(codes.MEMBER_ROLES),
                "legal_sex": _code(codes.LEGAL_SEXES),
                "reason": _code(codes.REASONS, nullable=True),
                "newly_arrived": pa.Column("boolean", nullable=True),
                "valid_from": _date(ctx),
                "valid_to": _date(ctx, nullable=True),
            },
            checks=[
                _birth_date_valid(ctx),
                _ends_after_start("valid_from", "valid_to", "giltig_fran", "giltig_till"),
                _empty_for_children("reason", "forsorjningshinder"),
                _empty_for_children("newly_arrived", "nyanland"),
            ],
            strict=True,
            name="household_members",
        ),
        "placements": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "placement_id": _identifier(ctx, "placement_id", unique=True),
                "personnummer": _personnummer(ctx),
                "birth_date": _birth_date(ctx),
                "legal_sex": _code(codes.LEGAL_SEXES),
                "birth_year": _year(ctx, ctx.extract_years, "{extract_year}", "ett födelseår"),
                "target_group": _code(codes.TARGET_GROUPS),
                "form": _code(codes.PLACEMENT_FORMS),
                "legal_basis": _code(codes.LEGAL_BASES),
                "provider_type": _code(codes.PROVIDER_TYPES),
                "provider_id": pa.Column(TEXT, nullable=True),
                "start_date": _date_until_extract(ctx),
                "end_date": _date(ctx, nullable=True),
            },
            checks=[
                _birth_date_valid(ctx),
                _ends_after_start("start_date", "end_date", "startdatum", "slutdatum"),
            ],
            strict=True,
            name="placements",
        ),
        "placement_costs": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "invoice_id": _identifier(ctx, "invoice_id", unique=True),
                "placement_id": _identifier(),
                "care_month": _date(ctx, month=True),
                "booking_date": _date_until_extract(ctx),
                "amount_kr": _amount(),
            },
            strict=True,
            name="placement_costs",
        ),
        "interventions": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "intervention_id": _identifier(ctx, "intervention_id", unique=True),
                "personnummer": _personnummer(ctx),
                "birth_date": _birth_date(ctx),
                "kind": _code(codes.INTERVENTION_KINDS),
                "intervention": _code(codes.INTERVENTIONS),
                "provider_type": _code(codes.PROVIDER_TYPES),
                "start_date": _date_until_extract(ctx),
                "end_date": _date(ctx, nullable=True),
            },
            checks=[
                _birth_date_valid(ctx),
                _ends_after_start("start_date", "end_date", "startdatum", "slutdatum"),
            ],
            strict=True,
            name="interventions",
        ),
        "population": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "year": year(),
                "legal_sex": _code(codes.LEGAL_SEXES),
                "age_band": _code(codes.AGE_BANDS),
                "inhabitants": _integer(0, 100_000_000, "ett antal invånare"),
            },
            checks=[_unique_rows(ctx, ["year", "legal_sex", "age_band"], ["ar", "juridiskt_kon", "aldersgrupp"])],
            strict=True,
            name="population",
        ),
        "ledger": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "year": year(),
                "month": _integer(1, 12, "en månad"),
                "verksamhet": _code(codes.VERKSAMHETER),
                "account_group": _code(codes.ACCOUNT_GROUPS),
                "amount_kr": _amount(),
            },
            strict=True,
            name="ledger",
        ),
        "budget": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "year": year(),
                "verksamhet": _code(codes.VERKSAMHETER),
                "budget_kr": _amount(),
            },
            checks=[_unique_rows(ctx, ["year", "verksamhet"], ["ar", "verksamhet"])],
            strict=True,
            name="budget",
        ),
        "cost_budget": pa.DataFrameSchema(
            {
                "municipality_code": _municipality(ctx),
                "year": year(),
                "area": _code(codes.COST_AREAS),
                "budget_kr": _amount(non_negative=True),
            },
            checks=[_unique_rows(ctx, ["year", "area"], ["ar", "omrade"])],
            strict=True,
            name="cost_budget",
        ),
    }


# --- the processed tables (docs/processed_data.md) ---------------------------------------------------


def _key(*, nullable: bool = False) -> pa.Column:
    return pa.Column(TEXT, pa.Check.str_length(16, 16, error=EXPECT_KEY), nullable=nullable)


def _processed_code(values, *, nullable: bool = False) -> pa.Column:
    return pa.Column(TEXT, pa.Check.isin(list(values)), nullable=nullable)


def _processed_date(*, nullable: bool = False) -> pa.Column:
    return pa.Column(DATE_DTYPE, pa.Check(lambda s: (s == s.dt.normalize()) | s.isna()), nullable=nullable)


def _processed_amount(*, non_negative: bool = False) -> pa.Column:
    checks = [pa.Check(lambda s: np.isfinite(s))]
    if non_negative:
        checks.append(pa.Check(lambda s: s >= 0))
    return pa.Column("float64", checks, nullable=False)


_CODE4 = pa.Column(TEXT, pa.Check.str_matches(r"^\d{4}$"), nullable=False)
_INT = pa.Column("int64", nullable=False)

#: The processed tables, as written to ``data/processed/<kommunkod>/<table>.parquet``.
PROCESSED_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "payments": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "household_key": _key(),
            "payment_date": _processed_date(),
            "for_month": pa.Column(DATE_DTYPE, pa.Check(lambda s: s.dt.day == 1), nullable=False),
            "amount_kr": _processed_amount(),
            "household_type": _processed_code(codes.HOUSEHOLD_TYPES),
        },
        strict=True,
        ordered=True,
        name="payments",
    ),
    "household_members": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "household_key": _key(),
            "person_key": _key(),
            "role": _processed_code(codes.MEMBER_ROLES),
            "legal_sex": _processed_code(codes.LEGAL_SEXES),
            "birth_date": _processed_date(),
            "reason": _processed_code(codes.REASONS, nullable=True),
            "newly_arrived": pa.Column("boolean", nullable=True),
            "valid_from": _processed_date(),
            "valid_to": _processed_date(nullable=True),
        },
        strict=True,
        ordered=True,
        name="household_members",
    ),
    "placements": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "placement_key": _key(),
            "person_key": _key(),
            "legal_sex": _processed_code(codes.LEGAL_SEXES),
            "birth_year": _INT,
            "target_group": _processed_code(codes.TARGET_GROUPS),
            "form": _processed_code(codes.PLACEMENT_FORMS),
            "legal_basis": _processed_code(codes.LEGAL_BASES),
            "provider_type": _processed_code(codes.PROVIDER_TYPES),
            "provider_id": pa.Column(TEXT, nullable=True),
            "start_date": _processed_date(),
            "end_date": _processed_date(nullable=True),
        },
        strict=True,
        ordered=True,
        name="placements",
    ),
    "placement_costs": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "placement_key": _key(),
            "care_month": pa.Column(DATE_DTYPE, pa.Check(lambda s: s.dt.day == 1), nullable=False),
            "booking_date": _processed_date(),
            "amount_kr": _processed_amount(),
        },
        strict=True,
        ordered=True,
        name="placement_costs",
    ),
    "interventions": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "intervention_key": _key(),
            "person_key": _key(),
            "kind": _processed_code(codes.INTERVENTION_KINDS),
            "intervention": _processed_code(codes.INTERVENTIONS),
            "provider_type": _processed_code(codes.PROVIDER_TYPES),
            "start_date": _processed_date(),
            "end_date": _processed_date(nullable=True),
        },
        strict=True,
        ordered=True,
        name="interventions",
    ),
    "population": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "year": _INT,
            "legal_sex": _processed_code(codes.LEGAL_SEXES),
            "age_band": _processed_code(codes.AGE_BANDS),
            "inhabitants": _INT,
        },
        strict=True,
        ordered=True,
        name="population",
    ),
    "ledger": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "year": _INT,
            "month": pa.Column("int64", pa.Check.in_range(1, 12), nullable=False),
            "verksamhet": _processed_code(codes.VERKSAMHETER),
            "account_group": _processed_code(codes.ACCOUNT_GROUPS),
            "amount_kr": _processed_amount(),
        },
        strict=True,
        ordered=True,
        name="ledger",
    ),
    "budget": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "year": _INT,
            "verksamhet": _processed_code(codes.VERKSAMHETER),
            "budget_kr": _processed_amount(),
        },
        strict=True,
        ordered=True,
        name="budget",
    ),
    "cost_budget": pa.DataFrameSchema(
        {
            "municipality_code": _CODE4,
            "year": _INT,
            "area": _processed_code(codes.COST_AREAS),
            "budget_kr": _processed_amount(non_negative=True),
        },
        strict=True,
        ordered=True,
        name="cost_budget",
    ),
}


# --- failures ----------------------------------------------------------------------------------------


def failure_frame(failure_cases: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases as ``index`` (frame index), ``column`` (parsed), ``expected``.

    A frame-wide check is reported once per failing row, on its own column; failures
    without a row (a wrong dtype — a bug of the ingest, not of the data) keep ``index``
    missing. Failure values are dropped: they may be identifiers.
    """
    fc = failure_cases
    check = fc["check"].astype(object).map(lambda c: _BUILTIN.get(str(c), str(c)))
    frame_wide = fc["schema_context"].astype(str).eq("DataFrameSchema") & check.isin(list(_FRAME_CHECK_COLUMN))
    column = fc["column"].astype(object).where(~frame_wide, check.map(_FRAME_CHECK_COLUMN))
    out = pd.DataFrame(
        {
            "index": pd.to_numeric(fc["index"], errors="coerce").astype("Int64"),
            "column": column.astype(object),
            "expected": check.astype(object),
        }
    )
    return out.drop_duplicates(ignore_index=True)
