"""The raw files and the processed tables they become: names, columns and kinds.

One :class:`TableSpec` per raw file of ``data/raw/README.md``. Each :class:`Field`
names a raw column, the column it becomes in the parsed frame (the processed name,
except identifiers, which stay raw until pseudonymised) and how its text is parsed.
``OUTPUT_COLUMNS`` are the processed tables' columns in the order of
``docs/processed_data.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from snanalys import codes

# Kinds of raw column (how the text is parsed).
TEXT = "text"  # free text, e.g. a provider id
CODE = "code"  # a code from snanalys.codes
MUNICIPALITY = "municipality"  # kommunkod: four digits, the folder's code
IDENTIFIER = "identifier"  # a case, household or row id: pseudonymised
PERSONNUMMER = "personnummer"  # YYYYMMDD-NNNN: validated, birth date kept, pseudonymised
DATE = "date"
MONTH = "month"
AMOUNT = "amount"
INTEGER = "integer"
YES_NO = "yes_no"

# Kinds of identifier (domains of the pseudonyms).
PERSON = "person"
HOUSEHOLD = "household"
TRANSACTION = "transaction"
PLACEMENT = "placement"
INVOICE = "invoice"
INTERVENTION = "intervention"
PROVIDER = "provider"  # a provider that is a person (an own family home)


@dataclass(frozen=True)
class Field:
    raw: str  # the column in the raw file
    name: str  # the column in the parsed frame
    kind: str
    pseudonym: str | None = None  # the identifier's domain; its key column is ``key``
    unique: bool = False  # unique per row (its contract says so)
    #: Its pseudonym is a processed column. A row id no figure needs (a payment's transaction
    #: id, an invoice id) is checked (present, unique in its file) and then left out of the
    #: processed data: data minimisation, one linkable id less, and no hashing of ids that
    #: are all distinct (most of the ingest's work at national size).
    processed: bool = True
    #: ``(raw column, codes)``: in the rows where that column holds one of the codes, this
    #: text names a person (an own family home's provider is the family): there it is
    #: pseudonymised (domain :data:`PROVIDER`) rather than searched for identities.
    personal_when: tuple[str, tuple[str, ...]] | None = None

    @property
    def key(self) -> str | None:
        """The processed column holding the pseudonym (``None`` if not an identifier or not kept)."""
        if self.pseudonym is None or not self.processed:
            return None
        return "person_key" if self.pseudonym == PERSON else f"{self.pseudonym}_key"


@dataclass(frozen=True)
class Reference:
    """Each row's ``column`` must name a row of ``table`` (by its own ``column``) in the same
    folder, or the row fails (``väntade ett <raw column> som finns i <file>``); the referred
    table is processed first, in the same task. ``unreferenced``, if given, is the warning on
    ``table`` for its rows no row names (``{stem}``: ``table``'s raw file, ``{count}`` of
    ``{total}`` rows, ``{referring}``: this table's raw file)."""

    column: str
    table: str
    unreferenced: str | None = None


@dataclass(frozen=True)
class MonthsCovered:
    """A warning, not an error: months between the first and the last month of the date
    ``column`` (within the months the extract covers) without a row (``{stem}``,
    ``{count}`` months, ``{listed}``)."""

    column: str
    message: str


@dataclass(frozen=True)
class OverlappingSpells:
    """A warning, not an error: one person's spells (``start``–``end``, both days included)
    overlapping an earlier spell of the same person (``{stem}``, ``{count}`` spells)."""

    start: str
    end: str
    message: str


@dataclass(frozen=True)
class TableSpec:
    """One processed table: its raw file, its fields, and what is checked between its rows
    and other tables' (``references``) or warned of (``months_covered``, ``overlapping_spells``).
    A field's own behaviour (pseudonym, uniqueness, text naming a person) is on its :class:`Field`."""

    table: str  # processed table, e.g. ``payments``
    stem: str  # raw file name without extension, e.g. ``ekb_utbetalningar``
    fields: tuple[Field, ...]
    references: tuple[Reference, ...] = ()
    months_covered: MonthsCovered | None = None
    overlapping_spells: OverlappingSpells | None = None

    @property
    def raw_columns(self) -> list[str]:
        return [f.raw for f in self.fields]

    def personal_rows(self, f: Field, frame, *, parsed: bool = False) -> np.ndarray | None:
        """Where ``f`` names a person (:attr:`Field.personal_when`) in ``frame`` (raw text
        columns, or the parsed frame's if ``parsed``); None if it never does."""
        if f.personal_when is None:
            return None
        column, values = f.personal_when
        if parsed:
            column = next(g.name for g in self.fields if g.raw == column)
        return frame[column].isin(values).to_numpy(dtype=bool)

    def raw_name_of(self, parsed_column: str) -> str:
        """The raw column a parsed column comes from (``birth_date`` comes from personnummer)."""
        for f in self.fields:
            if f.name == parsed_column:
                return f.raw
        if parsed_column == "birth_date":
            return "personnummer"
        return parsed_column


_KOMMUNKOD = Field("kommunkod", "municipality_code", MUNICIPALITY)
_PERSONNUMMER = Field("personnummer", "personnummer", PERSONNUMMER, PERSON)

SPECS: dict[str, TableSpec] = {
    spec.table: spec
    for spec in (
        TableSpec(
            "payments",
            "ekb_utbetalningar",
            (
                _KOMMUNKOD,
                Field("transaktions_id", "transaction_id", IDENTIFIER, TRANSACTION, unique=True, processed=False),
                Field("hushalls_id", "household_id", IDENTIFIER, HOUSEHOLD),
                Field("utbetalningsdatum", "payment_date", DATE),
                Field("avser_manad", "for_month", MONTH),
                Field("belopp", "amount_kr", AMOUNT),
                Field("hushallstyp", "household_type", CODE),
            ),
            months_covered=MonthsCovered(
                "payment_date",
                "{stem}: inga utbetalningar i {count} månad(er) mellan första och sista utbetalningen: {listed}",
            ),
        ),
        TableSpec(
            "household_members",
            "ekb_hushallsmedlemmar",
            (
                _KOMMUNKOD,
                Field("hushalls_id", "household_id", IDENTIFIER, HOUSEHOLD),
                _PERSONNUMMER,
                Field("roll", "role", CODE),
                Field("juridiskt_kon", "legal_sex", CODE),
                Field("forsorjningshinder", "reason", CODE),
                Field("nyanland", "newly_arrived", YES_NO),
                Field("giltig_fran", "valid_from", DATE),
                Field("giltig_till", "valid_to", DATE),
            ),
            overlapping_spells=OverlappingSpells(
                "valid_from",
                "valid_to",
                "{stem}: {count} medlemsperiod(er) överlappar en tidigare period för samma person",
            ),
        ),
        TableSpec(
            "placements",
            "placeringar",
            (
                _KOMMUNKOD,
                Field("placerings_id", "placement_id", IDENTIFIER, PLACEMENT, unique=True),
                _PERSONNUMMER,
                Field("juridiskt_kon", "legal_sex", CODE),
                Field("fodelsear", "birth_year", INTEGER),
                Field("malgrupp", "target_group", CODE),
                Field("placeringsform", "form", CODE),
                Field("lagrum", "legal_basis", CODE),
                Field("regi", "provider_type", CODE),
                Field("utforar_id", "provider_id", TEXT, personal_when=("placeringsform", (codes.FORM_FOSTER_OWN,))),
                Field("startdatum", "start_date", DATE),
                Field("slutdatum", "end_date", DATE),
            ),
        ),
        TableSpec(
            "placement_costs",
            "placeringskostnader",
            (
                _KOMMUNKOD,
                Field("faktura_id", "invoice_id", IDENTIFIER, INVOICE, unique=True, processed=False),
                Field("placerings_id", "placement_id", IDENTIFIER, PLACEMENT),
                Field("avser_manad", "care_month", MONTH),
                Field("bokforingsdatum", "booking_date", DATE),
                Field("belopp", "amount_kr", AMOUNT),
            ),
            references=(
                Reference(
                    "placement_id",
                    "placements",
                    unreferenced="{stem}: {count} av {total} placeringar saknar kostnader i {referring}",
                ),
            ),
        ),
        TableSpec(
            "interventions",
            "insatser_barn_unga",
            (
                _KOMMUNKOD,
                Field("insats_id", "intervention_id", IDENTIFIER, INTERVENTION, unique=True),
                _PERSONNUMMER,
                Field("insatstyp", "kind", CODE),
                Field("insats", "intervention", CODE),
                Field("regi", "provider_type", CODE),
                Field("startdatum", "start_date", DATE),
                Field("slutdatum", "end_date", DATE),
            ),
        ),
        TableSpec(
            "population",
            "befolkning",
            (
                _KOMMUNKOD,
                Field("ar", "year", INTEGER),
                Field("juridiskt_kon", "legal_sex", CODE),
                Field("aldersgrupp", "age_band", CODE),
                Field("antal", "inhabitants", INTEGER),
            ),
        ),
        TableSpec(
            "ledger",
            "huvudbok",
            (
                _KOMMUNKOD,
                Field("ar", "year", INTEGER),
                Field("manad", "month", INTEGER),
                Field("verksamhet", "verksamhet", CODE),
                Field("kontogrupp", "account_group", CODE),
                Field("belopp", "amount_kr", AMOUNT),
            ),
        ),
        TableSpec(
            "budget",
            "budget",
            (
                _KOMMUNKOD,
                Field("ar", "year", INTEGER),
                Field("verksamhet", "verksamhet", CODE),
                Field("budget", "budget_kr", AMOUNT),
            ),
        ),
        TableSpec(
            "cost_budget",
            "kostnadsbudget",
            (
                _KOMMUNKOD,
                Field("ar", "year", INTEGER),
                Field("omrade", "area", CODE),
                Field("budget", "budget_kr", AMOUNT),
            ),
        ),
    )
}

#: The processed tables' columns, in the documented order (docs/processed_data.md).
OUTPUT_COLUMNS: dict[str, list[str]] = {
    "payments": [
        "municipality_code",
        "household_key",
        "payment_date",
        "for_month",
        "amount_kr",
        "household_type",
    ],
    "household_members": [
        "municipality_code",
        "household_key",
        "person_key",
        "role",
        "legal_sex",
        "birth_date",
        "reason",
        "newly_arrived",
        "valid_from",
        "valid_to",
    ],
    "placements": [
        "municipality_code",
        "placement_key",
        "person_key",
        "legal_sex",
        "birth_year",
        "target_group",
        "form",
        "legal_basis",
        "provider_type",
        "provider_id",
        "start_date",
        "end_date",
    ],
    "placement_costs": ["municipality_code", "placement_key", "care_month", "booking_date", "amount_kr"],
    "interventions": [
        "municipality_code",
        "intervention_key",
        "person_key",
        "kind",
        "intervention",
        "provider_type",
        "start_date",
        "end_date",
    ],
    "population": ["municipality_code", "year", "legal_sex", "age_band", "inhabitants"],
    "ledger": ["municipality_code", "year", "month", "verksamhet", "account_group", "amount_kr"],
    "budget": ["municipality_code", "year", "verksamhet", "budget_kr"],
    "cost_budget": ["municipality_code", "year", "area", "budget_kr"],
}

#: Processing order: placements before their costs (the costs must refer to them).
TABLE_ORDER = (
    "payments",
    "household_members",
    "placements",
    "placement_costs",
    "interventions",
    "population",
    "ledger",
    "budget",
    "cost_budget",
)
