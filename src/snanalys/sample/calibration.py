"""The figures the sample reproduces, and the plan for the years nobody published.

Source of ``PUBLISHED``: the annual report 2025 of the social services committee,
"Volymer och nyckeltal" (``shared/seeds/000_34b4b4d8c745a940.txt``, summarised in
``shared/BRIEF.md``). The sample must give these values, computed by the brief's
definitions, for every full year 2022–2025. The context figures come from the same
report's text and Kolada (also in the brief); values marked *chosen* are this
generator's own, picked to be consistent with the published ones.
"""

from __future__ import annotations

YEARS = (2022, 2023, 2024, 2025)

PUBLISHED: dict[str, dict[int, int]] = {
    "eb_households": {2022: 1143, 2023: 1016, 2024: 1029, 2025: 1123},
    "eb_households_with_children": {2022: 402, 2023: 342, 2024: 305, 2025: 322},
    "care_days_adults_external": {2022: 1583, 2023: 2106, 2024: 2145, 2025: 1091},
    "care_days_children": {2022: 38729, 2023: 39123, 2024: 38641, 2025: 35278},
    "eb_kr_per_household": {2022: 72434, 2023: 78185, 2024: 81327, 2025: 85937},
    "kr_per_care_day_adults_external": {2022: 3268, 2023: 3023, 2024: 2870, 2025: 4662},
    "kr_per_care_day_children_external": {2022: 2673, 2023: 3282, 2024: 4085, 2025: 4849},
}

# Context from the report's text (2024, 2025) and Kolada (long-term share 2022–2024);
# the other years are chosen.
EB_HOUSEHOLDS_PER_MONTH = {2022: 760, 2023: 672, 2024: 651, 2025: 696}  # 2022, 2023 chosen
EB_LONG_TERM_SHARE = {2022: 0.538, 2023: 0.534, 2024: 0.495, 2025: 0.490}  # 2025 chosen
EB_UNEMPLOYED_ADULTS = {2022: 1236, 2023: 1099, 2024: 1113, 2025: 1138}  # 2022, 2023 chosen
CHILDREN_PLACED = {2022: 176, 2023: 178, 2024: 172, 2025: 165}  # 2022, 2023 chosen
CHILDREN_OPEN_CARE_INTERVENTIONS = {2022: 332, 2023: 351, 2024: 374, 2025: 393}  # 2022, 2023 chosen
ADULT_ADDICTION_PLACEMENTS = {2022: 97, 2023: 97, 2024: 97, 2025: 97}  # 2022, 2023 chosen
INHABITANTS_2022 = 58021  # Kolada N01951, 0480

# Economy, tkr, costs negative: "Årets ekonomiska resultat" in the annual report 2025.
OUTCOME_2025_TKR = {
    "NAMND": -2147,
    "FORFOGANDE": -694,
    "CIVILSAMHALLE": -6144,
    "FAMILJERADGIVNING": -542,
    "BARN_UNGA": -124613,
    "VUXNA_BEROENDE": -42937,
    "FLYKTING_INTEGRATION": 1084,
    "ARBETE_FORSORJNING": -109224,
    "MYNDIGHET_GEMENSAMT": -14558,
    "OVRIGT": 0,
}
BUDGET_2025_TKR = {
    "NAMND": -2150,
    "FORFOGANDE": -1000,
    "CIVILSAMHALLE": -5802,
    "FAMILJERADGIVNING": -900,
    "BARN_UNGA": -124613,
    "VUXNA_BEROENDE": -42937,
    "FLYKTING_INTEGRATION": 1284,
    "ARBETE_FORSORJNING": -109424,
    "MYNDIGHET_GEMENSAMT": -14558,
    "OVRIGT": 0,
}
OUTCOME_2024_TKR = {
    "NAMND": -2125,
    "FORFOGANDE": -164,
    "CIVILSAMHALLE": -6320,
    "FAMILJERADGIVNING": -1048,
    "BARN_UNGA": -127928,
    "VUXNA_BEROENDE": -44604,
    "FLYKTING_INTEGRATION": 1414,
    "ARBETE_FORSORJNING": -105916,
    "OVRIGT": 0,
}

# The provider's compensation for the volume-driven costs, tkr, positive (kostnadsbudget.csv):
# the agreement's table "Volymer och ersättningar", columns "Ersättning 2024" and
# "Ersättning 2025" (shared/seeds/001_c40c2fc4864cef89.txt; the 2025 column is in
# shared/BRIEF.md): "varav HVB-vård", "varav Familjehem" (under Insatser barn och unga),
# "Placeringar vuxna", "varav ekonomiskt bistånd" and "varav ekonomiskt bistånd flykting".
# 2022, 2023 and 2026 are chosen (about 3 % a year from the neighbouring published year).
COST_BUDGET_2025_TKR = {
    "EKONOMISKT_BISTAND": 78000,
    "EKONOMISKT_BISTAND_FLYKTING": 2000,
    "HVB_BARN_UNGA": 29608,
    "FAMILJEHEM": 35813,
    "PLACERINGAR_VUXNA": 20457,
}
COST_BUDGET_2024_TKR = {
    "EKONOMISKT_BISTAND": 76000,
    "EKONOMISKT_BISTAND_FLYKTING": 2000,
    "HVB_BARN_UNGA": 24140,
    "FAMILJEHEM": 33130,
    "PLACERINGAR_VUXNA": 22391,
}
COST_BUDGET_GROWTH = 0.03  # chosen: the yearly change outside the published years
