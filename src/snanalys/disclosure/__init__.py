"""Disclosure control over a whole report: every published number is a cell of one linked table.

Where data enters and leaves: :func:`snanalys.report_cells.report_cells` lists every number a
report may publish (with what it counts and the individuals it rests on); :mod:`.linked` ties
them by the relations a reader knows from the declarations (parts and totals, ratios, months
within tertials within the year, the change on last year, the economy's volume × price);
:mod:`.audit` asks, by linear programming (SciPy's HiGHS), how narrowly a reader can pin every
protected quantity given what is shown; :mod:`.protect` chooses what to hide over the whole
report at once, until the audit passes.

The rule (issue 14): a count of 1–4 individuals passes if what is published lets it be anything
from at most 1 to at least 5; kronor, days and means with true value v pass if they may be at
most 0.75·v and at least 1.25·v.
"""
