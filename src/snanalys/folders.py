"""Which sub-folders of a data folder are municipalities: one rule for the CLI, the report and the ingest.

A municipality folder is named by its four-digit municipality code (``data/raw/0480``,
``data/processed/0480``). Nothing else is one: hidden folders (the ingest's ``.tmp-…``
work folders, ``.git`` …), ``data/raw/examples/`` (documentation: example exports and
their mapping files, read only by ``snanalys check-export``) and any other name are
never read as data. A raw municipality folder must hold ``uttag.json``: a four-digit
folder without one is an error naming the missing file, never skipped, so a half-copied
extract cannot drop out of a report unseen. (Processed folders, written whole by the
ingest, are checked for ``extract.json`` by :func:`snanalys.data.municipality_dirs`.)

This module imports nothing heavy: the command line asks it before it loads pandas.
"""

from __future__ import annotations

import re
from pathlib import Path

RAW_EXTRACT = "uttag.json"
PROCESSED_EXTRACT = "extract.json"
EXPECT_RAW_EXTRACT = "filen saknas (en kommunmapp, namngiven med fyra siffror, måste ha uttag.json)"

_CODE = re.compile(r"[0-9]{4}")


def is_municipality_code(name: str) -> bool:
    """A folder name that is a municipality code: exactly four digits."""
    return _CODE.fullmatch(name) is not None


def municipality_folders(root: Path) -> list[Path]:
    """The sub-folders of ``root`` named by a municipality code, sorted; none if ``root`` is missing."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if is_municipality_code(p.name) and p.is_dir())


def raw_municipality_dirs(raw_root: Path) -> list[Path]:
    """The municipality folders of ``raw_root``; :class:`~snanalys.ingest.errors.IngestError`
    naming ``<code>/uttag.json`` when one of them lacks it."""
    dirs = municipality_folders(raw_root)
    for d in dirs:
        if not (d / RAW_EXTRACT).is_file():
            from snanalys.ingest.errors import IngestError

            raise IngestError.single(f"{d.name}/{RAW_EXTRACT}", EXPECT_RAW_EXTRACT)
    return dirs
