"""The board's page from nbconvert's command line: what the report run otherwise hands the template.

``jupyter nbconvert --to html --template snanalys_page --no-input OUT.ipynb`` finds the
template by name (it is installed into the environment's ``share/jupyter/nbconvert/templates``)
and its ``conf.json`` registers :class:`StandalonePage`. The report's own export passes the
page's context (``resources["snanalys"]``: navigation, titles, footer) and this preprocessor
leaves it alone; from the command line it builds that context from the notebook itself: the
title from its metadata, the synthetic-data banner and the footer from the record
``open_page`` left in the executed notebook (``snanalys.pages.page_record``). There is no
navigation between pages: a single page has none to give.
"""

from __future__ import annotations

import datetime as dt

from nbconvert.preprocessors import Preprocessor

from snanalys import __version__
from snanalys.pages import RECORD_KEY

#: Cells no page shows (the notebook's own note to the analyst, the kernel pool's reset).
HIDDEN_TAGS = {"remove-cell"}


def page_record(nb) -> dict:
    """The record ``open_page`` left in an executed notebook's outputs ({} when it has none)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get(RECORD_KEY)
            if isinstance(record, dict):
                return dict(record)
    return {}


def page_context(nb, name: str) -> dict:
    """The template's ``resources["snanalys"]`` for one notebook, without the report run."""
    from snanalys.reporting.export import css

    meta = nb.metadata.get("snanalys", {})
    record = page_record(nb)
    synthetic = record.get("data_source") == "synthetic"
    municipality = record.get("municipality_name", "")
    period = record.get("period", "")
    report_title = "Socialnämndens tertialuppföljning" + (f" {period}" if period else "")
    report_title += f" – {municipality}" if municipality else ""
    footer = ""
    if record:
        footer = (
            f"{municipality} ({record.get('municipality_code', '')}) · period {record.get('period_start', '')}–"
            f"{record.get('period_end', '')} · uttaget {record.get('extract_date', '')}"
            + (" · syntetiska exempeldata" if synthetic else "")
        )
    ended = nb.metadata.get("papermill", {}).get("end_time") or ""
    try:
        made = dt.datetime.fromisoformat(ended).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        made = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return {
        "title": meta.get("title") or name,
        "report_title": report_title,
        "nav": [],
        "synthetic": synthetic,
        "footer": footer,
        "generated": f"Skapad {made} med snanalys {__version__}.",
        "css": css(),
        "version": __version__,
    }


class StandalonePage(Preprocessor):
    """Gives a notebook converted on its own what the report run gives its pages.

    Also as the run does: cells tagged ``remove-cell`` are dropped, and an output that
    needs a script stops the conversion (the page must work with none)."""

    def preprocess(self, nb, resources):
        if "snanalys" in resources:  # the report's export: it passed the page's context itself
            return nb, resources
        from snanalys.reporting.export import refuse_active_content

        name = resources.get("metadata", {}).get("name") or "notebook"
        nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
        refuse_active_content(nb, name)
        resources["snanalys"] = page_context(nb, name)
        return nb, resources
