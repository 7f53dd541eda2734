"""snanalys: follow-up of a municipality's social services (economic assistance,
placements and care-day costs), from record-level exports to the board's report."""

__version__ = "0.1.0"
