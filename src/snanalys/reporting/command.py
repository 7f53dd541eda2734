"""The ``snanalys report`` sub-command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def register(subparsers, date_type) -> None:
    p = subparsers.add_parser(
        "report",
        help="run the tertial report: public pages, PDF and tables in reports/YYYY-TN/",
        description="Executes every notebook with papermill and publishes reports/YYYY-TN/ (public) and "
        "reports/_internal/YYYY-TN/ (executed notebooks, unsuppressed tables, manifest).",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", type=int, help="the report year (with --tertial)")
    which.add_argument("--latest", action="store_true", help="the latest closed tertial the data covers")
    p.add_argument("--tertial", type=int, choices=(1, 2, 3), help="1 (Jan–Apr), 2 (Jan–Aug) or 3 (the year)")
    p.add_argument("--as-of", type=date_type, help="judge 'latest' (and data coverage) as of this date")
    p.add_argument("--kommun", help="municipality code, when data/processed holds several")
    p.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="default: ./notebooks")
    p.add_argument("--reports-dir", type=Path, default=Path("reports"), help="default: ./reports")
    p.add_argument("--commentary", type=Path, default=Path("commentary"), help="default: ./commentary")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from snanalys.cli import ensure_processed
    from snanalys.data import load_municipality
    from snanalys.reporting.run import resolve_latest, run_report

    if args.year is not None and args.tertial is None:
        print("snanalys: error: --year needs --tertial", file=sys.stderr)
        return 2
    ensure_processed(args.data_dir)
    if args.latest:
        data = load_municipality(args.data_dir / "processed", args.kommun)
        year, tertial = resolve_latest(args.as_of or dt.date.today(), data.extract)
    else:
        year, tertial = args.year, args.tertial
    print(f"snanalys: report {year}-T{tertial}", file=sys.stderr, flush=True)
    result = run_report(
        year,
        tertial,
        data_dir=args.data_dir,
        reports_dir=args.reports_dir,
        notebooks_dir=args.notebooks,
        commentary_dir=args.commentary,
        as_of=args.as_of,
        kommun=args.kommun,
    )
    print(f"snanalys: published {result.public_dir} in {result.seconds:.1f} s", file=sys.stderr)
    print(result.public_dir)
    return 0
