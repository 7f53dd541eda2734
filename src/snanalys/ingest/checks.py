"""Checks beyond the contracts: a file's decimal mark, formula cells, implausible rows.

* :func:`check_structure` — a fault of the whole file, raised at once as
  :class:`IngestError`: an amount column written with a decimal **point** (alone or
  mixed with decimal commas). Such a file needs a mapping (``decimal: "."``), not row
  by row corrections, so it is never quarantined.
* :func:`formula_failures` — cells that a spreadsheet would run as a formula
  (CSV injection): starting with ``=``, ``@``, or ``+``/``-`` followed by a letter.
* :func:`plausibility_failures` — rows that parse but cannot be right: one payment of
  more than :data:`MAX_PAYMENT_KR`, a person's placements overlapping in time.

The failure frames have the columns of :func:`snanalys.ingest.pipeline.parse_table`'s:
``index`` (frame index), ``column`` (parsed name) and ``expected``; values are never
carried (they may be identifiers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys.ingest import parsing, tables
from snanalys.ingest.errors import IngestError, problem
from snanalys.ingest.tables import TableSpec

#: The largest plausible single payment of economic assistance, in kronor.
MAX_PAYMENT_KR = 10_000_000

EXPECT_FORMULA = "väntade ett värde, inte en kalkylbladsformel (cellen börjar med =, +, -, @)"
EXPECT_MIXED_DECIMALS = (
    "väntade decimalkomma i hela kolumnen, men kolumnen har decimalpunkt (blandade decimaltecken; "
    'filen stoppas – ange decimaltecknet i en mappningsfil, t.ex. decimal: ".")'
)
EXPECT_PAYMENT_SIZE = f"väntade en utbetalning på högst {MAX_PAYMENT_KR:,} kr (orimligt stort belopp)".replace(",", " ")
EXPECT_NO_OVERLAP = (
    "väntade att placeringen börjar tidigast när personens föregående placering slutar "
    "(överlappande placeringar för samma person)"
)

_FORMULA = r"(?:[=@]|[+\-][A-Za-zÅÄÖåäö]).*"
_DOT_DECIMAL = r"-?[\d \u00a0\u202f]*\d\.\d{1,2}"


def _failures(index, column: str, expected: str) -> pd.DataFrame:
    return pd.DataFrame({"index": pd.Series(np.asarray(index), dtype="Int64"), "column": column, "expected": expected})


def check_structure(spec: TableSpec, text: pd.DataFrame, file: str) -> None:
    """Raise :class:`IngestError` (file, first row, column) for amounts with a decimal point."""
    for f in spec.fields:
        if f.kind != tables.AMOUNT or f.raw not in text.columns:
            continue
        dot = parsing.fullmatch(parsing.as_text(text[f.raw]), _DOT_DECIMAL)
        if dot.any():
            first = text.index[dot.to_numpy()][0]
            row = int(first) + 2  # the row in the file (header = row 1), as RawFile.row_numbers
            value = text.at[first, f.raw]
            raise IngestError([problem(file, EXPECT_MIXED_DECIMALS, row=row, column=f.raw, value=value)])


def formula_failures(spec: TableSpec, text: pd.DataFrame) -> pd.DataFrame:
    """Cells that look like spreadsheet formulas, in any column."""
    out = []
    for f in spec.fields:
        if f.raw not in text.columns:
            continue
        bad = parsing.fullmatch(parsing.as_text(text[f.raw]), _FORMULA)
        if bad.any():
            out.append(_failures(text.index[bad.to_numpy()], f.name, EXPECT_FORMULA))
    return pd.concat(out, ignore_index=True) if out else _failures([], "", "")


def plausibility_failures(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that parse and meet the contract but cannot be right."""
    out = []
    if spec.table == "payments":
        big = frame["amount_kr"].abs() > MAX_PAYMENT_KR
        if big.any():
            out.append(_failures(frame.index[big.fillna(False).to_numpy(dtype=bool)], "amount_kr", EXPECT_PAYMENT_SIZE))
    if spec.table == "placements":
        overlapping = overlapping_spells(frame, "personnummer", "start_date", "end_date")
        if overlapping.any():
            out.append(_failures(frame.index[overlapping.to_numpy()], "start_date", EXPECT_NO_OVERLAP))
    return pd.concat(out, ignore_index=True) if out else _failures([], "", "")


def overlapping_spells(frame: pd.DataFrame, who: str, start: str, end: str, *, end_inclusive: bool = False) -> pd.Series:
    """Spells that start before an earlier spell of the same ``who`` has ended (the later ones).

    ``end`` is a departure date (not itself a day of the spell) unless ``end_inclusive``;
    a missing end is an open spell. Rows missing ``who`` or ``start`` are never flagged.
    """
    ok = frame[who].notna() & frame[start].notna()
    if not ok.any():
        return pd.Series(False, index=frame.index)
    part = frame.loc[ok, [who, start, end]].copy()
    ends = part[end] + pd.Timedelta(days=1) if end_inclusive else part[end]
    part["_end"] = ends.fillna(pd.Timestamp("2262-01-01"))
    part = part.sort_values([who, start], kind="stable")
    previous_end = part.groupby(who, sort=False)["_end"].cummax().groupby(part[who], sort=False).shift()
    flagged = (part[start] < previous_end).fillna(False).astype(bool)
    return flagged.reindex(frame.index, fill_value=False)
