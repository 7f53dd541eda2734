"""``snanalys external update``: the command line of :mod:`snanalys.external.update`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from snanalys.external.http import JsonSource
from snanalys.external.scb import BASE_URL as SCB_URL
from snanalys.external.scb import ScbSource
from snanalys.external.sos import BASE_URL as SOS_URL
from snanalys.external.sos import SocialstyrelsenSource
from snanalys.external.update import KOLADA_URL, SOURCES, Sources, update
from snanalys.kolada import extract
from snanalys.kolada.client import KoladaClient

MIN_INTERVAL = 0.2  # seconds between requests: at most 5 a second


def sources(args: argparse.Namespace, cache: Path | None) -> Sources:
    ttl = None if args.cache_hours is None else args.cache_hours * 3600
    common = {"offline": args.offline, "min_interval": MIN_INTERVAL, "timeout": args.timeout}
    kolada = KoladaClient(args.kolada_url, cache_dir=cache and cache / "kolada", cache_ttl=ttl, **common)
    sos = JsonSource("Socialstyrelsen", cache_dir=cache and cache / "socialstyrelsen", cache_ttl=ttl, **common)
    scb = JsonSource("SCB", cache_dir=cache and cache / "scb", cache_ttl=ttl, **common)
    return Sources(
        kolada,
        SocialstyrelsenSource(sos, args.sos_url),
        ScbSource(scb, args.scb_url),
        {"kolada": args.kolada_url, "socialstyrelsen": args.sos_url, "scb": args.scb_url},
    )


def cmd_external_update(args: argparse.Namespace) -> int:
    from snanalys.folders import municipality_folders

    external = args.data_dir / "external"
    codes = args.kommun or [d.name for d in municipality_folders(args.data_dir / "raw")]
    if not codes:
        print("snanalys: error: no municipality: give --kommun (data/raw holds none)", file=sys.stderr)
        return 3
    cache = None if args.no_cache else external / ".cache"
    wanted = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SOURCES))
    if unknown:
        print(f"snanalys: error: unknown source(s) {unknown}: choose from {', '.join(SOURCES)}", file=sys.stderr)
        return 2
    folder = update(
        external, codes, sources(args, cache), raw_dir=args.data_dir / "raw", wanted=wanted, first_year=args.from_year
    )
    manifest = json.loads((folder / extract.MANIFEST).read_text(encoding="utf-8"))
    for name, info in manifest["sources"].items():
        rows = sum(f["rows"] for f in info.get("files", {}).values())
        print(f"{name}: {rows} rows from {info['from']}")
    kpis = manifest["sources"].get("kolada", {}).get("kpis", {})
    years = [k["latest_year"] for k in kpis.values() if k.get("latest_year")]
    print(f"wrote {folder} (fetched {manifest['fetched_date']}" + (f", latest year {max(years)})" if years else ")"))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "external",
        help="public comparison data: `external update` fetches Kolada, Socialstyrelsen and SCB into "
        "data/external/fetched/ (atomically, with a manifest)",
    )
    actions = p.add_subparsers(dest="external_command", required=True, metavar="ACTION")
    u = actions.add_parser(
        "update", help="fetch the newest public data for the municipality, its peers and the country"
    )
    u.add_argument("--kommun", action="append", help="municipality code (repeatable; default: those in data/raw)")
    u.add_argument("--sources", default=",".join(SOURCES), help="comma-separated subset of %(default)s")
    u.add_argument("--from-year", type=int, default=2010, help="first year of the Kolada series (default: %(default)s)")
    u.add_argument("--offline", action="store_true", help="use the cache only; an answer not cached is an error")
    u.add_argument("--no-cache", action="store_true", help="neither read nor write data/external/.cache/")
    u.add_argument(
        "--cache-hours", type=float, default=24.0, help="a cached answer older than this is fetched again (default: 24)"
    )
    u.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default: %(default)s)")
    u.add_argument("--kolada-url", default=KOLADA_URL, help=argparse.SUPPRESS)
    u.add_argument("--sos-url", default=SOS_URL, help=argparse.SUPPRESS)
    u.add_argument("--scb-url", default=SCB_URL, help=argparse.SUPPRESS)
    u.set_defaults(func=cmd_external_update)
