"""A split's key as the pages name it, for the lists and files that print keys of several pages."""

from __future__ import annotations

from snanalys.pages.care_costs import PROVIDER_LABELS_SV, TARGET_LABELS_SV
from snanalys.pages.economic_assistance import REASON_LABELS_SV
from snanalys.pages.placements import FORM_LABELS_SV, SEX_LABELS_SV

#: A comparison series' key (snanalys.report_cells._kolada_cells).
SERIES_LABELS_SV = {
    "municipality": "kommunen",
    "peers_median": "jämförelsekommunernas median",
    "country": "riket",
    "municipality_K": "kommunen, kvinnor",
    "municipality_M": "kommunen, män",
    "country_K": "riket, kvinnor",
    "country_M": "riket, män",
}
LABELS_SV = {
    **SEX_LABELS_SV,
    **FORM_LABELS_SV,
    **REASON_LABELS_SV,
    **TARGET_LABELS_SV,
    **PROVIDER_LABELS_SV,
    **SERIES_LABELS_SV,
}


def group_label(key: str) -> str:
    """ "Barn och unga, HVB, extern" for the key "barn × HVB × extern", else the key itself."""
    return ", ".join(LABELS_SV.get(part, part) for part in str(key).split(" × ")) if key else ""
