"""Rolling-origin backtest of the outlook's methods on the Kolada history of every municipality.

Not a test, and CI does not run it: it runs :mod:`snanalys.economy.outlook` over the shipped
extract and writes the tables to docs/forecasts.md (between the markers, the rest of the
document is kept), and the chosen methods and interval quantiles the outlook uses to
``src/snanalys/economy/outlook_calibration.json``. About 20 s on 2 cores.

    .venv/bin/python benchmarks/forecast_backtest.py
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from snanalys.economy import outlook

ROOT = Path(__file__).resolve().parents[1]
VALUES = ROOT / "data" / "external" / "kolada_eb_forecast_values_1994_2022.csv"
DOC = ROOT / "docs" / "forecasts.md"
CALIBRATION = ROOT / "src" / "snanalys" / "economy" / "outlook_calibration.json"
BEGIN, END = "<!-- backtest:begin -->", "<!-- backtest:end -->"


def _pct(v) -> str:
    return "–" if v != v else f"{100 * v:.1f} %"


def run(values_path: Path) -> tuple[str, dict]:
    values = pd.read_csv(values_path, dtype={"geo": str})
    panel = outlook.kolada_panel(values)
    national = outlook.national_level(panel, values)
    lines, calibration = [], {}
    for kpi, label in outlook.KPIS.items():
        frame = outlook.forecasts(panel, national, kpi)
        proxy = outlook.forecasts(panel, national, outlook.PROXIES[kpi])
        evaluated = outlook.rolling_origin(frame, calibration=proxy)
        methods = outlook.method_table(frame, evaluated)
        chosen = outlook.chosen_table(evaluated)
        lines += [f"### {kpi}: {label}", ""]
        lines += [
            "| horizon | method | median APE | mean APE | municipalities beating last year's value | forecasts |",
            "|---|---|---|---|---|---|",
        ]
        for r in methods.itertuples():
            lines.append(
                f"| {r.horizon} | {r.method} | {_pct(r.median_ape)} | {_pct(r.mean_ape)} | "
                f"{_pct(r.share_beating_last_value)} | {r.forecasts} |"
            )
        lines += [
            "",
            "The chosen method at each origin (from earlier origins only):",
            "",
            "| horizon | median APE | vs last year's value | mean APE | 80 % coverage | size fifths 1–5 "
            "(smallest first) | forecasts | methods chosen |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in chosen.itertuples():
            naive = methods.loc[(methods["horizon"] == r.horizon) & (methods["method"] == "last_value"), "median_ape"]
            fifths = " / ".join(_pct(getattr(r, f"coverage_fifth_{i}")) for i in range(1, 6))
            lines.append(
                f"| {r.horizon} | {_pct(r.median_ape)} | {r.median_ape / float(naive.iloc[0]):.2f} × | "
                f"{_pct(r.mean_ape)} | {_pct(r.coverage)} | {fifths} | {r.forecasts} | {r.methods} |"
            )
        lines.append("")
        # what the outlook uses: the choice at the last origin, from every error known by then
        calibration[kpi] = {}
        last = int(frame["origin"].max())
        for h in outlook.HORIZONS:
            pool = pd.concat([frame.loc[frame["horizon"] == h], proxy.loc[proxy["horizon"] == h]])
            # the report's years have no national level in Kolada: its outlook chooses among the rest,
            # and takes last year's value, with its own errors, where its years are too few for that
            only_last_value = tuple(m for m in outlook.METHODS if m != "last_value")
            for key, exclude in (
                ("all_methods", ()),
                ("without_national", outlook.NATIONAL_METHODS),
                ("last_value", only_last_value),
            ):
                choice = outlook.choose(pool, exclude=exclude)
                calibration[kpi].setdefault(str(h), {})[key] = {
                    "method": choice.method,
                    "own_weight": choice.own_weight,
                    "year_effects": [round(v, 4) for v in choice.year_effects],
                    "residual_quantiles": [round(v, 4) for v in choice.residual_quantiles],
                    "errors": choice.errors,
                    "median_volatility": round(
                        float(frame.loc[frame["origin"] == last, outlook.volatility_columns(choice.method)[1]].iloc[0]),
                        4,
                    ),
                }
    return "\n".join(lines), calibration


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=Path, default=VALUES, help="Kolada's long kpi,geo,year,value")
    args = parser.parse_args()
    tables, calibration = run(args.values)
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOC}: the markers {BEGIN} and {END} are missing")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    _write_atomic(DOC, f"{head}{BEGIN}\n{tables}\n{END}{tail}")
    _write_atomic(CALIBRATION, json.dumps(calibration, indent=2, sort_keys=True) + "\n")
    print(tables)


if __name__ == "__main__":
    main()
