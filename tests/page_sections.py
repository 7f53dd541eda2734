"""Reading a page section's tables, and a page context with a protection of the test's choosing."""

from __future__ import annotations

import re

from snanalys.disclosure.protect import Protection


def table_rows(html_text: str, caption: str) -> dict[str, list[str]]:
    """Row header → the cells of the first table after ``caption``."""
    table = html_text[html_text.index(caption) :]
    table = table[: table.index("</table>")]
    return {
        head: re.findall(r"<td class='(?:num|text)'>(.*?)</td>", body)
        for head, body in re.findall(r"<tr><th scope='row'>(.*?)</th>(.*?)</tr>", table)
    }


def hiding(ctx, *cell_ids: str, rounded: dict[str, float] | None = None):
    """``ctx`` with a protection that hides ``cell_ids`` (as partners) and rounds ``rounded``."""
    ctx.__dict__["protection"] = Protection(None, {c: "secondary" for c in cell_ids}, dict(rounded or {}))
    return ctx
