"""A small raw municipality folder, written by hand in the raw format (data/raw/README.md).

Personnummer are built at run time with a valid check digit (so no valid number is
ever written in this file: the repository scan must not find one). Every identifier
uses capital letters outside the hex digits, so it cannot occur inside a pseudonym
by chance and a leak scan can look for it as a substring.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

CODE = "0480"
KEY = b"test-key-0123456789abcdef"  # a test key: real keys live outside git
OTHER_KEY = b"another-test-key-9876543210"


def luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def pnr(birth: str, serial: str) -> str:
    """``YYYYMMDD-NNNC`` with a valid check digit, from a birth date and a 3-digit serial."""
    return f"{birth}-{serial}{luhn_digit(birth[2:] + serial)}"


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


ADULT = pnr("19850312", "123")
PARTNER = pnr("19870704", "246")
CHILD = pnr("20150601", "456")
TEEN = pnr("20100115", "789")  # placed, has interventions, and is a child in household B
ADULT_PLACED = pnr("19900220", "135")

HH_A, HH_B = "HH-QALPHA-7", "HH-QBRAVO-9"


def _rows(header: str, *rows: str) -> tuple[list[str], list[dict[str, str]]]:
    columns = header.split(";")
    return columns, [dict(zip(columns, r.split(";"), strict=True)) for r in rows]


def base_files() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """File name → (columns, rows as dicts); data row i is row i + 2 of the file."""
    return {
        "ekb_utbetalningar.csv": _rows(
            "kommunkod;transaktions_id;hushalls_id;utbetalningsdatum;avser_manad;belopp;hushallstyp",
            f"0480;TX-QZ-0001;{HH_A};2025-01-25;2025-01;12 345,50;SAMBO_MED_BARN",
            f"0480;TX-QZ-0002;{HH_A};2025-02-25;2025-02;12\u00a0345,50;SAMBO_MED_BARN",
            f"0480;TX-QZ-0003;{HH_A};2025-03-10;2025-02;-850,00;SAMBO_MED_BARN",
            f"0480;TX-QZ-0004;{HH_B};2025-03-25;2025-03;7800;ENSAM_MED_BARN",
            f"0480;TX-QZ-0005;{HH_B};2025-04-25;2025-04;1\u202f000\u202f000,5;ENSAM_MED_BARN",
        ),
        "ekb_hushallsmedlemmar.csv": _rows(
            "kommunkod;hushalls_id;personnummer;roll;juridiskt_kon;forsorjningshinder;nyanland;giltig_fran;giltig_till",
            f"0480;{HH_A};{ADULT};SOKANDE;K;ARBETSLOS;N;2024-06-01;",
            f"0480;{HH_A};{PARTNER};MEDSOKANDE;M;SJUKSKRIVEN;J;2024-06-01;2025-02-28",
            f"0480;{HH_A};{CHILD};BARN;M;;;2024-06-01;",
            f"0480;{HH_B};{ADULT_PLACED};SOKANDE;K;OVRIGT;N;2025-03-01;2025-03-01",
            f"0480;{HH_B};{TEEN};BARN;K;;;2025-03-01;",
        ),
        "placeringar.csv": _rows(
            "kommunkod;placerings_id;personnummer;juridiskt_kon;fodelsear;malgrupp;placeringsform;lagrum;regi;"
            "utforar_id;startdatum;slutdatum",
            f"0480;PL-QZ-01;{TEEN};K;2010;BARN_UNGA;HVB;LVU;EXTERN;ORG-5560001;2025-01-10;2025-03-01",
            f"0480;PL-QZ-02;{TEEN};K;2010;BARN_UNGA;FAMILJEHEM_KONSULENT;SOL;EXTERN;ORG-5560002;2025-03-01;",
            f"0480;PL-QZ-03;{ADULT_PLACED};K;1990;VUXNA;SIS;LVM;EXTERN;;2025-05-05;2025-05-05",
        ),
        "placeringskostnader.csv": _rows(
            "kommunkod;faktura_id;placerings_id;avser_manad;bokforingsdatum;belopp",
            "0480;FK-QZ-01;PL-QZ-01;2025-01;2025-02-15;45 000,00",
            "0480;FK-QZ-02;PL-QZ-01;2025-02;2025-03-15;52 000,00",
            "0480;FK-QZ-03;PL-QZ-02;2025-03;2025-05-02;-1 200,00",
            "0480;FK-QZ-04;PL-QZ-03;2025-05;2025-06-01;4 662,00",
        ),
        "insatser_barn_unga.csv": _rows(
            "kommunkod;insats_id;personnummer;insatstyp;insats;regi;startdatum;slutdatum",
            f"0480;IN-QZ-01;{TEEN};OPPENVARD;KONTAKTPERSON;INTERN;2024-09-01;2024-12-31",
            f"0480;IN-QZ-02;{TEEN};PLACERING;HVB;EXTERN;2025-01-10;",
            f"0480;IN-QZ-03;{CHILD};OPPENVARD;FAMILJEBEHANDLING;INTERN;2025-02-01;2025-02-01",
        ),
        "befolkning.csv": _rows(
            "kommunkod;ar;juridiskt_kon;aldersgrupp;antal",
            "0480;2025;K;0-17;6100",
            "0480;2025;M;0-17;6400",
            "0480;2025;K;18-20;1000",
            "0480;2025;M;65-W;7000",
        ),
        "huvudbok.csv": _rows(
            "kommunkod;ar;manad;verksamhet;kontogrupp;belopp",
            "0480;2025;1;BARN_UNGA;KOP_AV_VERKSAMHET;-10 384 416,67",
            "0480;2025;1;FLYKTING_INTEGRATION;INTAKTER;90 333,00",
            "0480;2025;12;NAMND;PERSONAL;-178 916,67",
        ),
        "budget.csv": _rows(
            "kommunkod;ar;verksamhet;budget",
            "0480;2025;BARN_UNGA;-124 613 000",
            "0480;2025;NAMND;-2 150 000",
            "0480;2025;FLYKTING_INTEGRATION;1 284 000",
        ),
        "kostnadsbudget.csv": _rows(
            "kommunkod;ar;omrade;budget",
            "0480;2025;EKONOMISKT_BISTAND;78 000 000",
            "0480;2025;EKONOMISKT_BISTAND_FLYKTING;2 000 000,00",
            "0480;2025;HVB_BARN_UNGA;29\u00a0608\u00a0000",
            "0480;2025;FAMILJEHEM;35813000",
            "0480;2025;PLACERINGAR_VUXNA;20 457 000",
            "0480;2024;PLACERINGAR_VUXNA;0",
        ),
    }


#: Every raw identifier value written by the base folder (what must never be in the output).
def identifier_values() -> list[str]:
    values = set()
    id_columns = ("personnummer", "hushalls_id", "transaktions_id", "placerings_id", "faktura_id", "insats_id")
    for columns, rows in base_files().values():
        for row in rows:
            values.update(row[c] for c in id_columns if c in columns)
    people = [v for v in values if v[:2] in ("19", "20")]
    values.update(p.replace("-", "") for p in people)  # twelve digits
    values.update(p.replace("-", "")[2:] for p in people)  # ten digits
    return sorted(values)


@dataclass
class RawFolder:
    """A raw municipality folder held in memory; :meth:`write` puts it on disk."""

    code: str = CODE
    extract: dict = field(
        default_factory=lambda: {
            "kommunkod": CODE,
            "kommunnamn": "Testkommun",
            "uttagsdatum": "2026-11-05",
            "data_fran": "2024-01-01",
            "syntetiska_data": False,
        }
    )
    files: dict = field(default_factory=lambda: copy.deepcopy(base_files()))
    raw_bytes: dict = field(default_factory=dict)  # file name → exact bytes (overrides ``files``)
    encodings: dict = field(default_factory=dict)  # file name → encoding (default utf-8)
    special: dict = field(default_factory=dict)  # file name → callable(path) making it (a link, a FIFO …)

    def rows(self, name: str) -> list[dict[str, str]]:
        return self.files[name][1]

    def set(self, name: str, row: int, column: str, value: str) -> None:
        """Set a cell by its row number in the file (header = row 1)."""
        self.files[name][1][row - 2][column] = value

    def drop_column(self, name: str, column: str) -> None:
        columns, rows = self.files[name]
        columns.remove(column)
        for r in rows:
            del r[column]

    def text(self, name: str) -> str:
        columns, rows = self.files[name]
        lines = [";".join(columns)] + [";".join(r[c] for c in columns) for r in rows]
        return "\n".join(lines) + "\n"

    def write(self, root: Path) -> Path:
        folder = Path(root) / self.code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "uttag.json").write_text(json.dumps(self.extract, ensure_ascii=False), encoding="utf-8")
        for name in self.files:
            if name in self.special:
                self.special[name](folder / name)
                continue
            if name in self.raw_bytes:
                data = self.raw_bytes[name]
            else:
                data = self.text(name).encode(self.encodings.get(name, "utf-8"))
            if data is not None:
                (folder / name).write_bytes(data)
        return folder


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (hidden ones too) with its SHA-256."""
    root = Path(root)
    if not root.exists():
        return {}
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out
