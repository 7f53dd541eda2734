"""Economy: the committee's result per verksamhet, the volume-driven costs, forecasts.

Two views of the money (see the brief): ``ledger`` — the committee's own ledger and
budget, which may hold only the fixed compensation paid to a provider; ``drivers`` —
the actual cost of economic assistance and placements computed from the records,
against their compensation lines, with the change split into volume and price.
``forecast`` gives both views their full-year forecast. ``figures`` turns them into
key-figure rows.
"""
