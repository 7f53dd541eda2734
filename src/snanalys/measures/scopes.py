"""Which placements a figure counts: target groups × forms × provider types, declared once.

The published rows' names are vague ("Institution/familjehem barn och unga
interna/externa"); a scope makes them exact, as the brief's table does, so that two
people computing a care day get the same number. The economy's volume-driven cost
areas are scopes too, so the care days behind a cost are the care days of the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from snanalys import codes


@dataclass(frozen=True)
class Scope:
    """A set of placements: target groups × forms × provider types."""

    target_groups: tuple[str, ...]
    forms: tuple[str, ...]
    provider_types: tuple[str, ...]
    description_sv: str

    def predicate(self) -> str:
        """The SQL condition on a spell fact's columns (false, never NULL, for a missing value)."""
        return " AND ".join(
            [
                in_list("target_group", self.target_groups),
                in_list("form", self.forms),
                in_list("provider_type", self.provider_types),
            ]
        )


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def in_list(column: str, values: Iterable[str]) -> str:
    """``column IN (…)`` that is false, never NULL, for a missing value."""
    return f"coalesce({column} IN ({', '.join(literal(v) for v in values)}), false)"


_CHILD_FORMS = (
    codes.FORM_HVB,
    codes.FORM_SIS,
    codes.FORM_FOSTER_OWN,
    codes.FORM_EMERGENCY_HOME,
    codes.FORM_FOSTER_CONSULTANT,
    codes.FORM_SUPPORTED_HOUSING,
)

SCOPES: dict[str, Scope] = {
    "children": Scope(
        (codes.TARGET_CHILDREN,),
        _CHILD_FORMS,
        codes.PROVIDER_TYPES,
        "Institution/familjehem barn och unga, interna och externa",
    ),
    "children_external": Scope(
        (codes.TARGET_CHILDREN,),
        (codes.FORM_HVB, codes.FORM_SIS, codes.FORM_FOSTER_CONSULTANT, codes.FORM_SUPPORTED_HOUSING),
        (codes.PROVIDER_EXTERNAL,),
        "Institution/upphandlade familjehem barn och unga, externa",
    ),
    "adults_external": Scope(
        (codes.TARGET_ADULTS,),
        (codes.FORM_HVB, codes.FORM_SIS, *codes.FOSTER_FORMS),
        (codes.PROVIDER_EXTERNAL,),
        "Institution/familjehem vuxna, externa",
    ),
    "adults_external_institutions": Scope(
        (codes.TARGET_ADULTS,),
        (codes.FORM_HVB, codes.FORM_SIS),
        (codes.PROVIDER_EXTERNAL,),
        "Institution vuxna, externa",
    ),
    "protected_housing": Scope(
        (codes.TARGET_VIOLENCE,),
        (codes.FORM_PROTECTED_HOUSING,),
        codes.PROVIDER_TYPES,
        "Skyddat boende, våldsutsatta vuxna",
    ),
    # The economy's volume-driven cost areas (snanalys.economy.drivers.AREAS).
    "area_hvb_children": Scope(
        (codes.TARGET_CHILDREN,),
        (codes.FORM_HVB, codes.FORM_SIS, codes.FORM_SUPPORTED_HOUSING),
        codes.PROVIDER_TYPES,
        "Barn och unga i HVB, SiS och stödboende",
    ),
    "area_foster_homes": Scope(
        (codes.TARGET_CHILDREN,),
        (codes.FORM_FOSTER_OWN, codes.FORM_FOSTER_CONSULTANT, codes.FORM_EMERGENCY_HOME),
        codes.PROVIDER_TYPES,
        "Barn och unga i familjehem och jourhem",
    ),
    "area_adults": Scope(
        (codes.TARGET_ADULTS, codes.TARGET_VIOLENCE),
        codes.PLACEMENT_FORMS,
        codes.PROVIDER_TYPES,
        "Vuxna och våldsutsatta, alla placeringsformer",
    ),
}
