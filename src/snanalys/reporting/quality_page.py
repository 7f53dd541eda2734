"""The analyst's data-quality page, written to the internal folder only (never public).

It shows what the ingest read, set aside and warned about (``extract.json["quality"]``),
with the data's date range and extract date, so the analyst can judge the report's
base before it goes to the board; and the report's disclosure control (the audit of
:mod:`snanalys.disclosure`): what is protected, and what an earlier report of the year
already gave away ("röjd i …").
"""

from __future__ import annotations

import html

import pandas as pd

from snanalys.presentation import format_decimal_sv
from snanalys.reporting.export import css
from snanalys.tables import html_table


def _audit_section(audit: pd.DataFrame | None, earlier_reports: list[str]) -> str:
    if audit is None:
        return ""
    passed = int(audit["passed"].sum())
    lead = (
        f"<p>{format_decimal_sv(len(audit), 0)} skyddade storheter (dolda eller härledbara antal om 1–4 "
        f"och belopp som vilar på 1–4 individer); {format_decimal_sv(passed, 0)} klarar regeln. "
        "Hela granskningen med sanna värden och möjliga intervall finns i rojandekontroll.csv "
        "i samma interna mapp.</p>"
    )
    given_away = audit.loc[audit["given_away_before"]]
    if given_away.empty:
        return "<h2>Röjandekontroll</h2>" + lead
    where = " eller ".join(earlier_reports) or "en tidigare rapport"
    table = pd.DataFrame(
        {
            "Storhet": given_away["quantity"].str.strip().to_list(),
            "Status": [f"röjd i {where}" + ("" if ok else ", smalnad av denna rapport") for ok in given_away["passed"]],
        }
    )
    return (
        "<h2>Röjandekontroll</h2>"
        + lead
        + html_table(table.set_index("Storhet"), caption="Redan röjda av en tidigare rapport", row_header="Storhet")
    )


def quality_page(extract, audit: pd.DataFrame | None = None, *, earlier_reports: list[str] = ()) -> str:
    """The page; ``audit``: the report's disclosure audit (``Protection.audit_frame``), with
    ``earlier_reports`` the labels of the year's reports published before it."""
    quality = extract.raw.get("quality", {}) or {}
    read = quality.get("rows_read", {})
    aside = quality.get("rows_set_aside", {})
    table = pd.DataFrame(
        {
            "Rader lästa": [format_decimal_sv(read.get(t, 0), 0) for t in read],
            "Rader åsidosatta": [format_decimal_sv(aside.get(t, 0), 0) for t in read],
        },
        index=list(read),
    )
    reasons = quality.get("set_aside_reasons", {})
    reason_items = "".join(
        f"<li>{html.escape(t)}: {html.escape(r)} ({n})</li>" for t, rs in reasons.items() for r, n in rs.items()
    )
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in quality.get("warnings", []))
    files = "".join(
        f"<li>{html.escape(f.get('name', ''))}: {format_decimal_sv(f.get('rows', 0), 0)} rader, "
        f"{html.escape(f.get('encoding', ''))}</li>"
        for f in extract.raw.get("raw_files", [])
    )
    return (
        "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Datakvalitet – {html.escape(extract.municipality_name)}</title><style>{css()}</style></head><body>"
        "<main><h1>Datakvalitet (intern sida)</h1>"
        f"<p class='lead'>{html.escape(extract.municipality_name)} ({extract.municipality_code}) · underlaget omfattar "
        f"{extract.data_from:%Y-%m-%d}–{extract.covered_through:%Y-%m-%d}, uttaget {extract.extract_date:%Y-%m-%d}"
        + (" · syntetiska exempeldata" if extract.synthetic else "")
        + ". Sidan är intern och publiceras aldrig.</p>"
        + "<h2>Inläsning</h2>"
        + html_table(table, caption="Rader per tabell", row_header="Tabell")
        + (
            f"<h2>Åsidosatta rader</h2><ul>{reason_items}</ul>"
            if reason_items
            else "<h2>Åsidosatta rader</h2><p>Inga.</p>"
        )
        + (f"<h2>Varningar</h2><ul>{warnings}</ul>" if warnings else "<h2>Varningar</h2><p>Inga.</p>")
        + (f"<h2>Råfiler</h2><ul>{files}</ul>" if files else "")
        + _audit_section(audit, list(earlier_reports))
        + "</main></body></html>"
    )
