"""The measure layer: every figure the board sees, defined once and computed one way.

* :mod:`~snanalys.measures.scopes` — which placements a figure counts;
* :mod:`~snanalys.measures.facts` — the record-level facts of a period, built by DuckDB
  from the processed Parquet files, for one municipality or all of them (and the country);
* :mod:`~snanalys.measures.catalog` — one declaration per measure: id, Swedish label,
  unit, computation, base, dimensions, relations, the page sections that show it;
* :mod:`~snanalys.measures.engine` — evaluates declarations on facts (the only arithmetic);
* :mod:`~snanalys.measures.tables` — the tables made of them: :func:`cells` for the pages,
  :func:`key_figures` for one municipality, :func:`key_figures_all` for all.
"""
