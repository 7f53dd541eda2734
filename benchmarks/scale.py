"""Scale generator for the performance benchmark: the sample at any size, up to all of Sweden.

    .venv/bin/python benchmarks/scale.py OUT --municipalities 290 --years 10

writes ``OUT/<kommunkod>/`` for the first ``municipalities`` of the 290 real
municipality codes (0480 first, then by code), each with the raw files of
:func:`snanalys.sample.write_sample` covering the last ``years`` × 12 months up to
2026-10, and prints the rows per file type and the seconds taken.

Everything is cut from the real sample, written once into a temporary folder and read
as text (so every format stays the sample's): no Python loop runs over rows.

* **Years.** Block ``k`` is the sample moved back ``58·k`` months (every date, month,
  ledger month and the birth date inside each personnummer; days clipped to the
  month's end), so ages at every event stay the sample's. Payments, invoices and
  ledger months are kept inside the window; memberships, spells and interventions
  that began before it stay when they reach into it. A yearly row (population,
  budget, cost budget) of year ``Y`` goes to the year holding ``Y``-07 moved back,
  the newest block winning a year two blocks reach. In older blocks what was still
  open at the extract date is closed on the moved extract date: those people are
  not the newer block's, and open rows would pile up over the blocks.
* **Sizes.** Each municipality has a seeded lognormal size fraction (the largest
  draws going to the largest real populations, Kolada N01951) and takes that
  fraction of the sample's households (payments and members together) and of its
  persons in care (spells, invoices and interventions together); above 1, units are
  taken again as further copies with distinct ids. Fractions are scaled so that the
  payment rows hit ``payment_rows``; households are drawn until their payment rows
  reach the municipality's share, so the total lands within a few rows of it.
  Population, budgets and ledger amounts are scaled by the same fraction.
* **Identities.** Local ids get the prefix ``K<kod>B<block>C<copy>-``. Every person
  instance (person, municipality, block, copy) gets a new personnummer: the same
  (moved) birth date, the same sex digit parity, a new serial and its Luhn check
  digit. Serials are handed out nationally, per birth date and sex, in order, so two
  persons share a number only where a date runs out of its 1 000 serials (500 plus
  500 as samordningsnummer, used only when the first 500 are taken) and never inside
  one municipality. Movers: units that both municipalities ``2j`` and ``2j+1`` of a block
  took, as many as 2 % of the two's units (fewer where they share fewer), whose persons
  in ``2j+1`` get the personnummer they have in ``2j`` — about 2 % of all persons.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT / "data" / "external"

SAMPLE_MONTHS = 58  # 2022-01 … 2026-10
LAST_MONTH = 2026 * 12 + 9  # 2026-10 as year · 12 + month − 1
EXTRACT_DATE = "2026-11-05"
MAX_MUNICIPALITIES = 290
PAYMENT_ROWS_PER_MUNICIPALITY_YEAR = 4_150  # 41 500 × municipalities × years / 10
SIZE_SIGMA = 1.1  # spread of Swedish municipalities' log population
MOVER_SHARE = 0.02
MIN_DATE_MONTH = 1900 * 12  # the ingest's earliest plausible date
PARALLEL_FROM_ROWS = 500_000  # below this a worker process costs more than it saves

# Row tables: how each column is rewritten (everything else is copied; kommunkod is replaced).
# END is a departure date (not itself a day of the spell); LAST_DAY an inclusive end, moved as the
# day after it so that back-to-back periods stay back to back where a day is clipped.
ID, PNR, DATE, MONTH, END, LAST_DAY, BIRTH_YEAR = "id", "pnr", "date", "month", "end", "last_day", "birth_year"
ENDS = (END, LAST_DAY)
ROW_TABLES: dict[str, dict[str, str]] = {
    "ekb_utbetalningar": {"transaktions_id": ID, "hushalls_id": ID, "utbetalningsdatum": DATE, "avser_manad": MONTH},
    "ekb_hushallsmedlemmar": {"hushalls_id": ID, "personnummer": PNR, "giltig_fran": DATE, "giltig_till": LAST_DAY},
    "placeringar": {
        "placerings_id": ID,
        "personnummer": PNR,
        "fodelsear": BIRTH_YEAR,
        "startdatum": DATE,
        "slutdatum": END,
    },
    "placeringskostnader": {"faktura_id": ID, "placerings_id": ID, "avser_manad": MONTH, "bokforingsdatum": DATE},
    "insatser_barn_unga": {"insats_id": ID, "personnummer": PNR, "startdatum": DATE, "slutdatum": LAST_DAY},
}
# Yearly tables: the columns a year has one row per (the newest block wins a year).
YEARLY_TABLES = {
    "befolkning": ["juridiskt_kon", "aldersgrupp"],
    "budget": ["verksamhet"],
    "kostnadsbudget": ["omrade"],
}
LEDGER = "huvudbok"
FILES = [*ROW_TABLES, *YEARLY_TABLES, LEDGER]


# --- calendar ---------------------------------------------------------------------------------


def _month_start(months: np.ndarray) -> np.ndarray:
    """Day number (since 1970-01-01) of the first day of each month index (year · 12 + month − 1)."""
    return (
        (np.asarray(months, dtype=np.int64) - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def _shift(month: np.ndarray, day: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Month index and day number of (month, day of month) moved back ``k`` months, the day clipped."""
    moved = month - k
    first = _month_start(moved)
    length = _month_start(moved + 1) - first
    return moved, first + np.minimum(day, length) - 1


def _iso_days(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype(str)


def _iso_months(months: np.ndarray) -> np.ndarray:
    return (months - 1970 * 12).astype("datetime64[M]").astype(str)


def _text(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object), type=pa.large_string())


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


# --- the sample, read once --------------------------------------------------------------------


@dataclass
class _DateColumn:
    """A date or month column factorised: row codes into its distinct values, parsed."""

    kind: str
    codes: np.ndarray  # per row
    month: np.ndarray  # per distinct value; empty → a month after everything (open)
    base_month: np.ndarray  # the month and day that are moved (the day after a LAST_DAY)
    base_day: np.ndarray
    empty: np.ndarray  # per distinct value


@dataclass
class _Sample:
    """The sample's files as text, with the units and persons every municipality is cut from."""

    meta: dict
    headers: dict[str, bytes]  # the header line as in the file (BOM included where it has one)
    frames: dict[str, pd.DataFrame]  # every column as text
    arrays: dict[tuple[str, str], pa.Array]
    dates: dict[tuple[str, str], _DateColumn]
    row_unit: dict[str, np.ndarray]
    row_person: dict[str, np.ndarray]
    invoice_spell: np.ndarray
    n_households: int
    n_units: int
    unit_ptr: np.ndarray  # persons of unit u: unit_persons[unit_ptr[u]:unit_ptr[u + 1]]
    unit_persons: np.ndarray
    birth_month: np.ndarray  # per person
    birth_day: np.ndarray
    male: np.ndarray
    earliest_month: int


def _read_csv(path: Path) -> tuple[bytes, pd.DataFrame]:
    data = path.read_bytes()
    header = data[: data.index(b"\n") + 1]
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return header, frame


def _factorise_dates(values: pd.Series, kind: str) -> _DateColumn:
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    empty = uniques == ""
    open_month = np.iinfo(np.int32).max

    def month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        month = np.full(len(uniques), LAST_MONTH, dtype=np.int64)
        day = np.ones(len(uniques), dtype=np.int64)
        first = days.astype("datetime64[M]")
        month[~empty] = first.astype(np.int64) + 1970 * 12
        day[~empty] = (days - first.astype("datetime64[D]")).astype(np.int64) + 1
        return month, day

    if kind == MONTH:
        parsed = np.array(uniques[~empty], dtype="datetime64[M]").astype("datetime64[D]")
    else:
        parsed = np.array(uniques[~empty], dtype="datetime64[D]")
    month, day = month_day(parsed)
    base_month, base_day = month_day(parsed + 1) if kind == LAST_DAY else (month, day)
    return _DateColumn(kind, codes.astype(np.int64), np.where(empty, open_month, month), base_month, base_day, empty)


@functools.lru_cache(maxsize=1)
def _load_sample() -> _Sample:
    """Write the sample into a temporary folder and read it back as text (once per process)."""
    from snanalys.sample import write_sample

    with tempfile.TemporaryDirectory(prefix="snanalys-scale-") as tmp:
        folder = write_sample(Path(tmp))
        meta = json.loads((folder / "uttag.json").read_text(encoding="utf-8"))
        read = {stem: _read_csv(folder / f"{stem}.csv") for stem in FILES}
    headers = {stem: header for stem, (header, _) in read.items()}
    frames = {stem: frame for stem, (_, frame) in read.items()}
    pay, members = frames["ekb_utbetalningar"], frames["ekb_hushallsmedlemmar"]
    spells, invoices, interventions = frames["placeringar"], frames["placeringskostnader"], frames["insatser_barn_unga"]

    # Persons, and households.
    pnr_columns = [members["personnummer"], spells["personnummer"], interventions["personnummer"]]
    person_codes, persons = pd.factorize(pd.concat(pnr_columns, ignore_index=True))
    row_person = dict(
        zip(
            ["ekb_hushallsmedlemmar", "placeringar", "insatser_barn_unga"],
            np.split(person_codes.astype(np.int64), np.cumsum([len(c) for c in pnr_columns])[:-1]),
            strict=True,
        )
    )
    hh_codes, households = pd.factorize(pd.concat([pay["hushalls_id"], members["hushalls_id"]], ignore_index=True))
    n_households = len(households)
    pay_hh, member_hh = hh_codes[: len(pay)].astype(np.int64), hh_codes[len(pay) :].astype(np.int64)

    # Units: a household (payments, members, its members' interventions) or a person in care
    # (spells, invoices, interventions) — every person belongs to exactly one unit.
    n_persons = len(persons)
    person_unit = np.full(n_persons, -1, dtype=np.int64)
    person_unit[row_person["ekb_hushallsmedlemmar"]] = member_hh
    pairs = pd.DataFrame({"person": row_person["ekb_hushallsmedlemmar"], "hh": member_hh}).drop_duplicates()
    if pairs["person"].duplicated().any():
        raise RuntimeError("the sample has a person in two households; the scale generator assumes one")
    in_care = np.flatnonzero(person_unit < 0)
    person_unit[in_care] = n_households + np.arange(len(in_care))
    n_units = n_households + len(in_care)
    order = np.argsort(person_unit, kind="stable")
    unit_ptr = np.searchsorted(person_unit[order], np.arange(n_units + 1))

    spell_index = pd.Series(np.arange(len(spells)), index=spells["placerings_id"].to_numpy())
    invoice_spell = spell_index.loc[invoices["placerings_id"].to_numpy()].to_numpy()
    row_unit = {
        "ekb_utbetalningar": pay_hh,
        "ekb_hushallsmedlemmar": member_hh,
        "placeringar": person_unit[row_person["placeringar"]],
        "placeringskostnader": person_unit[row_person["placeringar"]][invoice_spell],
        "insatser_barn_unga": person_unit[row_person["insatser_barn_unga"]],
    }

    twelve = persons.str.replace("-", "", regex=False).to_numpy(dtype=object)
    birth = pd.to_datetime(pd.Series(twelve).str.slice(0, 8), format="%Y%m%d").to_numpy().astype("datetime64[D]")
    birth_first = birth.astype("datetime64[M]")
    male = np.asarray(pd.Series(twelve).str.slice(10, 11).astype(np.int64)) % 2

    arrays, dates = {}, {}
    for stem, kinds in ROW_TABLES.items():
        for column in frames[stem].columns:
            kind = kinds.get(column)
            if kind in (DATE, MONTH, *ENDS):
                dates[stem, column] = _factorise_dates(frames[stem][column], kind)
            elif kind in (None, ID):
                arrays[stem, column] = _text(frames[stem][column])
    birth_month = birth_first.astype(np.int64) + 1970 * 12
    earliest = min(int(birth_month.min()), *(int(d.month.min()) for d in dates.values()))
    return _Sample(
        meta=meta,
        headers=headers,
        frames=frames,
        arrays=arrays,
        dates=dates,
        row_unit=row_unit,
        row_person=row_person,
        invoice_spell=invoice_spell,
        n_households=n_households,
        n_units=n_units,
        unit_ptr=unit_ptr,
        unit_persons=order,
        birth_month=birth_month,
        birth_day=(birth - birth_first.astype("datetime64[D]")).astype(np.int64) + 1,
        male=male,
        earliest_month=earliest,
    )


# --- one block: the sample moved back 58·k months, cut to the window --------------------------


@dataclass
class _Block:
    index: int
    rows: dict[str, np.ndarray]  # the rows of each row table kept in the window
    payments_per_unit: np.ndarray  # payment rows in the window per unit (0 for persons in care)
    care_units: np.ndarray  # persons in care with a row in the window
    full_care_units: np.ndarray  # … with a spell, an invoice and an intervention in the window
    birth_ymd: np.ndarray  # per person: the moved birth date as YYYYMMDD


@functools.lru_cache(maxsize=64)
def _block(b: int, first_month: int) -> _Block:
    s = _load_sample()
    k = SAMPLE_MONTHS * b
    threshold = first_month + k  # a sample month ≥ this lands in the window

    def month_of(stem: str, column: str) -> np.ndarray:
        d = s.dates[stem, column]
        return d.month[d.codes]

    rows = {
        "ekb_utbetalningar": np.flatnonzero(month_of("ekb_utbetalningar", "utbetalningsdatum") >= threshold),
        "ekb_hushallsmedlemmar": np.arange(len(s.frames["ekb_hushallsmedlemmar"])),
        "placeringar": np.flatnonzero(month_of("placeringar", "slutdatum") >= threshold),
        "insatser_barn_unga": np.flatnonzero(month_of("insatser_barn_unga", "slutdatum") >= threshold),
    }
    spell_kept = np.zeros(len(s.frames["placeringar"]), dtype=bool)
    spell_kept[rows["placeringar"]] = True
    invoice_ok = (month_of("placeringskostnader", "avser_manad") >= threshold) & spell_kept[s.invoice_spell]
    rows["placeringskostnader"] = np.flatnonzero(invoice_ok)

    payments = np.bincount(s.row_unit["ekb_utbetalningar"][rows["ekb_utbetalningar"]], minlength=s.n_units)
    care = [s.row_unit[t][rows[t]] for t in ("placeringar", "insatser_barn_unga")]
    care_units = np.unique(np.concatenate(care))
    care_units = care_units[care_units >= s.n_households]
    invoiced = s.row_unit["placeringskostnader"][rows["placeringskostnader"]]
    full = np.intersect1d(np.intersect1d(care[0], invoiced), care[1])
    full = full[full >= s.n_households]

    _, birth_days = _shift(s.birth_month, s.birth_day, k)
    y, m, d = _ymd(birth_days)
    return _Block(b, rows, payments, care_units, full, y * 10000 + m * 100 + d)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dt64 = days.astype("datetime64[D]")
    months = dt64.astype("datetime64[M]")
    mi = months.astype(np.int64) + 1970 * 12
    return mi // 12, mi % 12 + 1, (dt64 - months.astype("datetime64[D]")).astype(np.int64) + 1


@functools.lru_cache(maxsize=512)
def _moved_values(stem: str, column: str, b: int) -> pa.Array:
    """The distinct values of a date or month column moved back ``b`` blocks, as text."""
    d = _load_sample().dates[stem, column]
    month, days = _shift(d.base_month, d.base_day, SAMPLE_MONTHS * b)
    out = _iso_months(month) if d.kind == MONTH else _iso_days(days - (d.kind == LAST_DAY))
    out = out.astype(object)
    if d.kind in ENDS and b > 0:  # open at the moved extract date: closed on it
        out[d.empty] = _moved_extract_date(b)
    else:
        out[d.empty] = ""
    return _text(out)


def _moved_extract_date(b: int) -> str:
    year, month, day = (int(part) for part in EXTRACT_DATE.split("-"))
    _, moved = _shift(np.array([year * 12 + month - 1]), np.array([day]), SAMPLE_MONTHS * b)
    return str(_iso_days(moved)[0])


# --- the plan: which units each municipality and block takes, and everyone's personnummer ----


@dataclass
class _BlockPlan:
    index: int
    selected: np.ndarray  # bool [unit, copy]
    person: np.ndarray  # per person instance
    copy: np.ndarray
    samordning: np.ndarray  # serial from the second 500 (birth day + 60)
    serial: np.ndarray  # 0 … 499


@dataclass
class _Plan:
    folder: Path
    code: str
    name: str
    fraction: float
    first_month: int
    blocks: list[_BlockPlan]


def municipalities_table() -> pd.DataFrame:
    """The 290 real municipalities (code, name, population), 0480 first, then by code."""
    table = pd.read_csv(EXTERNAL / "municipality_county.csv", dtype=str)
    kolada = pd.read_csv(EXTERNAL / "kolada_ifo_values_2010_2022.csv", dtype={"geo": str})
    population = kolada[(kolada["kpi"] == "N01951") & kolada["geo"].str.fullmatch(r"\d{4}")]
    latest = population.sort_values("year").groupby("geo")["value"].last()
    out = pd.DataFrame(
        {
            "code": table["municipality_code"],
            "name": table["municipality_name"],
            "population": table["municipality_code"].map(latest).fillna(0).to_numpy(),
        }
    )
    first = out["code"] == "0480"
    return pd.concat([out[first], out[~first].sort_values("code")], ignore_index=True)


def _size_weights(population: np.ndarray, seed: int) -> np.ndarray:
    """Seeded lognormal draws, the largest given to the largest real populations."""
    draws = np.sort(np.random.default_rng([seed, 1]).lognormal(0.0, SIZE_SIGMA, len(population)))
    weights = np.empty_like(draws)
    weights[np.argsort(population, kind="stable")] = draws
    return weights


def _choose(
    rng: np.random.Generator,
    units: np.ndarray,
    weight: np.ndarray,
    target: float,
    copies: int,
    *,
    first: int | None = None,
    minimum: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Units (and copy numbers) in random order until their weights sum closest to ``target``."""
    if not len(units):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    perms = [rng.permutation(units) for _ in range(copies)]
    if first is not None:  # this unit goes first (a file must not come out empty)
        perms[0] = np.concatenate([[first], perms[0][perms[0] != first]])
    order = np.concatenate(perms)
    copy = np.repeat(np.arange(copies), len(units))
    cum = np.cumsum(weight[order])
    k = int(np.searchsorted(cum, target))
    if k < len(order) and (k == 0 or abs(cum[k] - target) < abs(target - cum[k - 1])):
        k += 1  # one more unit lands nearer the target
    k = max(k, minimum)
    return order[:k], copy[:k]


def _expand(ptr: np.ndarray, members: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The members of each unit (CSR ``ptr``/``members``), and the position of its unit."""
    counts = ptr[units + 1] - ptr[units]
    owner = np.repeat(np.arange(len(units)), counts)
    start = np.repeat(ptr[units] - np.cumsum(counts) + counts, counts)
    return members[start + np.arange(counts.sum())], owner


def _plan(raw_root: Path, n: int, years: int, payment_rows: int, seed: int) -> list[_Plan]:
    s = _load_sample()
    first_month = LAST_MONTH - 12 * years + 1
    n_blocks = math.ceil(12 * years / SAMPLE_MONTHS)
    if s.earliest_month - SAMPLE_MONTHS * (n_blocks - 1) < MIN_DATE_MONTH:
        raise ValueError(f"{years} years would move dates of the sample before 1900 (the ingest's limit); use fewer")
    blocks = [_block(b, first_month) for b in range(n_blocks)]
    per_block = np.array([blk.payments_per_unit.sum() for blk in blocks], dtype=float)

    table = municipalities_table().head(n)
    weights = _size_weights(table["population"].to_numpy(dtype=float), seed)
    fractions = weights / weights.sum() * payment_rows / per_block.sum()
    care_weight = np.ones(s.n_units)

    # Units of every municipality and block.
    selected: dict[tuple[int, int], np.ndarray] = {}
    for m, f in enumerate(fractions):
        copies = max(1, math.ceil(f))
        for blk in blocks:
            rng = np.random.default_rng([seed, 2, m, blk.index])
            sel = np.zeros((s.n_units, copies), dtype=bool)
            households = np.flatnonzero(blk.payments_per_unit)
            minimum = 1 if blk.index == 0 else 0
            unit, copy = _choose(
                rng, households, blk.payments_per_unit, f * per_block[blk.index], copies, minimum=minimum
            )
            sel[unit, copy] = True
            first = int(rng.choice(blk.full_care_units)) if blk.index == 0 and len(blk.full_care_units) else None
            unit, copy = _choose(
                rng, blk.care_units, care_weight, f * len(blk.care_units), copies, first=first, minimum=minimum
            )
            sel[unit, copy] = True
            selected[m, blk.index] = sel

    # Person instances: (municipality, block, copy, person).
    cmax = max(sel.shape[1] for sel in selected.values()) + 1
    n_persons = len(s.male)

    def key(m, b, c, p):
        return ((np.int64(m) * n_blocks + b) * cmax + c) * n_persons + p

    parts = []
    for (m, b), sel in selected.items():
        unit, copy = np.nonzero(sel)
        person, owner = _expand(s.unit_ptr, s.unit_persons, unit)
        parts.append(key(m, b, copy[owner], person))
    inst = np.sort(np.concatenate(parts))
    p = inst % n_persons
    rest = inst // n_persons
    c, rest = rest % cmax, rest // cmax
    b, m = rest % n_blocks, rest // n_blocks

    # Movers: units in municipality 2j+1 that take their persons' numbers from 2j.
    partner = np.full(len(inst), -1, dtype=np.int64)
    for j in range(len(fractions) // 2):
        for blk in blocks:
            sel0, sel1 = selected[2 * j, blk.index], selected[2 * j + 1, blk.index]
            in0, in1 = np.flatnonzero(sel0.any(axis=1)), np.flatnonzero(sel1.any(axis=1))
            both = np.intersect1d(in0, in1)
            count = min(len(both), round(MOVER_SHARE * (len(in0) + len(in1))))
            movers = np.sort(np.random.default_rng([seed, 3, j, blk.index]).choice(both, count, replace=False))
            person, owner = _expand(s.unit_ptr, s.unit_persons, movers)
            c0, c1 = sel0[movers].argmax(axis=1)[owner], sel1[movers].argmax(axis=1)[owner]
            here = np.searchsorted(inst, key(2 * j + 1, blk.index, c1, person))
            partner[here] = np.searchsorted(inst, key(2 * j, blk.index, c0, person))

    # Serials: per (moved birth date, sex), numbered in order of municipality, block, copy, person.
    birth = np.stack([blk.birth_ymd for blk in blocks])[b, p]
    group = birth * 2 + s.male[p]
    own = np.flatnonzero(partner < 0)
    order = own[np.lexsort((inst[own], group[own]))]
    g = group[order]
    starts = np.r_[True, g[1:] != g[:-1]]
    rank = np.arange(len(order)) - np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    offset = ((g.astype(np.uint64) * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(500)).astype(np.int64)
    samordning = np.zeros(len(inst), dtype=bool)
    serial = np.zeros(len(inst), dtype=np.int64)
    samordning[order] = (rank // 500) % 2 == 1
    serial[order] = (191 * (rank % 500) + offset) % 500
    moved = np.flatnonzero(partner >= 0)
    samordning[moved], serial[moved] = samordning[partner[moved]], serial[partner[moved]]

    plans = []
    bounds = np.searchsorted(m, np.arange(len(fractions) + 1))
    for i, row in enumerate(table.itertuples()):
        lo, hi = bounds[i], bounds[i + 1]
        block_plans = []
        for blk in blocks:
            mine = lo + np.flatnonzero(b[lo:hi] == blk.index)
            block_plans.append(
                _BlockPlan(blk.index, selected[i, blk.index], p[mine], c[mine], samordning[mine], serial[mine])
            )
        plans.append(
            _Plan(Path(raw_root) / row.code, row.code, row.name, float(fractions[i]), first_month, block_plans)
        )
    return plans


# --- writing one municipality ------------------------------------------------------------------


def _luhn(nine: np.ndarray) -> np.ndarray:
    """Check digits of nine-digit numbers YYMMDDNNN (weights 2, 1, 2, … from the left)."""
    digits = (nine[:, None] // 10 ** np.arange(8, -1, -1, dtype=np.int64)) % 10
    products = digits * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2], dtype=np.int64)
    return (10 - (products // 10 + products % 10).sum(axis=1) % 10) % 10


def _personnummer(ymd: np.ndarray, male: np.ndarray, samordning: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Twelve-digit personnummer YYYYMMDDNNNC as integers: the birth date (day + 60 for a
    samordningsnummer), a serial whose last digit has the sex's parity, the Luhn check digit."""
    date = ymd + 60 * samordning
    three = (serial // 5) * 10 + (serial % 5) * 2 + male
    check = _luhn((date % 1_000_000) * 1000 + three)
    return date * 10_000 + three * 10 + check


def _pnr_text(twelve: np.ndarray) -> pa.Array:
    """``YYYYMMDD-NNNN``, as the sample writes them."""
    date = (twelve // 10_000).astype(str)
    tail = np.char.zfill((twelve % 10_000).astype(str), 4)
    return _text(np.char.add(np.char.add(date, "-"), tail))


def _lines(columns: list, n: int) -> memoryview | bytes:
    """Rows of ``columns`` (arrays or scalars) joined by ``;`` and ended by a newline, as bytes."""
    if n == 0:
        return b""
    line = pc.binary_join_element_wise(*columns, _scalar(";"))
    joined = pc.binary_join_element_wise(line, _scalar(""), _scalar("\n"))
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset : joined.offset + n + 1]
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]]


def _row_table(stem: str, bp: _BlockPlan, blk: _Block, code: str, pnr: pa.Array, lookup: np.ndarray):
    """The rows of one row table for one block: bytes and count."""
    s = _load_sample()
    kept = blk.rows[stem]
    at, copy = np.nonzero(bp.selected[s.row_unit[stem][kept]])
    rows = kept[at]
    tags = _text([f"K{code}B{bp.index}C{c}-" for c in range(bp.selected.shape[1])]).take(copy)
    person = s.row_person.get(stem)
    columns = []
    for column in s.frames[stem].columns:
        kind = ROW_TABLES[stem].get(column)
        if column == "kommunkod":
            columns.append(_scalar(code))
        elif kind == ID:
            columns.append(pc.binary_join_element_wise(tags, s.arrays[stem, column].take(rows), _scalar("")))
        elif kind in (DATE, MONTH, *ENDS):
            columns.append(_moved_values(stem, column, bp.index).take(s.dates[stem, column].codes[rows]))
        elif kind == PNR:
            columns.append(pnr.take(lookup[person[rows], copy]))
        elif kind == BIRTH_YEAR:
            columns.append(_text((blk.birth_ymd[person[rows]] // 10000).astype(str)))
        else:
            columns.append(s.arrays[stem, column].take(rows))
    return _lines(columns, len(rows)), len(rows)


def _ore(text: pd.Series) -> np.ndarray:
    return text.str.replace(",", "", regex=False).astype(np.int64).to_numpy()


def _yearly(stem: str, plan: _Plan) -> pd.DataFrame:
    """A yearly table over the window: each year from the newest block reaching it, scaled."""
    from snanalys.sample._io import kronor

    base = _load_sample().frames[stem]
    year = base["ar"].astype(np.int64).to_numpy()
    parts = []
    for bp in plan.blocks:
        part = base.assign(_year=(year * 12 + 6 - SAMPLE_MONTHS * bp.index) // 12, _block=bp.index)
        parts.append(part)
    frame = pd.concat(parts[::-1], ignore_index=True)
    frame = frame[frame["_block"] == frame.groupby("_year")["_block"].transform("min")]
    frame = frame[frame["_year"] >= plan.first_month // 12]
    frame = frame.sort_values("_year", kind="stable")
    frame["ar"] = frame["_year"].astype(str)
    if stem == "befolkning":
        frame["antal"] = np.maximum(1, np.round(frame["antal"].astype(np.int64) * plan.fraction)).astype(np.int64)
    else:  # budgets: whole thousands of kronor, as the sample's
        thousands = np.round(_ore(frame["budget"]) * plan.fraction / 100_000).astype(np.int64)
        frame["budget"] = kronor(thousands * 100_000)
    return frame[base.columns]


def _ledger(plan: _Plan) -> pd.DataFrame:
    from snanalys.sample._io import kronor

    base = _load_sample().frames[LEDGER]
    month = base["ar"].astype(np.int64).to_numpy() * 12 + base["manad"].astype(np.int64).to_numpy() - 1
    amount = np.round(_ore(base["belopp"]) * plan.fraction).astype(np.int64)
    parts = []
    for bp in plan.blocks[::-1]:
        moved = month - SAMPLE_MONTHS * bp.index
        keep = moved >= plan.first_month
        part = base[keep].copy()
        part["ar"] = (moved[keep] // 12).astype(str)
        part["manad"] = (moved[keep] % 12 + 1).astype(str)
        part["belopp"] = kronor(amount[keep])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[base.columns]


def _write_municipality(plan: _Plan) -> dict[str, int]:
    """Write one municipality's folder; returns the data rows per file."""
    s = _load_sample()
    if plan.folder.exists():
        shutil.rmtree(plan.folder)
    plan.folder.mkdir(parents=True)
    counts = dict.fromkeys(FILES, 0)

    # Personnummer of every person instance, block by block; unique inside the municipality.
    numbers, lookups = [], []
    for bp in plan.blocks:
        blk = _block(bp.index, plan.first_month)
        numbers.append(_personnummer(blk.birth_ymd[bp.person], s.male[bp.person], bp.samordning, bp.serial))
        lookup = np.full((len(s.male), bp.selected.shape[1]), -1, dtype=np.int64)
        lookup[bp.person, bp.copy] = np.arange(len(bp.person))
        lookups.append(lookup)
    every = np.concatenate(numbers)
    if len(np.unique(every)) != len(every):
        raise RuntimeError(f"{plan.code}: two persons got the same personnummer")
    numbers = [_pnr_text(n) for n in numbers]

    for stem in ROW_TABLES:
        with open(plan.folder / f"{stem}.csv", "wb") as handle:
            handle.write(s.headers[stem])
            for bp, pnr, lookup in zip(plan.blocks[::-1], numbers[::-1], lookups[::-1], strict=True):
                blk = _block(bp.index, plan.first_month)
                data, rows = _row_table(stem, bp, blk, plan.code, pnr, lookup)
                handle.write(data)
                counts[stem] += rows

    small = {stem: _yearly(stem, plan) for stem in YEARLY_TABLES} | {LEDGER: _ledger(plan)}
    for stem, frame in small.items():
        frame = frame.assign(kommunkod=plan.code)
        body = frame.to_csv(sep=";", index=False, header=False, lineterminator="\n")
        (plan.folder / f"{stem}.csv").write_bytes(s.headers[stem] + body.encode("utf-8"))
        counts[stem] = len(frame)

    meta = dict(s.meta)
    meta.update(
        kommunkod=plan.code,
        kommunnamn=plan.name,
        uttagsdatum=EXTRACT_DATE,
        data_fran=_iso_months(np.array([plan.first_month]))[0] + "-01",
        syntetiska_data=True,
    )
    (plan.folder / "uttag.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return counts


# --- the entry points --------------------------------------------------------------------------


def default_payment_rows(municipalities: int, years: int) -> int:
    return round(PAYMENT_ROWS_PER_MUNICIPALITY_YEAR * municipalities * years)


def write_scaled(
    raw_root: Path,
    municipalities: int,
    years: int,
    *,
    payment_rows: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    counts: dict[str, int] | None = None,
) -> list[Path]:
    """Write ``municipalities`` × ``years`` of synthetic raw data into ``raw_root``; return the folders.

    ``payment_rows`` (default :func:`default_payment_rows`) is the total of payment rows
    aimed at. ``workers``: processes writing municipalities side by side (default: the
    CPUs for large outputs). ``counts``, if given, receives the rows written per file.
    The same arguments give the same bytes, whatever ``workers``.
    """
    if not 1 <= municipalities <= MAX_MUNICIPALITIES:
        raise ValueError(
            f"municipalities must be 1–{MAX_MUNICIPALITIES} (Sweden's municipality codes; codes are not reused)"
        )
    if years < 1:
        raise ValueError("years must be at least 1")
    payment_rows = default_payment_rows(municipalities, years) if payment_rows is None else int(payment_rows)
    if payment_rows < 1:
        raise ValueError("payment_rows must be positive")
    raw_root = Path(raw_root)
    ours = set(municipalities_table().head(municipalities)["code"])
    others = sorted(p.parent.name for p in raw_root.glob("*/uttag.json") if p.parent.name not in ours)
    if others:  # the ingest would take them in with the new ones
        raise ValueError(f"{raw_root} holds other municipalities ({', '.join(others[:5])} …); use an empty folder")
    plans = _plan(raw_root, municipalities, years, payment_rows, seed)
    raw_root.mkdir(parents=True, exist_ok=True)

    if workers is None:
        workers = (os.cpu_count() or 1) if payment_rows >= PARALLEL_FROM_ROWS else 1
    workers = max(1, min(workers, municipalities))
    by_size = sorted(plans, key=lambda plan: -plan.fraction)  # the largest first: the workers finish together
    if workers > 1 and sys.platform.startswith("linux"):
        # Forked workers inherit the sample read here; each task carries its municipality's plan.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            written = list(pool.imap_unordered(_write_municipality, by_size, chunksize=1))
    else:
        written = [_write_municipality(plan) for plan in by_size]
    if counts is not None:
        for stem in FILES:
            counts[stem] = sum(c[stem] for c in written)
    return [plan.folder for plan in plans]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="raw folder to write (one sub-folder per municipality)")
    parser.add_argument("--municipalities", type=int, default=MAX_MUNICIPALITIES)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--payment-rows", type=int, default=None, help="default 41 500 × municipalities × years / 10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts: dict[str, int] = {}
    folders = write_scaled(
        args.out,
        args.municipalities,
        args.years,
        payment_rows=args.payment_rows,
        seed=args.seed,
        workers=args.workers,
        counts=counts,
    )
    seconds = time.perf_counter() - start
    target = args.payment_rows or default_payment_rows(args.municipalities, args.years)
    print(f"{len(folders)} municipalities × {args.years} years in {args.out}")
    for stem in FILES:
        print(f"  {stem + '.csv':<28}{counts[stem]:>12,}".replace(",", " "))
    print(f"  payment rows aimed at {target:,}".replace(",", " "))
    print(f"seconds: {seconds:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
