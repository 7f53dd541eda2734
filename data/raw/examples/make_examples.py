"""Writes the small synthetic example exports of this folder (run from anywhere).

    .venv/bin/python data/raw/examples/make_examples.py

Every value is invented; no file holds a personnummer (the placement mapping in
``procapita_like/placeringar.yaml`` is exercised by the tests with numbers made at
run time). The files are committed; this script only documents how they were made.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROCAPITA_ROWS = [
    # Utbetalnings-ID; Ärendenummer; Utbet.datum; Avser period; Belopp; Hushållstyp; Enhet
    ("UTB-A001", "ARE-QX-11", "24.01.2025", "202501", "12.345,50", "Sammanboende med barn", "Försörjningsstöd"),
    ("UTB-A002", "ARE-QX-11", "25.02.2025", "202502", "12.345,50", "Sammanboende med barn", "Försörjningsstöd"),
    ("UTB-A003", "ARE-QX-11", "10.03.2025", "202502", "-850,00", "Sammanboende med barn", "Försörjningsstöd"),
    ("UTB-A004", "ARE-QY-22", "25.03.2025", "202503", "7.800,00", "Ensamstående med barn", "Försörjningsstöd"),
    ("UTB-A005", "ARE-QY-22", "25.04.2025", "202504", "7.950,00", "Ensamstående med barn", "Försörjningsstöd"),
    ("UTB-A006", "ARE-QZ-33", "25.04.2025", "202504", "5.120,00", "Ensamstående utan barn", "Flykting"),
    ("UTB-A007", "ARE-QZ-33", "26.05.2025", "202505", "5.120,00", "Ensamstående utan barn", "Flykting"),
    ("UTB-A008", "ARE-QW-44", "26.05.2025", "202505", "9.480,75", "Övrigt", "Försörjningsstöd"),
]

XLSX_ROWS = [
    # Trans nr, Hushåll, Datum (date cell), Period, Summa (text with "," thousands or a number), Typ
    ("T-0001", "HUS-QK-1", dt.date(2025, 1, 24), "2025-01", "12,345.50", "Sambo m barn"),
    ("T-0002", "HUS-QK-1", dt.date(2025, 2, 25), "2025-02", 12345.5, "Sambo m barn"),
    ("T-0003", "HUS-QK-1", dt.date(2025, 3, 10), "2025-02", "-850.00", "Sambo m barn"),
    ("T-0004", "HUS-QL-2", dt.date(2025, 3, 25), "2025-03", "7,800.00", "Ensamst. m barn"),
    ("T-0005", "HUS-QL-2", dt.date(2025, 4, 25), "2025-04", 7950, "Ensamst. m barn"),
    ("T-0006", "HUS-QM-3", dt.date(2025, 4, 25), "2025-04", "1,005,120.00", "Ensamst. u barn"),
]


def write_procapita(folder: Path) -> Path:
    header = "Utbetalnings-ID;Ärendenummer;Utbet.datum;Avser period;Belopp;Hushållstyp;Enhet"
    lines = [header] + [";".join(r) for r in PROCAPITA_ROWS]
    path = folder / "Utbetalningar_2025.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def write_xlsx(folder: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    info = workbook.active
    info.title = "Info"
    info.append(["Uttag ur ekonomisystemet (syntetiskt exempel)"])
    sheet = workbook.create_sheet("Utbetalningar")
    sheet.append(["Trans nr", "Hushåll", "Datum", "Period", "Summa", "Typ", "Kommentar"])
    for row in XLSX_ROWS:
        sheet.append(list(row) + [None])
    for cell in sheet["C"][1:]:
        cell.number_format = "yyyy-mm-dd"
    path = folder / "ekonomi_utbetalningar.xlsx"
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(write_procapita(HERE / "procapita_like"))
    print(write_xlsx(HERE / "xlsx_like"))
