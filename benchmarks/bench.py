"""Benchmark: ingest, key figures and report runs at growing size, against the targets of issue 7.

Not a test and not run by CI (it takes minutes and gigabytes). Every figure is measured in
a new process from a cold start: no cache, no result of an earlier run reused (the
operating system's file cache is warm, as it is for any scheduled run). Run from the
project folder:

    .venv/bin/python benchmarks/bench.py                 # everything, national size included
    .venv/bin/python benchmarks/bench.py --quick         # 29 municipalities instead of 290

It prints one line per measurement and a summary against the targets, and writes
``results.json`` in ``--out`` (default /tmp/snanalys-bench). docs/benchmarks.md holds the
figures of one run.

Targets (issue 7), all on this machine's cores:
  (a) one municipality's tertial report ≤ 1/3 of the naive pipeline's time (per notebook
      the papermill command line, then ``jupyter nbconvert --to html --no-input``);
  (b) all key figures of one tertial for every municipality and the country over national
      size (≈12 M payments, 290 municipalities × 10 years) ≤ 3 s and ≤ 1.5 GB; doubling
      the data ≤ 2.2 × the time;
  (c) ingest of national-size raw CSV ≤ 30 s;
  (d) a county's 9 reports ≤ 4 × one report, with the same number of workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BIN = Path(PY).parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# Runs in a new interpreter; prints wall seconds and the peak RSS of it and its children.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
task, data = sys.argv[1], Path(sys.argv[2])
rows = None
if task == "ingest":
    from snanalys.ingest import ingest_all
    ingest_all(data / "raw", data / "processed")
elif task == "key_figures_all":
    from snanalys.measures.tables import key_figures_all
    from snanalys.periods import year_to_date
    rows = len(key_figures_all(data / "processed", year_to_date(2025, 2)))
elif task == "key_figures_loop":
    from snanalys.data import load_municipality, municipality_dirs
    from snanalys.key_figures import key_figures
    from snanalys.periods import year_to_date
    rows = sum(len(key_figures(load_municipality(data / "processed", d.name), year_to_date(2025, 2)))
               for d in municipality_dirs(data / "processed"))
seconds = time.perf_counter() - t0
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak / 1024), "rows": rows}))
"""


def measure(task: str, data: Path) -> dict:
    proc = subprocess.run([PY, "-c", CHILD, task, str(data)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{task} on {data} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed(command: list[str], **kwargs) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def scaled(out: Path, name: str, municipalities: int, years: int, payment_rows: int | None = None) -> Path:
    """Raw data from the scale generator (timed, not part of any target)."""
    from scale import write_scaled

    data = out / name
    shutil.rmtree(data, ignore_errors=True)
    t0 = time.perf_counter()
    write_scaled(data / "raw", municipalities, years, payment_rows=payment_rows)
    rows = sum(sum(1 for _ in p.open("rb")) - 1 for p in (data / "raw").glob("*/ekb_utbetalningar.csv"))
    print(
        f"  generated {name}: {municipalities} municipalities × {years} years, {rows:,} payment rows "
        f"in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return data


def report_command(data: Path, reports: Path, *extra: str) -> list[str]:
    return [
        str(BIN / "snanalys"),
        "--data-dir",
        str(data),
        "report",
        "--year",
        "2025",
        "--tertial",
        "2",
        "--reports-dir",
        str(reports),
        "--notebooks",
        str(ROOT / "notebooks"),
        "--commentary",
        str(ROOT / "commentary"),
        *extra,
    ]


def naive_report(data: Path, out: Path) -> float:
    """The naive pipeline: per notebook the papermill command line, then nbconvert's."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    seconds = 0.0
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        executed = out / nb.name
        seconds += timed(
            [
                str(BIN / "papermill"),
                "-k",
                "python3",
                str(nb),
                str(executed),
                "-p",
                "year",
                "2025",
                "-p",
                "tertial",
                "2",
                "-p",
                "data_dir",
                str(data),
                "-p",
                "commentary_dir",
                str(ROOT / "commentary"),
                "--no-progress-bar",
            ],
            cwd=ROOT / "notebooks",
        )
        seconds += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return seconds


def report_vs_naive(out: Path) -> dict:
    """(a) The sample municipality's report, ours against the naive pipeline, side by side."""
    from snanalys.ingest import ingest_all
    from snanalys.sample import write_sample

    data = out / "sample"
    shutil.rmtree(data, ignore_errors=True)
    ingest_all(write_sample(data / "raw").parent, data / "processed")
    ours = timed(report_command(data, out / "sample-reports"))
    naive = naive_report(data, out / "sample-naive")
    return {"report_seconds": round(ours, 1), "naive_seconds": round(naive, 1), "ratio": round(ours / naive, 3)}


def county(out: Path, repeat: int) -> dict:
    """(d) Nine municipalities' reports against one, the same number of workers for both.

    Both are run ``repeat`` times, one after the other in turn (each a new process, into a
    new folder), and compared by their medians: on a shared virtual machine a single pair
    swings by ±15 %."""
    import statistics

    data = scaled(out, "county", 9, 5)
    print(f"  ingest county: {measure('ingest', data)}", flush=True)
    codes = sorted(p.name for p in (data / "processed").iterdir() if (p / "extract.json").exists())
    workers = str(len(os.sched_getaffinity(0)))
    ones, nines = [], []
    for i in range(repeat):
        ones.append(
            round(timed(report_command(data, out / f"county-one-{i}", "--kommun", codes[0], "--workers", workers)), 1)
        )
        nines.append(
            round(
                timed(report_command(data, out / f"county-nine-{i}", "--all-municipalities", "--workers", workers)), 1
            )
        )
        print(f"  county run {i + 1}: one {ones[-1]} s, nine {nines[-1]} s", flush=True)
    one, nine = statistics.median(ones), statistics.median(nines)
    return {
        "workers": int(workers),
        "one_report_seconds": one,
        "nine_reports_seconds": nine,
        "ratio": round(nine / one, 2),
        "runs_one": ones,
        "runs_nine": nines,
    }


def national(out: Path, municipalities: int, years: int, payment_rows: int | None, name: str) -> dict:
    """(b) and (c): ingest national-size raw CSV, then all key figures of 2025 T2 from processed data."""
    data = scaled(out, name, municipalities, years, payment_rows)
    rows = sum(sum(1 for _ in p.open("rb")) - 1 for p in (data / "raw").glob("*/ekb_utbetalningar.csv"))
    spells = sum(sum(1 for _ in p.open("rb")) - 1 for p in (data / "raw").glob("*/placeringar.csv"))
    ingest = measure("ingest", data)
    print(f"  ingest {name}: {ingest}", flush=True)
    figures = measure("key_figures_all", data)
    print(f"  key figures {name}: {figures}", flush=True)
    return {
        "municipalities": municipalities,
        "years": years,
        "payment_rows": rows,
        "placement_spells": spells,
        "ingest": ingest,
        "key_figures_all": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/snanalys-bench"))
    parser.add_argument("--quick", action="store_true", help="29 municipalities instead of 290 (minutes, not tens)")
    parser.add_argument("--skip", nargs="*", default=[], choices=("report", "county", "national", "double"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each county measurement (median taken)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    n = 29 if args.quick else 290
    cores = len(os.sched_getaffinity(0))
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "cores": cores,
        "python": platform.python_version(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }
    print(f"machine: {machine}", flush=True)
    results: dict = {"machine": machine, "date": time.strftime("%Y-%m-%d")}
    if "report" not in args.skip:
        results["a_report_vs_naive"] = report_vs_naive(args.out)
        print(f"(a) {results['a_report_vs_naive']}", flush=True)
    if "county" not in args.skip:
        results["d_county"] = county(args.out, max(1, args.repeat))
        print(f"(d) {results['d_county']}", flush=True)
    if "national" not in args.skip:
        results["national"] = national(args.out, n, 10, None, f"national-{n}")
    if "double" not in args.skip:
        base = results.get("national", {}).get("payment_rows") or 41_500 * n
        results["national_double"] = national(args.out, n, 10, 2 * base, f"national-{n}-double")
        shutil.rmtree(args.out / f"national-{n}-double", ignore_errors=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    summary(results)


def summary(results: dict) -> None:
    print("\nsummary against the targets")
    if "a_report_vs_naive" in results:
        r = results["a_report_vs_naive"]
        print(
            f"(a) report {r['report_seconds']} s vs naive {r['naive_seconds']} s: ratio {r['ratio']} (target ≤ 0.333)"
        )
    if "national" in results:
        r = results["national"]
        k, i = r["key_figures_all"], r["ingest"]
        print(
            f"(b) key figures, {r['municipalities']} municipalities + country, {r['payment_rows']:,} payments: "
            f"{k['seconds']} s, {k['peak_mb']} MB (targets ≤ 3 s, ≤ 1536 MB)"
        )
        if "national_double" in results:
            d = results["national_double"]["key_figures_all"]
            print(f"    doubled data: {d['seconds']} s = {d['seconds'] / k['seconds']:.2f} × (target ≤ 2.2 ×)")
        print(
            f"(c) ingest {r['payment_rows']:,} payments, {r['placement_spells']:,} spells: {i['seconds']} s, "
            f"{i['peak_mb']} MB (target ≤ 30 s)"
        )
    if "d_county" in results:
        r = results["d_county"]
        print(
            f"(d) 9 reports {r['nine_reports_seconds']} s vs one {r['one_report_seconds']} s with {r['workers']} "
            f"workers (medians of {len(r['runs_one'])} runs each): {r['ratio']} × (target ≤ 4 ×)"
        )


if __name__ == "__main__":
    main()
