"""The tertial report: run the notebooks, export static pages and a PDF, publish atomically.

``run.run_report`` is the one entry point (``snanalys report`` calls it); ``export``
turns executed notebooks into pages with the project's own template; ``static_checks``
refuses a page that would load anything or run a script.
"""

import sys

# nbformat → jsonschema imports rfc3987_syntax when it is installed (JupyterLab's
# dependencies install it), and that module builds a parser grammar at import: over a
# second, for an "iri" format check that notebook validation never uses. jsonschema skips
# the check when the import fails, so the runner blocks it unless something loaded it already.
sys.modules.setdefault("rfc3987_syntax", None)
