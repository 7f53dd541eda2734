"""Key figures as pure functions of the processed tables and a period.

Each figure the board sees is computed by exactly one function here:
``economic_assistance`` (households, persons, kronor, long-term share),
``care_days`` (interval arithmetic on placement spells), ``placements`` (which
placements each published row counts, costs per care day, interventions),
``key_figures`` (the table of all of them, with ids, units and Swedish labels) and
``national`` (the same table for every municipality and the country in one DuckDB pass).
"""
