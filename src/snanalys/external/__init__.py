"""Public data fetched on demand (``snanalys external update``): Kolada, Socialstyrelsen's
statistical database and SCB, written atomically to ``data/external/fetched/`` with a manifest.
See docs/external_data.md."""
