"""Checks beyond the contracts: a file's decimal mark, formula cells, implausible rows.

* :func:`check_structure` — a fault of the whole file, raised at once as
  :class:`IngestError`: an amount column written with a decimal **point** (alone or
  mixed with decimal commas). Such a file needs a mapping (``decimal: "."``), not row
  by row corrections, so it is never quarantined.
* :func:`formula_failures` — cells that a spreadsheet would run as a formula
  (CSV injection): in a text, code or identifier column any cell starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return that is not a number
  (:func:`snanalys.cells.is_formula_text`: ``-850`` is a number); in a date or number
  column a cell starting with ``=`` or ``@``, or ``+``/``-`` followed by a letter
  (anything else there is the parser's to judge: ``-850,00`` is an amount).
* :func:`text_failures` — free-text columns (kind ``TEXT``, e.g. ``utforar_id``): at
  most :data:`MAX_TEXT_CHARS` characters, no control character (NUL, tab, line breaks
  and the other C0/C1 controls) and nothing :mod:`snanalys.identity` finds (a
  personnummer, a phone number, an e-mail address …) — except where the column names a
  person by design (:attr:`~snanalys.ingest.tables.Field.personal_when`: an own family
  home's provider), which is pseudonymised instead.
* :func:`plausibility_failures` — rows that parse but cannot be right: one payment of
  more than :data:`MAX_PAYMENT_KR`, a person's placements overlapping in time.

The failure frames have the columns of :func:`snanalys.ingest.validation.parse_table`'s:
``index`` (frame index), ``column`` (parsed name) and ``expected``; values are never
carried (they may be identifiers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from snanalys import cells, identity
from snanalys.ingest import parsing, tables
from snanalys.ingest.errors import CONTROL_CHARACTERS, IngestError, problem
from snanalys.ingest.tables import TableSpec

#: The largest plausible single payment of economic assistance, in kronor.
MAX_PAYMENT_KR = 10_000_000

EXPECT_FORMULA = "väntade ett värde, inte en kalkylbladsformel (cellen börjar med =, +, -, @, tabb eller vagnretur)"
#: The longest free text (``TEXT`` column) the ingest reads.
MAX_TEXT_CHARS = 200
EXPECT_TEXT_LENGTH = f"väntade en text med högst {MAX_TEXT_CHARS} tecken"
EXPECT_CONTROL = "väntade en text utan styrtecken (NUL, tabb, radbrytning …)"
EXPECT_IDENTITY = "väntade en text utan personuppgifter (hittade: {kind})"
EXPECT_MIXED_DECIMALS = (
    "väntade decimalkomma i hela kolumnen, men kolumnen har decimalpunkt (blandade decimaltecken; "
    'filen stoppas – ange decimaltecknet i en mappningsfil, t.ex. decimal: ".")'
)
EXPECT_PAYMENT_SIZE = f"väntade en utbetalning på högst {MAX_PAYMENT_KR:,} kr (orimligt stort belopp)".replace(",", " ")
EXPECT_NO_OVERLAP = (
    "väntade att placeringen börjar tidigast när personens föregående placering slutar "
    "(överlappande placeringar för samma person)"
)

_FORMULA = r"(?:[=@]|[+\-][A-Za-zÅÄÖåäö]).*"  # in date and number columns
#: Column kinds in which any cell starting with a formula character is refused (unless a number).
TEXT_KINDS = frozenset({tables.TEXT, tables.CODE, tables.IDENTIFIER, tables.MUNICIPALITY, tables.PERSONNUMMER})
_DOT_DECIMAL = r"-?[\d \u00a0\u202f]*\d\.\d{1,2}"


def _failures(index, column: str, expected: str) -> pd.DataFrame:
    return pd.DataFrame({"index": pd.Series(np.asarray(index), dtype="Int64"), "column": column, "expected": expected})


def _first_bytes(values: pd.Series) -> np.ndarray:
    """The first byte of each cell (0 for an empty or missing one), read from the text's buffers."""
    array = pa.array(parsing.as_text(values), from_pandas=True)
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    out = []
    for chunk in chunks:
        n = len(chunk)
        if n == 0:
            continue
        chunk = chunk.cast(pa.large_string())
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
        if data_buffer is None or offsets[-1] == offsets[0]:
            out.append(np.zeros(n, dtype=np.uint8))
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        first = data[np.minimum(offsets[:-1], offsets[-1] - 1)]  # in range; empty cells zeroed next
        out.append(np.where(offsets[1:] > offsets[:-1], first, 0).astype(np.uint8, copy=False))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.uint8)


_FORMULA_FIRST = np.zeros(256, dtype=bool)
_FORMULA_FIRST[[ord(c) for c in cells.FORMULA_START]] = True


def _matching(values: pd.Series, candidates: np.ndarray, pattern: str) -> np.ndarray:
    """Positions of the cells among ``candidates`` (a mask) that fully match ``pattern``."""
    positions = np.flatnonzero(candidates)
    if len(positions) == 0:
        return positions
    subset = parsing.as_text(values.iloc[positions])
    return positions[parsing.fullmatch(subset, pattern).to_numpy(dtype=bool)]


def dot_decimal_cells(spec: TableSpec, text: pd.DataFrame) -> list[tuple[tables.Field, np.ndarray]]:
    """Per amount column (in the spec's order): the positions of its cells with a decimal point."""
    out = []
    for f in spec.fields:
        if f.kind != tables.AMOUNT or f.raw not in text.columns:
            continue
        values = parsing.as_text(text[f.raw])
        has_dot = pc.match_substring(pa.array(values, from_pandas=True), ".")
        candidates = np.asarray(has_dot.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
        out.append((f, _matching(values, candidates, _DOT_DECIMAL)))
    return out


def check_structure(spec: TableSpec, text: pd.DataFrame, file: str) -> None:
    """Raise :class:`IngestError` (file, first row, column) for amounts with a decimal point."""
    for f, positions in dot_decimal_cells(spec, text):
        if len(positions):
            first = text.index[positions[0]]
            row = int(first) + 2  # the row in the file (header = row 1), as RawFile.row_numbers
            value = text.at[first, f.raw]
            raise IngestError([problem(file, EXPECT_MIXED_DECIMALS, row=row, column=f.raw, value=value)])


def formula_failures(spec: TableSpec, text: pd.DataFrame) -> pd.DataFrame:
    """Cells that look like spreadsheet formulas, in any column (the patterns only where a
    cell begins with one of = + - @ tab CR)."""
    out = []
    for f in spec.fields:
        if f.raw not in text.columns:
            continue
        values = text[f.raw]
        candidates = _FORMULA_FIRST[_first_bytes(values)]
        if f.kind in TEXT_KINDS:
            positions = np.flatnonzero(candidates)
            numbers = _matching(values, candidates, cells.NUMBER_PATTERN)
            bad = np.setdiff1d(positions, numbers, assume_unique=True)
        else:
            bad = _matching(values, candidates, _FORMULA)
        if len(bad):
            out.append(_failures(text.index[bad], f.name, EXPECT_FORMULA))
    return pd.concat(out, ignore_index=True) if out else _failures([], "", "")


def text_failures(spec: TableSpec, text: pd.DataFrame) -> pd.DataFrame:
    """Free-text cells that are too long, hold a control character or an identity.

    Rows where a column names a person by design
    (:attr:`~snanalys.ingest.tables.Field.personal_when`) are not searched for identities:
    the value is pseudonymised. Each distinct value is searched once.
    """
    out = []
    for f in spec.fields:
        if f.kind != tables.TEXT or f.raw not in text.columns:
            continue
        values = parsing.as_text(text[f.raw])
        array = pa.array(values, from_pandas=True)
        long = np.asarray(pc.greater(pc.utf8_length(array), MAX_TEXT_CHARS).fill_null(False), dtype=bool)
        control = (
            np.asarray(pc.match_substring_regex(array, CONTROL_CHARACTERS.pattern).fill_null(False), dtype=bool) & ~long
        )
        searched = ~long & ~control
        personal = spec.personal_rows(f, text)
        if personal is not None:
            searched &= ~personal
        kinds = _identity_kinds(values, searched)
        for mask, expected in ((long, EXPECT_TEXT_LENGTH), (control, EXPECT_CONTROL)):
            if mask.any():
                out.append(_failures(text.index[mask], f.name, expected))
        for kind, positions in kinds.items():
            out.append(_failures(text.index[positions], f.name, EXPECT_IDENTITY.format(kind=kind)))
    return pd.concat(out, ignore_index=True) if out else _failures([], "", "")


def _identity_kinds(values: pd.Series, searched: np.ndarray) -> dict[str, np.ndarray]:
    """Positions of the ``searched`` cells holding an identity, by its kind (in Swedish)."""
    positions = np.flatnonzero(searched & (values != "").to_numpy(dtype=bool))
    if len(positions) == 0:
        return {}
    codes, uniques = pd.factorize(values.iloc[positions])
    kinds = {}
    for code, value in enumerate(uniques):
        findings = identity.find_identities(value)
        if findings:
            kinds[code] = findings[0].label_sv
    out: dict[str, list[np.ndarray]] = {}
    for code, kind in kinds.items():
        out.setdefault(kind, []).append(positions[codes == code])
    return {kind: np.sort(np.concatenate(parts)) for kind, parts in out.items()}


def plausibility_failures(spec: TableSpec, frame: pd.DataFrame, group: np.ndarray | None = None) -> pd.DataFrame:
    """Rows that parse and meet the contract but cannot be right (``group``: each row's folder
    in a batch of many; a person's placements are compared within their folder only)."""
    out = []
    if spec.table == "payments":
        big = frame["amount_kr"].abs() > MAX_PAYMENT_KR
        if big.any():
            out.append(_failures(frame.index[big.fillna(False).to_numpy(dtype=bool)], "amount_kr", EXPECT_PAYMENT_SIZE))
    if spec.table == "placements":
        overlapping = overlapping_spells(frame, "personnummer", "start_date", "end_date", group=group)
        if overlapping.any():
            out.append(_failures(frame.index[overlapping.to_numpy()], "start_date", EXPECT_NO_OVERLAP))
    return pd.concat(out, ignore_index=True) if out else _failures([], "", "")


def overlapping_spells(
    frame: pd.DataFrame,
    who: str,
    start: str,
    end: str,
    *,
    end_inclusive: bool = False,
    group: np.ndarray | None = None,
) -> pd.Series:
    """Spells that start before an earlier spell of the same ``who`` has ended (the later ones).

    ``end`` is a departure date (not itself a day of the spell) unless ``end_inclusive``;
    a missing end is an open spell. Rows missing ``who`` or ``start`` are never flagged.
    ``group`` (one value per row, e.g. the folder in a batch): spells of the same ``who``
    in different groups are not compared.
    """
    ok = frame[who].notna() & frame[start].notna()
    if not ok.any():
        return pd.Series(False, index=frame.index)
    part = frame.loc[ok, [who, start, end]].copy()
    if group is not None or part[who].dtype != np.int64:
        # An integer per (group, who): sorts far faster than text and tells the same spells apart.
        codes, uniques = pd.factorize(part[who])
        groups = np.zeros(len(part), dtype=np.int64) if group is None else np.asarray(group)[ok.to_numpy()]
        part[who] = codes.astype(np.int64) * (int(groups.max(initial=0)) + 1) + groups
    ends = part[end] + pd.Timedelta(days=1) if end_inclusive else part[end]
    part["_end"] = ends.fillna(pd.Timestamp("2262-01-01"))
    part = part.sort_values([who, start], kind="stable")
    previous_end = part.groupby(who, sort=False)["_end"].cummax().groupby(part[who], sort=False).shift()
    flagged = (part[start] < previous_end).fillna(False).astype(bool)
    return flagged.reindex(frame.index, fill_value=False)
