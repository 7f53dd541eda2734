"""The ``snanalys`` command line: sample, ingest and key figures.

Run from the project folder (paths default to ``./data``). ``nyckeltal`` and ``report``
ingest when the processed data is missing or older than the raw, saying so on standard
error. Only ``snanalys sample`` writes the synthetic sample: any other command on a data
folder without raw data (empty, not mounted, mistyped) stops naming the folder, so a
scheduled run can never report the sample in place of the municipality's data.

Every failure ends the same way: ``snanalys: error: …`` on standard error (a traceback
only with ``--debug``) and exit status 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

from snanalys import __version__
from snanalys.ingest.freshness import ensure_processed, require_raw_data
from snanalys.periods import PeriodError, validate_tertial, year_to_date

EXIT_USAGE = 2
EXIT_DATA = 3


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _tertial(text: str) -> int:
    try:
        return validate_tertial(int(text))
    except (ValueError, PeriodError):
        raise argparse.ArgumentTypeError(f"unknown tertial {text!r}: expected 1, 2 or 3") from None


def key_figures_text(table, *, title: str) -> str:
    from snanalys.presentation import ROUNDED_MARK, SUPPRESSED_MARK, format_number
    from snanalys.reporting.tables_export import mark_notes, marked_rows

    width = max(len(label) for label in table["label_sv"])
    lines = [title, ""]
    marked = marked_rows(table)
    for (_, value, unit, mark), label in zip(marked, table["label_sv"]):
        text = format_number(value, unit, suppressed=mark == SUPPRESSED_MARK, rounded=mark == ROUNDED_MARK)
        lines.append(f"{label:<{width}}  {text:>14}  {unit}")
    for note in mark_notes({mark for *_, mark in marked}):
        lines += ["", note]
    return "\n".join(lines) + "\n"


def cmd_sample(args: argparse.Namespace) -> int:
    """The only command that writes the sample; never over a municipality's real raw data."""
    import json

    from snanalys.folders import RAW_EXTRACT, municipality_folders
    from snanalys.sample import MUNICIPALITY_CODE

    raw_root = args.data_dir / "raw"
    present = municipality_folders(raw_root)
    if args.if_no_data and present:
        codes = ", ".join(d.name for d in present)
        _err(f"snanalys: {raw_root} holds municipality data ({codes}): the sample is not written")
        return 0
    target = raw_root / MUNICIPALITY_CODE
    if target.exists():
        try:
            synthetic = (
                json.loads((target / RAW_EXTRACT).read_text(encoding="utf-8-sig")).get("syntetiska_data") is True
            )
        except (OSError, ValueError, AttributeError):
            synthetic = False
        if not synthetic:
            _err(f"snanalys: error: {target} holds data that is not the synthetic sample: not overwritten")
            return EXIT_DATA
    from snanalys.sample import write_sample

    folder = write_sample(raw_root, seed=args.seed)
    _err(f"snanalys: wrote the synthetic sample to {folder}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from snanalys.ingest import ingest_folders

    raw_dirs = require_raw_data(args.data_dir)
    if args.kommun:
        raw_dirs = [d for d in raw_dirs if d.name == args.kommun]
    if not raw_dirs:
        _err(f"snanalys: error: no raw data for municipality {args.kommun} in {args.data_dir / 'raw'}")
        return EXIT_DATA
    # All folders together: each is validated before any is written (a fault anywhere writes nothing).
    results = ingest_folders(
        raw_dirs, args.data_dir / "processed", quarantine=args.quarantine, workers=getattr(args, "workers", None)
    )
    for raw_dir, result in zip(raw_dirs, results):
        rows = ", ".join(f"{name} {count}" for name, count in result.rows.items())
        _err(f"snanalys: ingested {raw_dir.name}: {rows}")
        set_aside = {k: v for k, v in ((getattr(result, "quality", None) or {}).get("rows_set_aside", {})).items() if v}
        if set_aside:
            _err(f"snanalys: set aside (quarantine): {set_aside}")
        for warning in result.warnings:
            _err(f"snanalys: warning: {warning}")
    return 0


def cmd_nyckeltal(args: argparse.Namespace) -> int:
    from snanalys.data import load_municipality
    from snanalys.key_figures import key_figures
    from snanalys.reporting.tables_export import key_figures_csv

    ensure_processed(args.data_dir)
    if args.all_municipalities:
        return _nyckeltal_all(args)
    data = load_municipality(args.data_dir / "processed", args.kommun)
    period = year_to_date(args.year, args.tertial or 3)
    preliminary = False
    try:
        _require_covered(period, data.extract, args.as_of)
    except PeriodError:
        if not args.allow_partial:
            raise
        preliminary = True
        _err(f"snanalys: {period.label} is not fully covered by the data: the figures are PRELIMINARY")
    table = key_figures(data, period)
    if args.public:  # as the report of the period publishes them: protected over the whole report
        from snanalys.disclosure.report import public_key_figures, report_protection

        table = public_key_figures(table, report_protection(data, args.year, args.tertial or 3), period)
    source = "synthetic" if data.extract.synthetic else "real"
    _err(
        f"snanalys: data source: {source}"
        + (" (syntetiska exempeldata, not real people)" if data.extract.synthetic else "")
    )
    if args.format == "csv":
        sys.stdout.write(
            key_figures_csv(table, synthetic=data.extract.synthetic, period_label=period.label, preliminary=preliminary)
        )
    else:
        title = f"Nyckeltal {data.extract.municipality_name} ({data.extract.municipality_code}), {period.label}"
        if data.extract.synthetic:
            title += " — SYNTETISKA EXEMPELDATA"
        if preliminary:
            title += " — PRELIMINÄRT"
        sys.stdout.write(key_figures_text(table, title=title))
    return 0


def _require_covered(period, extract, as_of: dt.date | None) -> None:
    """Raise PeriodError unless the extract (known up to ``as_of``, if given) covers ``period``."""
    from snanalys.periods import require_covered

    through = extract.covered_through if as_of is None else min(extract.covered_through, as_of)
    require_covered(period, extract.data_from, through)


def _nyckeltal_all(args: argparse.Namespace) -> int:
    """Every municipality's key figures and the country's (``0000``) as one CSV, for analysts.

    Internal use only: not suppressed, and it cannot be, one municipality at a time: the
    country's total less the other municipalities would give back a hidden count."""
    from snanalys.cells import format_value, safe_csv_writer
    from snanalys.data import Extract, municipality_dirs
    from snanalys.measures.tables import key_figures_all

    if args.public or args.kommun:
        _err(
            "snanalys: --all-municipalities is internal and unsuppressed; publish one municipality at a time "
            "(--kommun, --public): a country total less the other municipalities would reveal a hidden count"
        )
        return EXIT_USAGE
    if args.format == "table":
        _err("snanalys: --all-municipalities writes CSV only (--format csv)")
        return EXIT_USAGE
    processed_root = args.data_dir / "processed"
    period = year_to_date(args.year, args.tertial or 3)
    dirs = municipality_dirs(processed_root)
    extracts = {d.name: Extract.from_json(d / "extract.json") for d in dirs}
    uncovered = []
    for code, extract in extracts.items():
        try:
            _require_covered(period, extract, args.as_of)
        except PeriodError:
            uncovered.append(code)
    if uncovered and not args.allow_partial:
        raise PeriodError(
            f"{period.label} is not fully covered by the data of {len(uncovered)} municipalities "
            f"({', '.join(uncovered[:10])}{' …' if len(uncovered) > 10 else ''}); --allow-partial marks them preliminary"
        )
    table = key_figures_all(processed_root, period)
    synthetic = {code for code, e in extracts.items() if e.synthetic}
    _err(
        f"snanalys: {len(extracts)} municipalities and the country (0000), {period.label}: INTERNAL, not suppressed"
        + (f"; {len(synthetic)} of them synthetic sample data" if synthetic else "")
    )
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["municipality_code", "measure", "value", "unit", "data_source", "status"])
    for row in table.itertuples(index=False):
        code = row.municipality_code
        if code in extracts:
            source = "synthetic" if code in synthetic else "real"
            status = "preliminary" if code in uncovered else ""
        else:  # the country: its sources and status are its municipalities'
            source = "synthetic" if synthetic == set(extracts) else ("mixed" if synthetic else "real")
            status = "preliminary" if uncovered else ""
        writer.writerow([code, row.measure, format_value(row.value), row.unit, source, status])
    sys.stdout.write(out.getvalue())
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    """Exit 1 when anything is found, 2 for a path that does not exist, 0 otherwise."""
    from snanalys.privacy import raw_identifiers, scan_files

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        _err(f"snanalys: error: no such file or folder to scan: {', '.join(str(p) for p in missing)}")
        return EXIT_USAGE
    # notebooks/: an analyst's copy saved with outputs (notebooks/utforska shows unprotected figures)
    defaults = (args.data_dir / "processed", Path("reports"), Path("notebooks"))
    paths = args.paths or [p for p in defaults if p.exists()]
    identifiers = raw_identifiers(args.data_dir / "raw")
    result = scan_files(paths, identifiers)
    for hit in result.hits[:50]:
        _err(f"snanalys: {hit}")
    if len(result.hits) > 50:
        _err(f"snanalys: … and {len(result.hits) - 50} more")
    for problem in result.unreadable:
        _err(f"snanalys: not scanned: {problem}")
    where = ", ".join(str(p) for p in paths) or "nothing to scan"
    _err(
        f"snanalys: scanned {result.files} file(s) in {where} against {len(identifiers)} raw identifier values: "
        f"{len(result.hits)} hit(s)"
    )
    return 1 if result.hits else 0


def cmd_kolada_check(args: argparse.Namespace) -> int:
    """Municipality-years where Kolada's N31857 × 1000 / N31910 ≠ N31849 (within 0,1 %)."""
    from snanalys.kolada import extract

    folder = args.external or args.data_dir / "external"
    if not folder.is_dir():
        _err(
            f"snanalys: error: {folder} is not a folder: give the folder of the Kolada extract with --external "
            "(the project ships it in data/external/)"
        )
        return EXIT_DATA
    try:
        all_values = extract.values(folder)
    except extract.KoladaDataError as exc:
        _err(f"snanalys: error: {exc}")
        return EXIT_DATA
    exceptions = extract.identity_exceptions(all_values)
    print("geo year ratio")
    for row in exceptions.itertuples(index=False):
        print(f"{row.geo} {row.year} {row.ratio:.4f}")
    print(f"{len(exceptions)} municipality-years where N31857 × 1000 / N31910 differs from N31849 by more than 0.1 %")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snanalys",
        description="Follow-up of a municipality's social services: sample data, ingest, key figures.",
    )
    parser.add_argument("--version", action="version", version=f"snanalys {__version__}")
    parser.add_argument(
        "--data-dir", type=Path, default=Path("data"), help="folder holding raw/ and processed/ (default: ./data)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "sample",
        help="write the synthetic sample municipality (Exempelkommun, 0480) to data/raw "
        "(the only command that does; never over real data)",
    )
    p.add_argument("--seed", type=int, default=20261105, help="random seed (default: %(default)s)")
    p.add_argument(
        "--if-no-data",
        action="store_true",
        help="only when data/raw holds no municipality folder (what `make report` does on a fresh clone)",
    )
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("ingest", help="validate and pseudonymise data/raw into data/processed (Parquet)")
    p.add_argument("--kommun", help="only this municipality code")
    p.add_argument(
        "--quarantine",
        action="store_true",
        help="set faulty rows aside (data/processed/<kod>/_quarantine/) instead of stopping; see docs/bad_inputs.md",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes sharing the work (default: the CPUs when the raw data is large enough; 1: one process)",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("nyckeltal", help="print the key figures of a period (year to date)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--tertial", type=_tertial, help="1 (Jan–Apr), 2 (Jan–Aug) or 3 (the year; default)")
    p.add_argument(
        "--format",
        choices=("csv", "table"),
        help="table (the default for one municipality) or csv (always, with --all-municipalities)",
    )
    p.add_argument("--public", action="store_true", help="apply the board's small-count suppression")
    p.add_argument("--as-of", type=_date, help="treat the data as known only up to this date")
    p.add_argument("--allow-partial", action="store_true", help="allow a period the data does not fully cover")
    p.add_argument("--kommun", help="municipality code, when data/processed holds several")
    p.add_argument(
        "--all-municipalities",
        action="store_true",
        help="every municipality in data/processed and the country (0000) as one CSV: internal, not suppressed",
    )
    p.set_defaults(func=cmd_nyckeltal)

    p = sub.add_parser(
        "scan",
        help="privacy scan: personal identities or raw identifiers in processed data, reports (HTML, PDF, "
        "XLSX, CSV), notebooks and logs",
    )
    p.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: data/processed, reports and notebooks)"
    )
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("kolada-check", help="data-quality log of the Kolada extract in data/external")
    p.add_argument("--external", type=Path, help="folder of the extract (default: <data-dir>/external)")
    p.set_defaults(func=cmd_kolada_check)

    from snanalys.ingest.command import register as register_check_export
    from snanalys.reporting.command import register

    register_check_export(sub)
    register(sub, _date)
    from snanalys.external.command import register as register_external

    register_external(sub)
    return parser


def error_line(exc: BaseException) -> str:
    """What a user reads of a failure: the message of snanalys's own errors (and of a ValueError,
    as before), ``type: message`` of any other. One line, but an ingest error keeps its located
    problems one a line."""
    from snanalys.ingest.errors import IngestError

    own = type(exc).__module__.split(".")[0] == "snanalys" or type(exc) is ValueError
    text = str(exc) if own else f"{type(exc).__name__}: {exc}".rstrip(": ")
    if not isinstance(exc, IngestError):
        text = " ".join(text.split())
    return f"snanalys: error: {text}"


def main(argv: list[str] | None = None) -> int:
    """Run a command; any failure is one message on standard error and exit 3 (``--debug``: the traceback)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - e.g. WeasyPrint's fatal URL error is not an Exception
        if args.debug:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        _err(error_line(exc))
        return EXIT_DATA


if __name__ == "__main__":
    sys.exit(main())
