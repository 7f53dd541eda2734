"""The ``snanalys report`` sub-command.

    snanalys report --year 2025 --tertial 3 [--on-failure CMD]
    snanalys report --latest [--as-of 2026-11-22] [--on-failure CMD]
    snanalys report freeze 2025-T3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ON_FAILURE_ENV = "SNANALYS_ON_FAILURE"


def register(subparsers, date_type) -> None:
    p = subparsers.add_parser(
        "report",
        help="run the tertial report: public pages, PDF and tables in reports/YYYY-TN/",
        description="Executes every notebook with papermill and publishes reports/YYYY-TN/ (public) and "
        "reports/_internal/YYYY-TN/ (executed notebooks, unsuppressed tables, manifest). "
        "`snanalys report freeze YYYY-TN` copies the published report, read-only, to "
        "reports/archive/YYYY-TN-vN/ (checksums in reports/_internal/archive/YYYY-TN-vN/manifest.json).",
    )
    p.add_argument("action", nargs="?", choices=("freeze",), help="freeze: archive a published period")
    p.add_argument("label", nargs="?", metavar="YYYY-TN", help="the period to freeze, e.g. 2025-T3")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--year", type=int, help="the report year (with --tertial)")
    which.add_argument("--latest", action="store_true", help="the latest closed tertial the data covers")
    p.add_argument("--tertial", type=int, choices=(1, 2, 3), help="1 (Jan–Apr), 2 (Jan–Aug) or 3 (the year)")
    p.add_argument("--as-of", type=date_type, help="judge 'latest' (and data coverage) as of this date")
    p.add_argument("--kommun", help="municipality code, when data/processed holds several")
    p.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="default: ./notebooks")
    p.add_argument("--reports-dir", type=Path, default=Path("reports"), help="default: ./reports")
    p.add_argument("--commentary", type=Path, default=Path("commentary"), help="default: ./commentary")
    p.add_argument(
        "--on-failure",
        metavar="CMD",
        default=None,
        help=f"shell command run when the report fails, with SNANALYS_PERIOD and SNANALYS_LOG set "
        f"(default: ${ON_FAILURE_ENV})",
    )
    p.set_defaults(func=cmd_report)


def _usage(message: str) -> int:
    print(f"snanalys: error: {message}", file=sys.stderr)
    return 2


def cmd_report(args: argparse.Namespace) -> int:
    if args.action == "freeze":
        if args.label is None:
            return _usage("report freeze needs a period, e.g. `snanalys report freeze 2025-T3`")
        if args.year is not None or args.latest:
            return _usage("report freeze takes a period (YYYY-TN), not --year/--latest")
        return cmd_freeze(args)
    if args.label is not None:
        return _usage(f"unexpected argument {args.label!r} (did you mean `report freeze {args.label}`?)")
    if args.year is None and not args.latest:
        return _usage("one of the arguments --year --latest is required")
    if args.year is not None and args.tertial is None:
        return _usage("--year needs --tertial")
    return cmd_run(args)


def cmd_freeze(args: argparse.Namespace) -> int:
    from snanalys.reporting.run import freeze_report

    result = freeze_report(args.label, reports_dir=args.reports_dir)
    print(f"snanalys: froze {args.label} as {result.archive_dir} (checksums in {result.manifest})", file=sys.stderr)
    print(result.archive_dir)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from snanalys.cli import ensure_processed
    from snanalys.data import load_municipality
    from snanalys.reporting.run import log_run, resolve_latest, run_on_failure, run_report

    on_failure = args.on_failure if args.on_failure is not None else os.environ.get(ON_FAILURE_ENV) or None
    started = time.perf_counter()
    try:
        ensure_processed(args.data_dir)
        if args.latest:
            data = load_municipality(args.data_dir / "processed", args.kommun)
            year, tertial = resolve_latest(args.as_of or dt.date.today(), data.extract)
        else:
            year, tertial = args.year, args.tertial
    except Exception as exc:  # the period is unknown: still logged, still reported
        log_run(args.reports_dir, "latest" if args.latest else f"{args.year}-T{args.tertial}", "failed",
                time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        run_on_failure(on_failure, reports_dir=args.reports_dir,
                       period="latest" if args.latest else f"{args.year}-T{args.tertial}")
        raise
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
        on_failure=on_failure,
    )
    print(f"snanalys: published {result.public_dir} in {result.seconds:.1f} s", file=sys.stderr)
    print(result.public_dir)
    return 0
