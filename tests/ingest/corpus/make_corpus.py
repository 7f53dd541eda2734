"""The corpus of bad (and awkward but good) raw inputs, documented in docs/bad_inputs.md.

Each :class:`Case` changes the hand-written raw folder of ``tests/ingest/rawfolder.py``
in one way and says what the ingest must do with it:

* ``read`` — read correctly (nothing set aside);
* ``stop`` — the file is stopped: :class:`IngestError` naming file, row and column
  (where they apply), with or without ``quarantine=True``;
* ``quarantine`` — a row fault: stops by default; with ``quarantine=True`` the rows
  (``aside``: table → rows) are set aside and the ingest goes on.

Nothing is committed: the files are written at test time (``tests/ingest/test_corpus.py``)
or by hand into a folder of your choice::

    .venv/bin/python tests/ingest/corpus/make_corpus.py /tmp/corpus   # one raw root per case
    .venv/bin/python tests/ingest/corpus/make_corpus.py --markdown    # the table of docs/bad_inputs.md
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # rawfolder.py

from rawfolder import ADULT, ADULT_PLACED, RawFolder, wrong_check_digit  # noqa: E402

PAY = "ekb_utbetalningar.csv"
MEM = "ekb_hushallsmedlemmar.csv"
PLA = "placeringar.csv"
COS = "placeringskostnader.csv"
INT = "insatser_barn_unga.csv"
POP = "befolkning.csv"
LED = "huvudbok.csv"
BUD = "budget.csv"
CBU = "kostnadsbudget.csv"


@dataclass(frozen=True)
class Case:
    id: str
    what: str
    outcome: str  # read | stop | quarantine
    change: Callable[[RawFolder], None]
    where: tuple[str | None, int | None, str | None] = (None, None, None)  # file, row, column of the first problem
    aside: dict = field(default_factory=dict)  # quarantine: table → rows set aside
    says: str | None = None  # a text the error must hold (what is wrong, in the user's words)


def _set(name: str, row: int, column: str, value: str) -> Callable[[RawFolder], None]:
    return lambda raw: raw.set(name, row, column, value)


def _extract(key: str, value: str) -> Callable[[RawFolder], None]:
    return lambda raw: raw.extract.__setitem__(key, value)


def _bytes(name: str, make: Callable[[RawFolder], bytes]) -> Callable[[RawFolder], None]:
    def change(raw: RawFolder) -> None:
        raw.raw_bytes[name] = make(raw)

    return change


def _bom(raw: RawFolder) -> None:
    raw.raw_bytes[PAY] = b"\xef\xbb\xbf" + raw.text(PAY).encode("utf-8")


def _cp1252(raw: RawFolder) -> None:
    columns, rows = raw.files[PAY]
    columns.append("anteckning")
    for r in rows:
        r["anteckning"] = "Återkrav – åtgärd"
    raw.set(PAY, 6, "belopp", "1\u00a0000\u00a0000,5")  # U+202F has no Windows-1252 byte
    raw.encodings[PAY] = "cp1252"


def _xlsx(raw: RawFolder) -> None:
    import openpyxl

    columns, rows = raw.files.pop(BUD)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for r in rows:
        sheet.append([r[c] for c in columns])
    out = io.BytesIO()
    book.save(out)
    raw.files["budget.xlsx"] = (columns, rows)
    raw.raw_bytes["budget.xlsx"] = out.getvalue()


def _reverse_columns(raw: RawFolder) -> None:
    raw.files[COS][0].reverse()


def _extra_columns(raw: RawFolder) -> None:
    columns, rows = raw.files[PLA]
    columns.extend(["handlaggare_enhet", "kommentar"])
    for r in rows:
        r["handlaggare_enhet"], r["kommentar"] = "Enhet Barn", "fri text"


def _thousands(raw: RawFolder) -> None:
    raw.set(LED, 2, "belopp", "-1\u00a0234\u00a0567,00")
    raw.set(LED, 3, "belopp", "2 345 678")
    raw.set(PAY, 2, "belopp", "1\u202f234,50")


def _repayment(raw: RawFolder) -> None:
    raw.files[PAY][1].append(
        dict(raw.rows(PAY)[0], transaktions_id="TX-QZ-0009", utbetalningsdatum="2025-05-20", belopp="-12 345,50")
    )


def _late_invoice(raw: RawFolder) -> None:
    raw.files[COS][1].append(
        {"kommunkod": "0480", "faktura_id": "FK-QZ-09", "placerings_id": "PL-QZ-01",
         "avser_manad": "2025-01", "bokforingsdatum": "2025-11-20", "belopp": "3 000,00"}
    )


def _crlf(raw: RawFolder) -> None:
    raw.raw_bytes[MEM] = raw.text(MEM).replace("\n", "\r\n").encode("utf-8")


def _blank_lines(raw: RawFolder) -> None:
    lines = raw.text(POP).split("\n")
    raw.raw_bytes[POP] = "\n".join(lines[:3] + ["", ";;;;"] + lines[3:]).encode("utf-8")


def _undecodable(raw: RawFolder) -> bytes:
    return raw.text(PAY).encode("utf-8").replace(b"SAMBO_MED_BARN\n0480;TX-QZ-0002", b"SAMBO_MED_BARN\n0480;TX-\x81-0002", 1)


def _comma_separated(raw: RawFolder) -> bytes:
    return raw.text(BUD).replace(";", ",").encode("utf-8")


def _rename(raw: RawFolder) -> None:
    columns, rows = raw.files[PAY]
    columns[columns.index("hushalls_id")] = "hushall"
    for r in rows:
        r["hushall"] = r.pop("hushalls_id")


def _truncated(raw: RawFolder) -> bytes:
    text = raw.text(COS)
    return text[: text.rindex(";")].encode("utf-8")  # the last line cut before its last field


def _missing_file(raw: RawFolder) -> None:
    raw.raw_bytes[INT] = None


def _not_a_workbook(raw: RawFolder) -> None:
    raw.files["befolkning.xlsx"] = raw.files.pop(POP)
    raw.raw_bytes["befolkning.xlsx"] = b"PK\x03\x04 not really a zip"


def _csv_and_xlsx(raw: RawFolder) -> None:
    raw.files["budget.xlsx"] = raw.files[BUD]
    raw.raw_bytes["budget.xlsx"] = b"PK\x03\x04"


def _utf16(raw: RawFolder, *, bom: bool) -> None:
    data = raw.text(PAY).encode("utf-16-le")
    raw.raw_bytes[PAY] = (b"\xff\xfe" + data) if bom else data


def _two_boms(raw: RawFolder) -> None:
    raw.raw_bytes[PAY] = b"\xef\xbb\xbf\xef\xbb\xbf" + raw.text(PAY).encode("utf-8")


def _link_to_device(raw: RawFolder) -> None:
    raw.special[POP] = lambda path: os.symlink("/dev/zero", path)


def _link_to_file(raw: RawFolder) -> None:
    text = raw.text(POP)

    def make(path: Path) -> None:
        elsewhere = path.parent.parent / "elsewhere.csv"
        elsewhere.write_text(text, encoding="utf-8")
        os.symlink(elsewhere, path)

    raw.special[POP] = make


def _fifo(raw: RawFolder) -> None:
    raw.special[LED] = lambda path: os.mkfifo(path)


def _duplicate_id(raw: RawFolder) -> None:
    raw.set(PAY, 3, "transaktions_id", raw.rows(PAY)[0]["transaktions_id"])


CASES: list[Case] = [
    # --- read correctly ---
    Case("R01", "UTF-8 med BOM (byte order mark)", "read", _bom),
    Case("R02", "Windows-1252 (å, ä, ö och tankstreck i en extra kolumn)", "read", _cp1252),
    Case("R03", "budget som .xlsx i stället för .csv", "read", _xlsx),
    Case("R04", "kolumnerna i omvänd ordning", "read", _reverse_columns),
    Case("R05", "extra okända kolumner (ignoreras, varning)", "read", _extra_columns),
    Case("R06", "tusentalsavgränsare: mellanslag, hårt mellanslag, smalt hårt mellanslag", "read", _thousands),
    Case("R07", "en återbetalning (negativ utbetalning)", "read", _repayment),
    Case("R08", "en sen faktura (bokförd tio månader efter vårdmånaden)", "read", _late_invoice),
    Case("R09", "Windows-radslut (CRLF)", "read", _crlf),
    Case("R10", "tomma rader och en rad med bara avgränsare", "read", _blank_lines),
    # --- stop the file ---
    Case("S01", "oläsbar teckenkodning (varken UTF-8 eller Windows-1252)", "stop",
         _bytes(PAY, _undecodable), (f"0480/{PAY}", 3, None)),
    Case("S02", "fel avgränsare (komma i stället för semikolon)", "stop", _bytes(BUD, _comma_separated),
         (f"0480/{BUD}", 1, None)),
    Case("S03", "en kolumn saknas", "stop", lambda raw: raw.drop_column(PAY, "belopp"), (f"0480/{PAY}", 1, "belopp")),
    Case("S04", "omdöpt kolumn utan mappning (hushall i stället för hushalls_id)", "stop", _rename,
         (f"0480/{PAY}", 1, "hushalls_id")),
    Case("S05", "tom fil (0 byte)", "stop", _bytes(LED, lambda raw: b""), (f"0480/{LED}", None, None)),
    Case("S06", "bara rubrikrad", "stop", _bytes(LED, lambda raw: raw.text(LED).split("\n")[0].encode() + b"\n"),
         (f"0480/{LED}", 1, None)),
    Case("S07", "avklippt fil (sista raden saknar fält)", "stop", _bytes(COS, _truncated), (f"0480/{COS}", 5, None)),
    Case("S08", "blandade decimaltecken i en kolumn (45000.00 bland 45 000,00)", "stop",
         _set(COS, 2, "belopp", "45000.00"), (f"0480/{COS}", 2, "belopp")),
    Case("S09", "en fil saknas", "stop", _missing_file, (f"0480/{INT}", None, None)),
    Case("S10", ".xlsx som inte är en arbetsbok", "stop", _not_a_workbook, ("0480/befolkning.xlsx", None, None)),
    Case("S11", "både .csv och .xlsx för samma tabell", "stop", _csv_and_xlsx, (f"0480/{BUD}", None, None)),
    # --- row faults: stop, or set aside with quarantine=True ---
    Case("Q01", "omöjligt datum (2025-02-30)", "quarantine", _set(PAY, 2, "utbetalningsdatum", "2025-02-30"),
         (f"0480/{PAY}", 2, "utbetalningsdatum"), {"payments": 1}),
    Case("Q02", "omöjlig månad (2025-13)", "quarantine", _set(PAY, 3, "avser_manad", "2025-13"),
         (f"0480/{PAY}", 3, "avser_manad"), {"payments": 1}),
    Case("Q03", "utflytt före start (placering)", "quarantine", _set(PLA, 4, "slutdatum", "2025-05-01"),
         (f"0480/{PLA}", 4, "slutdatum"), {"placements": 1, "placement_costs": 1}),
    Case("Q04", "slut före start (hushållsmedlem)", "quarantine", _set(MEM, 3, "giltig_till", "2024-01-01"),
         (f"0480/{MEM}", 3, "giltig_till"), {"household_members": 1}),
    Case("Q05", "överlappande placeringar för samma person", "quarantine", _set(PLA, 3, "startdatum", "2025-02-01"),
         (f"0480/{PLA}", 3, "startdatum"), {"placements": 1, "placement_costs": 1}),
    Case("Q06", "dubblerat transaktions-id", "quarantine", _duplicate_id,
         (f"0480/{PAY}", 2, "transaktions_id"), {"payments": 2}),
    Case("Q07", "orimligt belopp (12 Mkr för en utbetalning)", "quarantine", _set(PAY, 5, "belopp", "12 000 000,00"),
         (f"0480/{PAY}", 5, "belopp"), {"payments": 1}),
    Case("Q08", "okänd kod (hushållstyp)", "quarantine", _set(PAY, 2, "hushallstyp", "SINGEL"),
         (f"0480/{PAY}", 2, "hushallstyp"), {"payments": 1}),
    Case("Q09", "okänd kod: lång svensk benämning utan mappning", "quarantine",
         _set(PLA, 2, "placeringsform", "Hem för vård eller boende"),
         (f"0480/{PLA}", 2, "placeringsform"), {"placements": 1, "placement_costs": 2}),
    Case("Q10", "okänd insats", "quarantine", _set(INT, 2, "insats", "SOMMARLAGER"),
         (f"0480/{INT}", 2, "insats"), {"interventions": 1}),
    Case("Q11", "personnummer med fel kontrollsiffra", "quarantine",
         lambda raw: raw.set(MEM, 2, "personnummer", wrong_check_digit(ADULT)),
         (f"0480/{MEM}", 2, "personnummer"), {"household_members": 1}),
    Case("Q12", "CSV-formel =cmd|' /C calc'!A0", "quarantine", _set(PAY, 3, "hushallstyp", "=cmd|' /C calc'!A0"),
         (f"0480/{PAY}", 3, "hushallstyp"), {"payments": 1}),
    Case("Q13", "CSV-formel som börjar med + och bokstäver", "quarantine", _set(LED, 2, "verksamhet", "+SUM(A1:A9)"),
         (f"0480/{LED}", 2, "verksamhet"), {"ledger": 1}),
    Case("Q14", "CSV-formel som börjar med - och bokstäver", "quarantine", _set(BUD, 3, "verksamhet", "-cmd"),
         (f"0480/{BUD}", 3, "verksamhet"), {"budget": 1}),
    Case("Q15", "CSV-formel som börjar med @", "quarantine", _set(POP, 2, "aldersgrupp", "@SUM(A1)"),
         (f"0480/{POP}", 2, "aldersgrupp"), {"population": 1}),
    Case("Q16", "CSV-formel i fritext (utförar-id)", "quarantine",
         _set(PLA, 4, "utforar_id", '=HYPERLINK("http://example.invalid")'),
         (f"0480/{PLA}", 4, "utforar_id"), {"placements": 1, "placement_costs": 1}),
    Case("Q17", "fel kommunkod på en rad", "quarantine", _set(PAY, 2, "kommunkod", "0481"),
         (f"0480/{PAY}", 2, "kommunkod"), {"payments": 1}),
    Case("Q18", "obligatoriskt värde saknas (hushalls_id)", "quarantine", _set(PAY, 4, "hushalls_id", ""),
         (f"0480/{PAY}", 4, "hushalls_id"), {"payments": 1}),
    Case("Q19", "datum utanför rimligt intervall (1899-12-31)", "quarantine",
         _set(PAY, 2, "utbetalningsdatum", "1899-12-31"), (f"0480/{PAY}", 2, "utbetalningsdatum"), {"payments": 1}),
    Case("Q20", "faktura för en placering som inte finns", "quarantine", _set(COS, 3, "placerings_id", "PL-QZ-99"),
         (f"0480/{COS}", 3, "placerings_id"), {"placement_costs": 1}),
    Case("Q21", "negativ kostnadsbudget", "quarantine", _set(CBU, 2, "budget", "-78 000 000"),
         (f"0480/{CBU}", 2, "budget"), {"cost_budget": 1}),
    Case("Q22", "belopp med tre decimaler (12,345)", "quarantine", _set(PAY, 2, "belopp", "12,345"),
         (f"0480/{PAY}", 2, "belopp"), {"payments": 1}),
    Case("S12", "UTF-16 med BOM (sparad som \"Unicode\" i Excel)", "stop", lambda raw: _utf16(raw, bom=True),
         (f"0480/{PAY}", 1, None), says="kodad som UTF-16: spara den som UTF-8 eller Windows-1252"),
    Case("S13", "UTF-16 utan BOM", "stop", lambda raw: _utf16(raw, bom=False), (f"0480/{PAY}", 1, None),
         says="UTF-16 (utan BOM"),
    Case("S14", "två BOM i början av filen", "stop", _two_boms, (f"0480/{PAY}", 1, None), says="två BOM"),
    Case("S15", "symbolisk länk till en enhet (/dev/zero)", "stop", _link_to_device, (f"0480/{POP}", None, None),
         says="symbolisk länk"),
    Case("S16", "symbolisk länk till en fil utanför mappen", "stop", _link_to_file, (f"0480/{POP}", None, None),
         says="symbolisk länk"),
    Case("S17", "en FIFO (namngiven pipe) i stället för en fil", "stop", _fifo, (f"0480/{LED}", None, None),
         says="ingen vanlig fil"),
    Case("Q23", "kod med osynligt tecken (HVB + nollbreddsmellanslag)", "quarantine",
         _set(PLA, 2, "placeringsform", "HVB\u200b"), (f"0480/{PLA}", 2, "placeringsform"),
         {"placements": 1, "placement_costs": 2}, says="'HVB\\u200b'"),
    Case("Q24", "kod med kyrillisk bokstav som ser latinsk ut (SАMBO_MED_BARN)", "quarantine",
         _set(PAY, 2, "hushallstyp", "S\u0410MBO_MED_BARN"), (f"0480/{PAY}", 2, "hushallstyp"), {"payments": 1},
         says="'S\\u0410MBO_MED_BARN'"),
    # dates that cannot be true (the extract date is 2026-11-05)
    Case("S30", "uttagsdatum i framtiden (2126-11-05)", "stop", _extract("uttagsdatum", "2126-11-05"),
         ("0480/uttag.json", None, "uttagsdatum")),
    Case("Q40", "utbetalning efter uttagsdatum", "quarantine", _set(PAY, 2, "utbetalningsdatum", "2026-11-06"),
         (f"0480/{PAY}", 2, "utbetalningsdatum"), {"payments": 1}),
    Case("Q41", "placering som börjar efter uttagsdatum", "quarantine", _set(PLA, 3, "startdatum", "2026-12-01"),
         (f"0480/{PLA}", 3, "startdatum"), {"placements": 1, "placement_costs": 1}),
    Case("Q42", "insats som börjar efter uttagsdatum", "quarantine", _set(INT, 3, "startdatum", "2027-01-10"),
         (f"0480/{INT}", 3, "startdatum"), {"interventions": 1}),
    Case("Q43", "faktura bokförd efter uttagsdatum", "quarantine", _set(COS, 5, "bokforingsdatum", "2026-12-15"),
         (f"0480/{COS}", 5, "bokforingsdatum"), {"placement_costs": 1}),
    # --- personal data and control characters in texts that reach the report (issue 12) ---
    Case("S20", "personnummer i kommunnamn (uttag.json)", "stop", _extract("kommunnamn", f"Testkommun {ADULT}"),
         ("0480/uttag.json", None, "kommunnamn")),
    Case("S21", "radbrytning (styrtecken) i kommunnamn (uttag.json)", "stop", _extract("kommunnamn", "Test\nkommun"),
         ("0480/uttag.json", None, "kommunnamn")),
    Case("Q30", "personnummer i fritext (utförar-id)", "quarantine",
         _set(PLA, 3, "utforar_id", f"Familjehemmet {ADULT_PLACED}"),
         (f"0480/{PLA}", 3, "utforar_id"), {"placements": 1, "placement_costs": 1}),
    Case("Q31", "personnummer med fel kontrollsiffra, tio siffror utan bindestreck, i fritext", "quarantine",
         _set(PLA, 2, "utforar_id", wrong_check_digit(ADULT).replace("-", "")[2:]),
         (f"0480/{PLA}", 2, "utforar_id"), {"placements": 1, "placement_costs": 2}),
    Case("Q32", "NUL-tecken i fritext", "quarantine", _set(PLA, 4, "utforar_id", "ORG-55\x0060001"),
         (f"0480/{PLA}", 4, "utforar_id"), {"placements": 1, "placement_costs": 1}),
    Case("Q33", "fritext på 1 MB (högst 200 tecken läses)", "quarantine", _set(PLA, 4, "utforar_id", "A" * 1_000_000),
         (f"0480/{PLA}", 4, "utforar_id"), {"placements": 1, "placement_costs": 1}),
    Case("Q34", "telefonnummer i fritext", "quarantine", _set(PLA, 2, "utforar_id", "Kontakt 070-123 45 67"),
         (f"0480/{PLA}", 2, "utforar_id"), {"placements": 1, "placement_costs": 2}),
    Case("Q35", "e-postadress i fritext", "quarantine", _set(PLA, 3, "utforar_id", "kontakt.person@example.se"),
         (f"0480/{PLA}", 3, "utforar_id"), {"placements": 1, "placement_costs": 1}),
    Case("Q36", "tabb inuti en cell i fritext", "quarantine", _set(PLA, 2, "utforar_id", "ORG\t5560001"),
         (f"0480/{PLA}", 2, "utforar_id"), {"placements": 1, "placement_costs": 2}),
    Case("Q37", "id som börjar med - men inte är ett tal (-1-2)", "quarantine", _set(PAY, 5, "hushalls_id", "-1-2"),
         (f"0480/{PAY}", 5, "hushalls_id"), {"payments": 1}),
    Case("Q38", "CSV-formel som börjar med + och siffror i fritext (+46 70 …)", "quarantine",
         _set(PLA, 4, "utforar_id", "+46 70 123 45 67"),
         (f"0480/{PLA}", 4, "utforar_id"), {"placements": 1, "placement_costs": 1}),
]

OUTCOME_TEXT = {"read": "läses", "stop": "stoppas", "quarantine": "stoppas / sätts åt sidan (quarantine=True)"}


def folder(case: Case, root: Path) -> Path:
    """Write the case's raw municipality folder under ``root`` (``root/0480``)."""
    raw = RawFolder()
    case.change(raw)
    return raw.write(Path(root))


def markdown_table() -> str:
    lines = ["| case | what | expected | first problem (file, row, column) | set aside |", "|---|---|---|---|---|"]
    for c in CASES:
        file, row, column = c.where
        where = ", ".join(str(x) for x in (file, row and f"rad {row}", column and f'"{column}"') if x) or "–"
        aside = ", ".join(f"{t}: {n}" for t, n in c.aside.items()) or "–"
        what = c.what.replace("|", "\\|")
        lines.append(f"| {c.id} | {what} | {c.outcome} | {where} | {aside} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:
        print(markdown_table())
    elif len(sys.argv) == 2:
        for c in CASES:
            print(folder(c, Path(sys.argv[1]) / c.id))
    else:
        sys.exit(__doc__)
