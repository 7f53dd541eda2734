"""Needs-assessed interventions for children and young people (``insatser_barn_unga``).

Every child's placement episode is one placement intervention (decision to start on
the first day in placement, end on the last care day), so the placement
interventions active in a year equal the children placed that year. Open-care
interventions (contact person, family treatment, MST, programmes, support talks)
are added year by year so that the number active in each year is the plan, with
the municipality's own services doing most of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from snanalys import codes
from snanalys.sample import _calendar as cal
from snanalys.sample import calibration as target
from snanalys.sample.people import PersonTable, birth_days_for_ages
from snanalys.sample.placements import EXTRACT_DAY, OPEN, care_interval

_FORM_TO_INTERVENTION = {
    codes.FORM_HVB: "HVB",
    codes.FORM_SIS: "SIS",
    codes.FORM_FOSTER_OWN: "FAMILJEHEM",
    codes.FORM_FOSTER_CONSULTANT: "FAMILJEHEM",
    codes.FORM_EMERGENCY_HOME: "JOURHEM",
    codes.FORM_SUPPORTED_HOUSING: "STODBOENDE",
}

# Open care: kind, share, (median days, lognormal sigma, min, max), ages, share bought externally.
_OPEN_CARE = (
    ("KONTAKTPERSON", 0.24, (420, 0.6, 90, 1500), (7, 20), 0.05),
    ("FAMILJEBEHANDLING", 0.31, (190, 0.45, 60, 540), (0, 17), 0.08),
    ("MST", 0.07, (150, 0.15, 100, 200), (12, 17), 0.0),
    ("OPPENVARDSPROGRAM", 0.20, (120, 0.5, 30, 365), (12, 20), 0.35),
    ("STODSAMTAL", 0.18, (90, 0.6, 14, 300), (6, 20), 0.05),
)
_OPEN_CARE_PLAN = dict(target.CHILDREN_OPEN_CARE_INTERVENTIONS) | {2026: 405}


def placement_interventions(spells: pd.DataFrame, person_ids: np.ndarray) -> pd.DataFrame:
    """One placement intervention per child's episode."""
    kids = spells.loc[spells["group"] == codes.TARGET_CHILDREN].copy()
    s, e = care_interval(kids["start"], kids["end"])
    kids["days"] = e - s
    kids["last_day"] = np.where(kids["end"] == OPEN, OPEN, e - 1)
    main = kids.sort_values(["episode", "days"], ascending=[True, False], kind="stable").groupby("episode").head(1)
    span = kids.groupby("episode").agg(start=("start", "min"), person=("person", "first"))
    open_ep = kids.groupby("episode")["end"].apply(lambda x: bool((x == OPEN).any()))
    last = kids.groupby("episode")["last_day"].max()
    frame = main.set_index("episode")[["form", "regi"]].join(span)
    frame["end"] = np.where(open_ep.loc[frame.index].to_numpy(), OPEN, last.loc[frame.index].to_numpy())
    return pd.DataFrame(
        {
            "person": person_ids[frame["person"].to_numpy()],
            "kind": codes.INTERVENTION_PLACEMENT,
            "intervention": frame["form"].map(_FORM_TO_INTERVENTION).to_numpy(),
            "regi": frame["regi"].to_numpy(),
            "start": frame["start"].to_numpy(),
            "end": frame["end"].to_numpy(),
        }
    )


def _active(start: np.ndarray, end: np.ndarray, year: int) -> np.ndarray:
    lo, hi = cal.day(year, 1, 1), cal.day(year, 12, 31)
    return (start <= hi) & ((end == OPEN) | (end >= lo))


def open_care_interventions(rng: np.random.Generator, people: PersonTable, eb_children: pd.DataFrame) -> pd.DataFrame:
    """Open-care interventions, the number active each year as planned.

    ``eb_children``: persons (global id, birth) who are children in households with
    economic assistance; about a quarter of the open care goes to them.
    """
    kinds = np.array([k[0] for k in _OPEN_CARE])
    shares = np.array([k[1] for k in _OPEN_CARE])
    starts: list[np.ndarray] = []
    kind_idx: list[np.ndarray] = []

    def draw(n: int, lo: int, hi: int) -> None:
        starts.append(np.sort(rng.integers(lo, hi + 1, n)))
        kind_idx.append(rng.choice(len(kinds), size=n, p=shares / shares.sum()))

    def lengths(idx: np.ndarray) -> np.ndarray:
        out = np.empty(idx.size, dtype=np.int64)
        for i, (_, _, (median, sigma, low, high), _, _) in enumerate(_OPEN_CARE):
            sel = idx == i
            out[sel] = np.clip(np.round(rng.lognormal(np.log(median), sigma, int(sel.sum()))), low, high)
        return out

    # Interventions decided before the data starts; those still running in 2022 are kept.
    draw(int(rng.poisson(520)), cal.day(2019, 1, 1), cal.day(2021, 12, 31))
    all_len = [lengths(kind_idx[0])]
    keep = starts[0] + all_len[0] >= cal.day(2022, 1, 1)
    starts[0], kind_idx[0], all_len[0] = starts[0][keep], kind_idx[0][keep], all_len[0][keep]
    for year, planned in _OPEN_CARE_PLAN.items():
        s = np.concatenate(starts)
        e = s + np.concatenate(all_len)
        e = np.where(e > EXTRACT_DAY, OPEN, e)
        need = max(planned - int(_active(s, e, year).sum()), 0)
        draw(need, cal.day(year, 1, 1), min(cal.day(year, 12, 31), EXTRACT_DAY))
        all_len.append(lengths(kind_idx[-1]))
    start = np.concatenate(starts)
    idx = np.concatenate(kind_idx)
    end = start + np.concatenate(all_len)
    end = np.where(end > EXTRACT_DAY, OPEN, end)
    n = start.size
    external = rng.random(n) < np.array([k[4] for k in _OPEN_CARE])[idx]

    # Persons: some are children of households with economic assistance, the rest new.
    age_lo = np.array([k[3][0] for k in _OPEN_CARE])[idx]
    age_hi = np.array([k[3][1] for k in _OPEN_CARE])[idx]
    person = np.full(n, -1, dtype=np.int64)
    if len(eb_children):
        pick = rng.integers(0, len(eb_children), n)
        cand_birth = eb_children["birth"].to_numpy()[pick]
        cand_age = cal.age_at(cand_birth, start)
        fits = (rng.random(n) < 0.3) & (cand_age >= age_lo) & (cand_age <= np.minimum(age_hi, 17))
        cand = eb_children["person"].to_numpy()[pick]
        # One intervention of a kind per child at a time: keep the first use of a child.
        first_use = ~pd.Series(cand).where(fits).duplicated(keep="first").to_numpy()
        fits &= first_use
        person[fits] = cand[fits]
    new = person < 0
    ages = rng.integers(age_lo[new], age_hi[new] + 1)
    births = birth_days_for_ages(rng, ages, start[new])
    sexes = np.where(rng.random(int(new.sum())) < 0.55, "M", "K")
    person[new] = people.add(births, sexes)
    return pd.DataFrame(
        {
            "person": person,
            "kind": codes.INTERVENTION_OPEN_CARE,
            "intervention": kinds[idx],
            "regi": np.where(external, "EXTERN", "INTERN"),
            "start": start,
            "end": end,
        }
    )
