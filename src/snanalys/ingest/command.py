"""The ``snanalys check-export FILE [--mapping M]`` sub-command (wired by ``register(sub)`` in cli.py).

Prints what the ingest would make of one export read through its mapping, or of one raw
file (no mapping: read by the ingest's own reader) (:func:`snanalys.ingest.check.check_export`);
writes nothing. Exit code 0 when every
row would be read, 3 when any row would be rejected or the file stopped (or the
mapping is unusable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_REJECTED = 3


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check-export",
        help="check a municipality's export against a mapping file, or a raw file as it is: what would be read "
        "or rejected (writes nothing)",
        description="Reads FILE (.csv or .xlsx) as the mapping M says (without --mapping: as a raw file of "
        "data/raw/<kommunkod>/, read exactly as `snanalys ingest` reads it) and reports the rows, columns and "
        "codes it would read and the rows it would reject (row, column, expected; identifiers masked). Exit 0 if "
        "every row would be read, 3 otherwise.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the export, or a raw file (.csv or .xlsx)")
    p.add_argument("--mapping", type=Path, metavar="M", help="the mapping file (YAML); without it FILE is a raw file")
    p.add_argument(
        "--extract-date",
        type=dt.date.fromisoformat,
        help="the extract date the date checks are bounded by (YYYY-MM-DD; default: today)",
    )
    p.set_defaults(func=cmd_check_export)


def cmd_check_export(args: argparse.Namespace) -> int:
    from snanalys.ingest.check import check_export
    from snanalys.ingest.mapping import MappingError

    try:
        report = check_export(args.file, args.mapping, extract_date=getattr(args, "extract_date", None))
    except MappingError as exc:
        print(f"snanalys: error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(report.text())
    return report.exit_code
