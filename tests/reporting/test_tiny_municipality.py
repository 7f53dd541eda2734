"""A tiny municipality (most cells 0–6) through every page: nothing small is shown or derivable.

The fixture keeps a small random share of the sample's households, placed persons and
interventions (processed data, renamed municipality 0999), then runs the real report.
The checks read what the board reads: the public CSV and every table on every page.
"""

import json
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from snanalys.reporting.run import run_report

COUNT_WORDS = ("hushåll", "personer", "placerade", "vuxna", "mottagare", "försörjningshinder", "barn och unga efter")
MEAN_UNITS = ("kr/hushåll", "kr/vårddygn", "procent", "kr/invånare")
COUNT_UNITS = ("hushåll", "personer", "insatser")


def _keep(frame: pd.DataFrame, column: str, share: float, seed: int) -> pd.DataFrame:
    keys = np.sort(frame[column].unique())
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(keys, size=max(1, int(len(keys) * share)), replace=False))
    return frame.loc[frame[column].isin(chosen)]


@pytest.fixture(scope="module")
def tiny(sample_data_dir, tmp_path_factory):
    source = sample_data_dir / "processed" / "0480"
    data_dir = tmp_path_factory.mktemp("tiny") / "data"
    target = data_dir / "processed" / "0999"
    target.mkdir(parents=True)
    payments = _keep(pd.read_parquet(source / "payments.parquet"), "household_key", 0.012, 1)
    members = pd.read_parquet(source / "household_members.parquet")
    members = members.loc[members["household_key"].isin(payments["household_key"])]
    placements = _keep(pd.read_parquet(source / "placements.parquet"), "person_key", 0.03, 2)
    costs = pd.read_parquet(source / "placement_costs.parquet")
    costs = costs.loc[costs["placement_key"].isin(placements["placement_key"])]
    interventions = _keep(pd.read_parquet(source / "interventions.parquet"), "person_key", 0.02, 3)
    population = pd.read_parquet(source / "population.parquet")
    population["inhabitants"] = (population["inhabitants"] // 60).astype(population["inhabitants"].dtype)
    for name, frame in {
        "payments": payments, "household_members": members, "placements": placements,
        "placement_costs": costs, "interventions": interventions, "population": population,
    }.items():  # fmt: skip
        frame.assign(municipality_code="0999").to_parquet(target / f"{name}.parquet", index=False)
    for name in ("ledger", "budget", "cost_budget"):
        if (source / f"{name}.parquet").exists():
            shutil.copy(source / f"{name}.parquet", target / f"{name}.parquet")
    extract = json.loads((source / "extract.json").read_text(encoding="utf-8"))
    extract.update(municipality_code="0999", municipality_name="Minikommun (syntetisk)")
    (target / "extract.json").write_text(json.dumps(extract), encoding="utf-8")
    reports = data_dir.parent / "reports"
    run_report(
        2025,
        2,
        data_dir=data_dir,
        reports_dir=reports,
        notebooks_dir=_repo() / "notebooks",
        commentary_dir=_repo() / "commentary",
        kommun="0999",
        progress=lambda message: None,
    )
    return data_dir, reports / "2025-T2"


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_the_tiny_municipality_really_is_tiny(tiny):
    data_dir, _ = tiny
    payments = pd.read_parquet(data_dir / "processed" / "0999" / "payments.parquet")
    assert 5 <= payments["household_key"].nunique() <= 60


def test_public_csv_shows_no_small_count_and_no_mean_over_few(tiny):
    data_dir, public = tiny
    shown = pd.read_csv(public / "nyckeltal.csv", dtype=str, keep_default_na=False)
    full = pd.read_csv(
        public.parent / "_internal" / "2025-T2" / "nyckeltal_unsuppressed.csv", dtype=str, keep_default_na=False
    )
    assert set(shown["measure"]) == set(full["measure"])
    for row in shown.itertuples(index=False):
        if row.unit in COUNT_UNITS and row.value:
            assert not 1 <= float(row.value) <= 4, row.measure
    hidden = shown.loc[shown["value"].eq("") & full["value"].ne("")]
    assert len(hidden) > 0  # the tiny data really triggers suppression


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._caption = [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif tag == "caption":
            self._caption = ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[-1]["caption"], self._caption = self._caption, None
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.replace("\u00a0", " ").strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            (table["rows"] if table["header"] else table["header"]).append(self._row) if table["header"] else table[
                "header"
            ].extend(self._row)
            self._row = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        if self._cell is not None:
            self._cell += data


def _tables(public):
    for page in sorted(public.glob("*.html")):
        parser = _Tables()
        parser.feed(page.read_text(encoding="utf-8"))
        for table in parser.tables:
            yield page.name, table


def test_no_table_on_any_page_shows_a_count_of_1_to_4(tiny):
    _, public = tiny
    checked = 0
    for page, table in _tables(public):
        caption = table["caption"].lower()
        if not any(word in caption for word in COUNT_WORDS) or "kr" in caption:
            continue
        for row in table["rows"]:
            if row[0].startswith("Mål"):  # a target's path (the public baseline × a constant): not individuals
                continue
            for cell in row[1:]:
                assert not re.fullmatch(r"[1-4]", cell), f"{page}: '{table['caption']}' shows {cell} in {row}"
            checked += 1
    assert checked > 10


def test_no_suppressed_cell_can_be_recovered_from_its_row_total(tiny):
    _, public = tiny
    for page, table in _tables(public):
        if "Totalt" not in table["header"]:
            continue
        for row in table["rows"]:
            hidden = [c for c in row[1:] if c == "X"]
            assert len(hidden) != 1, f"{page}: '{table['caption']}' row {row} has a lone X beside its total"


def test_every_page_of_the_tiny_report_was_written(tiny):
    _, public = tiny
    assert {p.name for p in public.glob("*.html")} >= {"index.html", "ekonomiskt_bistand.html", "placeringar.html"}


@pytest.mark.parametrize("tertial", [1, 2, 3])
def test_the_audit_of_each_tertial_passes_as_a_fresh_reader_computes_it(tiny, tertial):
    """2025 T1, T2, T3 in order, each with the earlier ones out: every protected quantity passes,
    and its range is the one a reader starting from the final hidden cells computes."""
    from snanalys.data import load_municipality
    from snanalys.disclosure.audit import Knowledge
    from snanalys.disclosure.protect import ROUND_TO
    from snanalys.disclosure.report import report_protection

    data_dir, _ = tiny
    protection = report_protection(load_municipality(data_dir / "processed", "0999"), 2025, tertial, full=True)
    table = protection.table
    assert protection.findings, "the tiny municipality has small groups to protect"
    assert not protection.unresolved, [f.quantity.name for f in protection.unresolved]
    unknown = np.zeros(table.n, dtype=bool)
    unknown[len(table.cells) :] = True
    unknown[[table.var(c) for c in [*protection.hidden, *protection.unpublished]]] = True
    reader = Knowledge(
        table, unknown, {table.var(c): (v - ROUND_TO / 2, v + ROUND_TO / 2) for c, v in protection.rounded.items()}
    )
    for finding in protection.findings:
        low, high = reader.range_of(finding.quantity)
        assert np.isclose(low, finding.low) and np.isclose(high, finding.high), finding.quantity.name


def test_the_economy_page_prints_no_cost_cell_the_protection_hides(tiny):
    """The volume/price split and the cost table: what the report's protection hides is X there
    (the volume, price and effects of an area resting on few persons give back their days)."""
    from snanalys.data import load_municipality
    from snanalys.disclosure.report import report_protection
    from snanalys.economy.drivers import AREAS

    data_dir, public = tiny
    protection = report_protection(load_municipality(data_dir / "processed", "0999"), 2025, 2)
    columns = {"Volym i år": "cost_volume", "Pris i år": "cost_price", "Volym i fjol": "cost_volume_last_year"}
    tables = [t for page, t in _tables(public) if page == "ekonomi.html" and "uppdelad på volym" in t["caption"]]
    assert len(tables) == 1
    header, rows = tables[0]["header"], {row[0]: row for row in tables[0]["rows"]}
    checked = 0
    for area in AREAS:
        for title, measure in columns.items():
            if protection.hides_table_cell(measure, "2025-T2", area.key):
                assert rows[area.label_sv][header.index(title)] == "X", (area.key, measure)
                checked += 1
    assert checked > 0  # the tiny municipality's areas rest on few persons: the protection hides some
    inputs = [header.index(t) for t in ("Volym i fjol", "Volym i år", "Pris i fjol", "Pris i år")]
    functions = [header.index(t) for t in ("Förändring, tkr", "varav volym, tkr", "varav pris, tkr")]
    for label, row in rows.items():  # the change and its split are functions of the volumes and prices
        if any(row[i] == "X" for i in inputs):
            assert all(row[i] == "X" for i in functions), (label, row)


def test_the_record_hides_an_areas_rows_resting_on_few_individuals(tiny):
    """Prognossäkerhet's cost areas: a year resting on 1–4 placed persons is X in its forecasts, outcome and
    errors, on the page and in tabelldata.csv (a forecast of a few placements gives their price back)."""
    import csv

    from snanalys.data import load_municipality
    from snanalys.economy.drivers import AREAS, area_individuals
    from snanalys.economy.figures import forecast_record
    from snanalys.periods import year_to_date
    from snanalys.suppression import is_small_count

    data_dir, public = tiny
    data = load_municipality(data_dir / "processed", "0999")
    record = forecast_record(data, 2025)
    pages = [t for page, t in _tables(public) if page == "ekonomi.html"]
    caption = "Prognossäkerhet per volymdrivet område: "
    forecasts = next(t for t in pages if t["caption"].startswith(caption + "helårsprognos"))
    outcomes = next(t for t in pages if t["caption"].startswith(caption + "helårets utfall"))
    forecast_rows = {row[0]: row for row in forecasts["rows"]}
    outcome_rows = {row[0]: row for row in outcomes["rows"]}
    with (public / "tabelldata.csv").open(encoding="utf-8") as f:
        marks = {row["id"]: row["mark"] for row in csv.DictReader(f)}
    areas = {area.key: area for area in AREAS}
    small = listed = 0
    for key, row in record.loc[record["kind"] == "area"].iterrows():
        individuals = area_individuals(data, areas[row["line"]], year_to_date(int(row["year"]), 3))
        if not is_small_count(individuals):
            continue
        small += 1
        label = row["label_sv"]
        assert [forecast_rows[label][i] for i in (1, 3)] == ["X", "X"], label
        assert outcome_rows[label][1:] == ["X", "X", "X"], label
        for measure in ("record_forecast_t1_tkr", "record_forecast_t2_tkr", "record_outcome_tkr"):
            # listed as X, or not at all where there is no value (a forecast without a price)
            assert marks.get(f"{measure}|2025-T2|key|{key}", "X") == "X", (measure, key)
            listed += f"{measure}|2025-T2|key|{key}" in marks
    assert small > 0 and listed > 0  # the tiny municipality's placements: some area's year rests on few persons
