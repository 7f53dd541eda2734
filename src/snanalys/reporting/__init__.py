"""The tertial report: run the notebooks, export static pages and a PDF, publish atomically.

``run.run_report`` is the one entry point (``snanalys report`` calls it, ``command``);
``pages_list`` is the one list of the report's pages; ``kernels`` runs the notebooks on
warm kernels; ``export`` turns executed notebooks into pages with the project's own
template and ``pdf`` lays them out; ``static_checks`` refuses a page that would load
anything or run a script; ``inputs_check`` refuses personal data in the report's inputs;
``tables_export`` writes the key-figure tables, ``manifest`` the run's manifest,
``quality_page`` the data-quality page; ``publish`` swaps the result in atomically under
the period's ``lock``; ``runlog`` logs every run; ``freeze`` archives a published period;
``errors`` and ``labels`` are what they all share.
"""

import sys

# nbformat → jsonschema imports rfc3987_syntax when it is installed (JupyterLab's
# dependencies install it), and that module builds a parser grammar at import: over a
# second, for an "iri" format check that notebook validation never uses. jsonschema skips
# the check when the import fails, so the runner blocks it unless something loaded it already.
sys.modules.setdefault("rfc3987_syntax", None)
