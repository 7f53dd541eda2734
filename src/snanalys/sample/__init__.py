"""The synthetic sample municipality "Exempelkommun" (0480), written as raw exports.

``write_sample`` writes every file of ``data/raw/README.md`` so that the whole
pipeline can run on a fresh clone without real (secret) data, and so that the
published key figures of the annual report 2025 come out of it by the brief's
definitions (see :mod:`snanalys.sample.calibration`). Same seed, same bytes.

Modules: :mod:`.economic_assistance` (households, members, payments),
:mod:`.placements` (spells and invoices), :mod:`.interventions` (children's
needs-assessed interventions), :mod:`.economy` (ledger, budget, cost budget,
population), :mod:`.people` (personnummer), :mod:`.calibration` (the targets).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.sample import _calendar as cal
from snanalys.sample import economic_assistance, economy, interventions, placements
from snanalys.sample._io import kronor, write_csv, write_json
from snanalys.sample.people import PersonTable

__all__ = ["write_sample", "MUNICIPALITY_CODE", "MUNICIPALITY_NAME", "EXTRACT_DATE", "DATA_FROM"]

MUNICIPALITY_CODE = "0480"
MUNICIPALITY_NAME = "Exempelkommun"
EXTRACT_DATE = "2026-11-05"
DATA_FROM = "2022-01-01"
DEFAULT_SEED = 20261105


def _ids(rng: np.random.Generator, prefix: str, n: int, digits: int = 7) -> np.ndarray:
    """``n`` distinct identifiers ``<prefix><digits>`` in random order (not sequential)."""
    numbers = rng.choice(9 * 10 ** (digits - 1), size=n, replace=False) + 10 ** (digits - 1)
    return np.char.add(prefix, numbers.astype(str)).astype(object)


def _with_code(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "kommunkod", MUNICIPALITY_CODE)
    return frame


def write_sample(raw_root: Path, *, seed: int = DEFAULT_SEED) -> Path:
    """Write the sample municipality into ``raw_root / "0480"`` and return that folder."""
    streams = np.random.SeedSequence(seed).spawn(7)
    rng_eb, rng_pl, rng_iv, rng_econ, rng_people, rng_ids, _ = (np.random.default_rng(s) for s in streams)

    eb = economic_assistance.generate(rng_eb)
    pl = placements.generate(rng_pl)
    people = PersonTable()

    # Persons: members of households, placed persons, children in open care.
    members = eb.members
    eb_persons = members.drop_duplicates("pid").sort_values("pid")
    eb_global = pd.Series(people.add(eb_persons["birth"], eb_persons["sex"]), index=eb_persons["pid"].to_numpy())
    pl_global = people.add(pl.persons["birth"], pl.persons["sex"])
    eb_children = pd.DataFrame(
        {
            "person": eb_global.loc[eb_persons.loc[eb_persons["role"] == codes.ROLE_CHILD, "pid"]].to_numpy(),
            "birth": eb_persons.loc[eb_persons["role"] == codes.ROLE_CHILD, "birth"].to_numpy(),
        }
    )
    placed = interventions.placement_interventions(pl.spells, pl_global)
    open_care = interventions.open_care_interventions(rng_iv, people, eb_children)
    pnr = people.issue(rng_people)
    births = np.concatenate([eb_persons["birth"].to_numpy(), pl.persons["birth"].to_numpy()])

    folder = Path(raw_root) / MUNICIPALITY_CODE
    folder.mkdir(parents=True, exist_ok=True)
    write_json(
        folder / "uttag.json",
        {
            "kommunkod": MUNICIPALITY_CODE,
            "kommunnamn": MUNICIPALITY_NAME,
            "uttagsdatum": EXTRACT_DATE,
            "data_fran": DATA_FROM,
            "syntetiska_data": True,
        },
    )

    # Economic assistance.
    households = np.unique(np.concatenate([eb.payments["hh"].to_numpy(), members["hh"].to_numpy()]))
    hh_id = pd.Series(_ids(rng_ids, "EKB-", households.size, 6), index=households)
    pay = eb.payments
    payments = _with_code(
        pd.DataFrame(
            {
                "transaktions_id": _ids(rng_ids, "UTB", len(pay), 8),
                "hushalls_id": hh_id.loc[pay["hh"]].to_numpy(),
                "utbetalningsdatum": cal.iso_dates(pay["day"]),
                "avser_manad": cal.iso_months(pay["for_month"]),
                "belopp": kronor(pay["amount"]),
                "hushallstyp": pay["type"].to_numpy(),
            }
        )
    )
    write_csv(folder / "ekb_utbetalningar.csv", payments, bom=True)
    member_rows = _with_code(
        pd.DataFrame(
            {
                "hushalls_id": hh_id.loc[members["hh"]].to_numpy(),
                "personnummer": pnr[eb_global.loc[members["pid"]].to_numpy()],
                "roll": members["role"].to_numpy(),
                "juridiskt_kon": members["sex"].to_numpy(),
                "forsorjningshinder": members["reason"].to_numpy(),
                "nyanland": members["nyanland"].to_numpy(),
                "giltig_fran": cal.iso_dates(members["valid_from"]),
                "giltig_till": cal.iso_dates(members["valid_to"]),
            }
        )
    )
    write_csv(folder / "ekb_hushallsmedlemmar.csv", member_rows)

    # Placements and invoices.
    spells = pl.spells
    spell_id = _ids(rng_ids, "PLC-", len(spells), 6)
    person = pl_global[spells["person"].to_numpy()]
    placement_rows = _with_code(
        pd.DataFrame(
            {
                "placerings_id": spell_id,
                "personnummer": pnr[person],
                "juridiskt_kon": pl.persons["sex"].to_numpy()[spells["person"].to_numpy()],
                "fodelsear": cal.year_of(births[person]),
                "malgrupp": spells["group"].to_numpy(),
                "placeringsform": spells["form"].to_numpy(),
                "lagrum": spells["legal"].to_numpy(),
                "regi": spells["regi"].to_numpy(),
                "utforar_id": spells["provider"].to_numpy(),
                "startdatum": cal.iso_dates(spells["start"]),
                "slutdatum": cal.iso_dates(spells["end"]),
            }
        )
    )
    order = np.lexsort((placement_rows["placerings_id"].to_numpy(), spells["start"].to_numpy()))
    write_csv(folder / "placeringar.csv", placement_rows.iloc[order])
    inv = pl.invoices
    invoice_rows = _with_code(
        pd.DataFrame(
            {
                "faktura_id": _ids(rng_ids, "FAK", len(inv), 8),
                "placerings_id": spell_id[inv["spell"].to_numpy()],
                "avser_manad": cal.iso_months(inv["month"]),
                "bokforingsdatum": cal.iso_dates(inv["booked"]),
                "belopp": kronor(inv["amount"]),
            }
        )
    )
    write_csv(folder / "placeringskostnader.csv", invoice_rows)

    # Children's interventions.
    iv = pd.concat([placed, open_care], ignore_index=True).sort_values(["start", "kind"], kind="stable")
    intervention_rows = _with_code(
        pd.DataFrame(
            {
                "insats_id": _ids(rng_ids, "INS-", len(iv), 6),
                "personnummer": pnr[iv["person"].to_numpy()],
                "insatstyp": iv["kind"].to_numpy(),
                "insats": iv["intervention"].to_numpy(),
                "regi": iv["regi"].to_numpy(),
                "startdatum": cal.iso_dates(iv["start"]),
                "slutdatum": cal.iso_dates(iv["end"]),
            }
        )
    )
    write_csv(folder / "insatser_barn_unga.csv", intervention_rows)

    # Population, ledger, budget, cost budget.
    pop = economy.population_rows()
    write_csv(
        folder / "befolkning.csv",
        _with_code(
            pd.DataFrame(
                {"ar": pop["year"], "juridiskt_kon": pop["sex"], "aldersgrupp": pop["band"], "antal": pop["count"]}
            )
        ),
    )
    ledger = economy.ledger_rows(rng_econ)
    write_csv(
        folder / "huvudbok.csv",
        _with_code(
            pd.DataFrame(
                {
                    "ar": ledger["year"],
                    "manad": ledger["month"],
                    "verksamhet": ledger["verksamhet"],
                    "kontogrupp": ledger["account"],
                    "belopp": kronor(ledger["amount"]),
                }
            )
        ),
    )
    budget = economy.budget_rows()
    write_csv(
        folder / "budget.csv",
        _with_code(
            pd.DataFrame({"ar": budget["year"], "verksamhet": budget["verksamhet"], "budget": kronor(budget["budget"])})
        ),
    )
    cost_budget = economy.cost_budget_rows()
    write_csv(
        folder / "kostnadsbudget.csv",
        _with_code(
            pd.DataFrame(
                {"ar": cost_budget["year"], "omrade": cost_budget["area"], "budget": kronor(cost_budget["budget"])}
            )
        ),
    )
    return folder
