"""The privacy scan: no identity may reach processed data, reports, notebooks or logs.

Two kinds of hit, both reported masked (a hit is never printed in full):

- anything shaped like a personnummer or samordningsnummer with a valid check digit
  (10 or 12 digits, with or without the separator);
- any identifier value of the raw exports (personnummer, household, transaction,
  placement, invoice and intervention ids), looked up exactly — so a case id that
  slipped through un-pseudonymised is found even though it has no pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# not inside a longer run of digits or hex (pseudonyms are hex and may hold ten digits in a row)
PNR = re.compile(
    rb"(?<![0-9A-Fa-f])(?:19|20)?([0-9]{2})(0[1-9]|1[0-2])([0-8][0-9]|9[01])[-+]?([0-9]{4})(?![0-9A-Fa-f])"
)
TOKEN = re.compile(r"[0-9A-Za-zÅÄÖåäö_+-]{4,}")
IDENTIFIER_COLUMNS = (
    "personnummer",
    "hushalls_id",
    "transaktions_id",
    "placerings_id",
    "faktura_id",
    "insats_id",
)
TEXT_SUFFIXES = {".html", ".json", ".csv", ".ipynb", ".md", ".txt", ".log", ".py", ".toml", ".yml", ".yaml", ".xml"}


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def personnummer_hits(data: bytes) -> list[str]:
    """Masked personnummer/samordningsnummer-like values with a valid check digit."""
    found = []
    for m in PNR.finditer(data):
        yy, mm, dd, tail = (g.decode() for g in m.groups())
        day = int(dd) - 60 if int(dd) > 60 else int(dd)  # samordningsnummer: day + 60
        if 1 <= day <= 31 and luhn_ok(yy + mm + dd + tail):
            found.append(f"{yy}{mm}{dd[:1]}*-****")
    return found


@dataclass(frozen=True)
class Hit:
    path: Path
    kind: str  # "personnummer-like" or "raw identifier"
    masked: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} {self.masked}"


def raw_identifiers(raw_root: Path) -> set[str]:
    """Every identifier value in the raw exports under ``raw_root`` (CSV files)."""
    values: set[str] = set()
    for path in Path(raw_root).glob("*/*.csv"):
        header = path.open(encoding="utf-8-sig", errors="replace").readline().strip().split(";")
        wanted = [c for c in header if c in IDENTIFIER_COLUMNS]
        if not wanted:
            continue
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                frame = pd.read_csv(path, sep=";", usecols=wanted, dtype=str, encoding=encoding, keep_default_na=False)
                break
            except UnicodeDecodeError:
                continue
        for column in wanted:
            values.update(v.strip() for v in frame[column] if v and len(v.strip()) >= 4)
    return values


def _mask(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 2)


def _text_of(path: Path) -> bytes:
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        text_columns = [
            c for c in frame.columns
            if (frame[c].dtype.kind in "OSUT" or str(frame[c].dtype) in ("str", "string"))
        ]
        parts = [frame[c].astype(str).str.cat(sep="\n") for c in text_columns]
        return "\n".join(parts).encode("utf-8")
    return path.read_bytes()


def scan(paths: list[Path], identifiers: set[str] | None = None) -> list[Hit]:
    """Hits in every text and Parquet file under ``paths``."""
    hits: list[Hit] = []
    files = []
    for root in paths:
        root = Path(root)
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        if path.suffix not in TEXT_SUFFIXES and path.suffix != ".parquet":
            continue
        data = _text_of(path)
        hits += [Hit(path, "personnummer-like", m) for m in personnummer_hits(data)]
        if identifiers:
            tokens = set(TOKEN.findall(data.decode("utf-8", errors="replace")))
            hits += [Hit(path, "raw identifier", _mask(t)) for t in sorted(tokens & identifiers)]
    return hits
