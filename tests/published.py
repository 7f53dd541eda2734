"""The yardstick, written down once for the tests and independent of the generator's copy.

"Volymer och nyckeltal", annual report 2025 (../shared/BRIEF.md, "Published figures";
../shared/seeds/000_34b4b4d8c745a940.txt), bokslut per calendar year.
"""

PUBLISHED = {
    "eb_households": {2022: 1143, 2023: 1016, 2024: 1029, 2025: 1123},
    "eb_households_with_children": {2022: 402, 2023: 342, 2024: 305, 2025: 322},
    "care_days_adults_external": {2022: 1583, 2023: 2106, 2024: 2145, 2025: 1091},
    "care_days_children": {2022: 38729, 2023: 39123, 2024: 38641, 2025: 35278},
    "eb_kr_per_household": {2022: 72434, 2023: 78185, 2024: 81327, 2025: 85937},
    "kr_per_care_day_adults_external": {2022: 3268, 2023: 3023, 2024: 2870, 2025: 4662},
    "kr_per_care_day_children_external": {2022: 2673, 2023: 3282, 2024: 4085, 2025: 4849},
}
# From the report's text: households per month on average.
HOUSEHOLDS_PER_MONTH = {2024: 651, 2025: 696}
