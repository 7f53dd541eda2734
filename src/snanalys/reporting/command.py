"""The ``snanalys report`` sub-command.

snanalys report --year 2025 --tertial 3 [--on-failure CMD]
snanalys report --latest [--as-of 2026-11-22] [--on-failure CMD]
snanalys report --year 2025 --tertial 2 --kommun 0480 0481 … | --all-municipalities [--workers N]
snanalys report freeze 2025-T3
"""

from __future__ import annotations

import argparse
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
    p.add_argument(
        "--kommun",
        nargs="+",
        help="municipality code, when data/processed holds several; several codes make one report "
        "each, in reports/<code>/YYYY-TN/",
    )
    p.add_argument(
        "--all-municipalities",
        action="store_true",
        help="one report per municipality in data/processed, in reports/<code>/YYYY-TN/",
    )
    p.add_argument("--workers", type=int, default=None, help="kernels run in parallel (default: one per core)")
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
    from snanalys.reporting.freeze import freeze_report

    result = freeze_report(args.label, reports_dir=args.reports_dir)
    print(f"snanalys: froze {args.label} as {result.archive_dir} (checksums in {result.manifest})", file=sys.stderr)
    print(result.archive_dir)
    return 0


def _municipalities(args: argparse.Namespace) -> list[str] | None:
    """The codes asked for: None for the single-municipality run (reports/YYYY-TN/)."""
    from snanalys.data import municipality_dirs

    if args.all_municipalities:
        if args.kommun:
            raise ValueError("give either --kommun or --all-municipalities, not both")
        return [d.name for d in municipality_dirs(args.data_dir / "processed")]
    if args.kommun and len(args.kommun) > 1:
        return list(dict.fromkeys(args.kommun))
    return None


def _resolve_period(args: argparse.Namespace, codes: list[str | None]) -> tuple[int, int]:
    """--year/--tertial, or the latest closed tertial, which must be the same for every municipality."""
    from snanalys.data import load_municipality
    from snanalys.periods import today
    from snanalys.reporting.run import resolve_latest

    if not args.latest:
        return args.year, args.tertial
    periods = {
        code: resolve_latest(args.as_of or today(), load_municipality(args.data_dir / "processed", code).extract)
        for code in codes
    }
    if len(set(periods.values())) > 1:
        listed = ", ".join(f"{code}: {y}-T{t}" for code, (y, t) in periods.items())
        raise ValueError(f"the municipalities' latest tertials differ ({listed}): give --year and --tertial")
    return next(iter(periods.values()))


def cmd_run(args: argparse.Namespace) -> int:
    from snanalys.ingest.freshness import ensure_processed
    from snanalys.reporting.run import run_report, run_reports
    from snanalys.reporting.runlog import log_run, run_on_failure

    on_failure = args.on_failure if args.on_failure is not None else os.environ.get(ON_FAILURE_ENV) or None
    started = time.perf_counter()
    try:
        ensure_processed(args.data_dir)
        several = _municipalities(args)
        single = args.kommun[0] if args.kommun else None
        year, tertial = _resolve_period(args, several or [single])
    except Exception as exc:  # the period is unknown: still logged, still reported
        log_run(
            args.reports_dir,
            "latest" if args.latest else f"{args.year}-T{args.tertial}",
            "failed",
            time.perf_counter() - started,
            f"{type(exc).__name__}: {exc}",
        )
        run_on_failure(
            on_failure, reports_dir=args.reports_dir, period="latest" if args.latest else f"{args.year}-T{args.tertial}"
        )
        raise
    common = dict(
        data_dir=args.data_dir,
        reports_dir=args.reports_dir,
        notebooks_dir=args.notebooks,
        commentary_dir=args.commentary,
        as_of=args.as_of,
        on_failure=on_failure,
        workers=args.workers,
    )
    if several is not None:
        print(f"snanalys: report {year}-T{tertial} for {len(several)} municipalities", file=sys.stderr, flush=True)
        results = run_reports(year, tertial, kommuner=several, **common)
        seconds = time.perf_counter() - started
        print(f"snanalys: published {len(results)} reports in {seconds:.1f} s", file=sys.stderr)
        for result in results:
            print(result.public_dir)
        return 0
    print(f"snanalys: report {year}-T{tertial}", file=sys.stderr, flush=True)
    result = run_report(year, tertial, kommun=single, **common)
    print(f"snanalys: published {result.public_dir} in {result.seconds:.1f} s", file=sys.stderr)
    print(result.public_dir)
    return 0
