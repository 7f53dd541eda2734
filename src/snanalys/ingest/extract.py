"""``uttag.json``: which municipality a raw folder holds, how far its extract reaches.

:func:`read_extract` reads and checks it (the code agrees with the folder's name, the
extract date is not after today, :func:`snanalys.periods.today`; the municipality's name,
printed on every page, is bounded free text without a personal identity). It is read,
for every folder, before any data file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from snanalys.identity import find_identities
from snanalys.ingest import checks, parsing
from snanalys.ingest.errors import CONTROL_CHARACTERS, IngestError
from snanalys.periods import today

EXTRACT_FILE = "uttag.json"
#: The municipality's counting basis (``raknegrund`` in uttag.json) → its name in extract.json: which
#: month a payment of economic assistance counts in. Its payment date (kassamässigt, the municipality's
#: own tables; the default) or the month the assistance is for (Socialstyrelsen's basis, HSLF-FS 2015:30, 3 §).
COUNTING_BASES = {"utbetalningsdatum": "payment_date", "avser_manad": "for_month"}


@dataclass(frozen=True)
class ExtractInfo:
    """``uttag.json``: which municipality and how far the extract reaches."""

    municipality_code: str
    municipality_name: str
    extract_date: dt.date
    data_from: dt.date
    synthetic: bool
    sha256: str
    counting_basis: str = "payment_date"  # a value of COUNTING_BASES

    @property
    def covered_through(self) -> dt.date:
        return covered_through(self.extract_date)


def covered_through(extract_date: dt.date) -> dt.date:
    """The last day of the last complete month: the extract date's own month if the
    extract date is its last day, otherwise the month before."""
    last = calendar.monthrange(extract_date.year, extract_date.month)[1]
    if extract_date.day == last:
        return extract_date
    return extract_date.replace(day=1) - dt.timedelta(days=1)


def folder_name(raw_dir: Path) -> str:
    """The folder's own name (``.`` and ``..`` resolved, symbolic links not followed)."""
    return Path(os.path.abspath(raw_dir)).name


def read_extract(raw_dir: Path, display_prefix: str = "") -> ExtractInfo:
    """Read and check ``uttag.json`` of a raw municipality folder."""
    name = f"{display_prefix}{EXTRACT_FILE}"
    path = Path(raw_dir) / EXTRACT_FILE
    if not path.is_file():
        raise IngestError.single(name, "filen saknas (väntade uttag.json med kommunkod, uttagsdatum …)")
    data = path.read_bytes()
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IngestError.single(name, "väntade giltig JSON i UTF-8") from None
    if not isinstance(meta, dict):
        raise IngestError.single(name, "väntade ett JSON-objekt")

    def text(key: str) -> str:
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            raise IngestError.single(name, "väntade en text", column=key, value=value)
        return value.strip()

    def date(key: str) -> dt.date:
        value = text(key)
        if not re.fullmatch(parsing.DATE_PATTERN, value):
            raise IngestError.single(name, parsing.EXPECT_DATE, column=key, value=value)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise IngestError.single(name, parsing.EXPECT_DATE, column=key, value=value) from None

    code = text("kommunkod")
    if not re.fullmatch(r"\d{4}", code):
        raise IngestError.single(
            name, "väntade en kommunkod med fyra siffror (som text)", column="kommunkod", value=code
        )
    folder = folder_name(raw_dir)
    if code != folder:
        raise IngestError.single(
            name, f'väntade samma kommunkod som mappens namn "{folder}"', column="kommunkod", value=code
        )
    synthetic = meta.get("syntetiska_data", False)
    if not isinstance(synthetic, bool):
        raise IngestError.single(name, "väntade true eller false", column="syntetiska_data", value=synthetic)
    extract_date, data_from = date("uttagsdatum"), date("data_fran")
    now = today()
    if extract_date > now:  # else its "complete" months would be months that have not happened
        raise IngestError.single(
            name,
            f"väntade ett uttagsdatum senast dagens datum {now.isoformat()} (ett uttag kan inte tas i framtiden)",
            column="uttagsdatum",
            value=extract_date.isoformat(),
        )
    if data_from > extract_date:
        raise IngestError.single(name, "väntade data_fran före uttagsdatum", column="data_fran", value=data_from)
    municipality_name = text("kommunnamn")
    _check_free_text(name, "kommunnamn", municipality_name)
    basis = meta.get("raknegrund", "utbetalningsdatum")
    if basis not in COUNTING_BASES:
        expected = " eller ".join(f'"{b}"' for b in COUNTING_BASES)
        raise IngestError.single(name, f"väntade {expected}", column="raknegrund", value=basis)
    return ExtractInfo(
        municipality_code=code,
        municipality_name=municipality_name,
        extract_date=extract_date,
        data_from=data_from,
        synthetic=synthetic,
        sha256=hashlib.sha256(data).hexdigest(),
        counting_basis=COUNTING_BASES[basis],
    )


def _check_free_text(file: str, key: str, value: str) -> None:
    """A text of uttag.json that is printed in the report (the municipality's name on every
    page and in the PDF's title): bounded, no control character, no personal identity."""
    if len(value) > checks.MAX_TEXT_CHARS:
        raise IngestError.single(file, checks.EXPECT_TEXT_LENGTH, column=key, value=value)
    if CONTROL_CHARACTERS.search(value):
        raise IngestError.single(file, checks.EXPECT_CONTROL, column=key, value=value)
    findings = find_identities(value)
    if findings:
        expected = checks.EXPECT_IDENTITY.format(kind=findings[0].label_sv)
        raise IngestError.single(file, expected, column=key, value=value)
