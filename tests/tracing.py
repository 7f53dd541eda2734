"""Number tracing: every number in a report's public files, and which of them no cell explains.

Issue 13 requires that every figure the board reads comes from one declared measure
layer. This helper reads a built report folder (``reports/YYYY-TN/``) as the board gets
it and lists each number it prints:

- HTML: visible text and the attribute texts a reader gets (``alt``, ``aria-label``,
  ``title``), including ``<title>``, captions, ``<figcaption>`` and SVG
  ``<title>``/``<desc>``; not script, style, ``<meta>`` or ``data:`` URIs;
- CSV cells, XLSX cell values (openpyxl) and PDF text (pypdf), page by page, line by line.

``unmapped(numbers, cells)`` then returns those that are neither on the short
allow-list ``ALLOWED`` (years, dates, times, the period label, definitional numbers in
label text …) nor equal to a cell's value *as the pages would print it* (the printed
text is compared, not the float, so rounding is honoured).

Only for tests: reads files, never the network.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from snanalys import presentation

# ---------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------

#: file kinds whose numbers are machine values (point decimal, no grouping)
MACHINE_FILES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Number:
    """One number as printed in a public file."""

    file: str  # file name inside the report folder, e.g. "ekonomi.html"
    where: str  # element path / caption / row+column; "row 3, col value"; "Nyckeltal!C4"; "sida 3, rad 12"
    text: str  # the token as printed, sign included, unit suffix not: "1\u00a0234", "−12", "4,6"
    value: float  # what it reads as (Swedish parsing; machine parsing in CSV/XLSX)
    kind: str = "number"  # number | date | time | period | code | dotted | machine
    suffix: str = ""  # a unit printed right after: "%", "kr", "mnkr", "tkr", "procentenheter"
    before: str = ""  # up to 40 characters before the token, same text node / line / cell
    after: str = ""  # up to 40 characters after the token, same text node / line / cell
    report: str = ""  # the report folder's name, e.g. "2025-T2"
    in_range: bool = False  # one end of a range such as "10–12"

    @property
    def context(self) -> str:
        return f"{self.before}[{self.text}]{self.after}"

    def describe(self) -> str:
        return f"{self.file} | {self.where} | {self.text!r} | …{self.context}…"


_SPACES = "\u00a0\u202f\u2009"  # NBSP, NARROW NBSP, THIN SPACE: thousands separators
_SIGNS = "+\\-\u2212"  # for a regex class: plus, hyphen-minus, MINUS SIGN
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_L = r"[^\W\d_]"  # a letter (any script)

_TOKEN = re.compile(
    rf"""
    (?P<date>(?<![\w.,])\d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?)?(?![\w]))
  | (?P<sdate>(?<![\w.,])\d{{1,2}}\s(?:{_MONTHS})(?:\s\d{{4}})?(?!\w))
  | (?P<period>(?<![\w.,])\d{{4}}-T[1-3](?!\w))
  | (?P<time>(?:(?<=kl\.\s)|(?<=kl\s))\d{{1,2}}[.:]\d{{2}}(?![\d])|(?<![\w.,:])\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?![\d:]))
  | (?P<dotted>(?<![\w.,])\d+(?:\.\d+)+(?![\d]))
  | (?P<code>(?<![\w]){_L}{{1,4}}\d+(?:{_L}\w*)?(?!\w))
  | (?:(?<![\w.,])(?P<sign>[{_SIGNS}]))?
    (?<![\w.,])(?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:,(?P<frac>\d+))?(?![\w])
    (?:[{_SPACES}\s]?(?P<suffix>%|procentenheter|mnkr|tkr|kr(?![\w/]))(?!\w))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_RANGE_BEFORE = re.compile(r"\d\s?[–-]\s?$")
_RANGE_AFTER = re.compile(r"^\s?[–-]\s?\d")


def parse_sv(text: str) -> float:
    """A Swedish printed number: ``"−1\u00a0234,5"`` → -1234.5."""
    t = re.sub(rf"[{_SPACES}\s]", "", text)
    t = t.replace("\u2212", "-").lstrip("+")
    return float(t.replace(",", "."))


def tokenize(text: str, **fields) -> list[Number]:
    """Every number in one piece of text (a text node, an attribute, a PDF page, a cell)."""
    return [number for _, number in _tokens(text, **fields)]


def _tokens(text: str, **fields) -> list[tuple[int, Number]]:
    """(offset, number) for every number in ``text``."""
    found = []
    for m in _TOKEN.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        after_start = m.end()
        kind = m.lastgroup if m.lastgroup in ("date", "sdate", "period", "time", "dotted", "code") else "number"
        suffix = ""
        if kind == "number":
            token = (m.group("sign") or "") + m.group("int") + ("," + m.group("frac") if m.group("frac") else "")
            suffix = m.group("suffix") or ""
            value = parse_sv(token)
            after_start = m.end("frac") if m.group("frac") else m.end("int")
        else:
            token = m.group(0)
            if kind == "sdate":
                kind = "date"
            digits = re.findall(r"\d+", token)
            value = (
                float(digits[0])
                if kind in ("date", "time", "period")
                else (float(token) if kind == "dotted" and token.count(".") == 1 else float(digits[-1]))
            )
        after = text[after_start : after_start + 40]
        in_range = kind == "number" and bool(_RANGE_BEFORE.search(before) or _RANGE_AFTER.search(after))
        found.append(
            (
                m.start(),
                Number(
                    text=token,
                    value=value,
                    kind=kind,
                    suffix=suffix,
                    before=before,
                    after=after,
                    in_range=in_range,
                    **fields,
                ),
            )
        )
    return found


# ---------------------------------------------------------------------------------
# Extraction per file type
# ---------------------------------------------------------------------------------

_READER_ATTRIBUTES = ("alt", "aria-label", "title")
_SKIP = {"script", "style", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Table:
    def __init__(self):
        self.caption = ""
        self.columns: list[str] = []
        self.in_head = False
        self.row_header = ""
        self.col = -1


class _HtmlNumbers(HTMLParser):
    def __init__(self, file: str, report: str):
        super().__init__(convert_charrefs=True)
        self.file, self.report = file, report
        self.stack: list[str] = []
        self.skip = 0
        self.heading = ""  # the latest heading (h1–h6), as section name
        self.tables: list[_Table] = []
        self.figcaption = ""
        self.buffer: list[str] | None = None  # collects heading/caption/th text
        self.numbers: list[Number] = []

    # -- where ---------------------------------------------------------------
    def _where(self, what: str) -> str:
        parts = []
        if self.heading:
            parts.append(f"«{self.heading}»")
        if self.tables:
            t = self.tables[-1]
            parts.append(f"table «{t.caption}»" if t.caption else "table")
            if what in ("td", "th"):
                col = t.columns[t.col] if 0 <= t.col < len(t.columns) else f"col {t.col + 1}"
                parts.append(f"row «{t.row_header}» / col «{col}»" if not t.in_head else "header")
                what = ""
        if "figure" in self.stack and not self.tables:
            parts.append("figure")
        if what:
            parts.append(what)
        return " › ".join(parts)

    def _add(self, text: str, what: str):
        self.numbers.extend(tokenize(text, file=self.file, where=self._where(what), report=self.report))

    # -- parsing -------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _SKIP:
            self.skip += 1
        if self.skip:
            if tag not in _VOID:
                self.stack.append(tag)
            return
        if tag == "meta":
            return
        for name in _READER_ATTRIBUTES:
            value = attrs.get(name)
            if value and not value.startswith("data:"):
                self._add(value, f"{tag}@{name}")
        if tag == "table":
            self.tables.append(_Table())
        elif tag == "thead" and self.tables:
            self.tables[-1].in_head = True
        elif tag == "tbody" and self.tables:
            self.tables[-1].in_head = False
        elif tag == "tr" and self.tables:
            self.tables[-1].col = -1
            self.tables[-1].row_header = ""
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].col += 1
        if tag in _HEADINGS or tag in ("caption", "figcaption") or (tag == "th" and self.tables):
            self.buffer = []
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in _SKIP:
                self.skip -= 1
            if top == tag:
                break
        if self.skip:
            return
        text = " ".join("".join(self.buffer).split()) if self.buffer is not None else ""
        if tag in _HEADINGS:
            self.heading = text
            self.buffer = None
        elif tag == "caption" and self.tables:
            self.tables[-1].caption = text
            self.buffer = None
        elif tag == "figcaption":
            self.buffer = None
        elif tag == "th" and self.tables:
            t = self.tables[-1]
            if t.in_head:
                t.columns.append(text)
            else:
                t.row_header = text
            self.buffer = None
        elif tag == "table" and self.tables:
            self.tables.pop()

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        if self.buffer is not None:
            self.buffer.append(data)
        tag = self.stack[-1] if self.stack else ""
        what = {"caption": "caption", "figcaption": "figcaption", "title": "<title>", "desc": "<desc>"}.get(tag, tag)
        self._add(data, what)


def html_numbers(path: Path, report: str = "") -> list[Number]:
    parser = _HtmlNumbers(path.name, report)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.numbers


_MACHINE = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def _machine_or_text(raw: str, *, file: str, where: str, report: str) -> list[Number]:
    """A CSV/XLSX cell: a machine number (point decimal) whole, otherwise its text tokenised."""
    s = raw.strip()
    if _MACHINE.match(s):
        return [Number(file=file, where=where, text=s, value=float(s), kind="machine", report=report)]
    return tokenize(raw, file=file, where=where, report=report)


def csv_numbers(path: Path, report: str = "") -> list[Number]:
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0] if rows else []
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            column = header[c] if c < len(header) else str(c + 1)
            key = row[0] if row else ""
            where = f"row {r} «{key}», col «{column}»"
            found.extend(_machine_or_text(cell, file=path.name, where=where, report=report))
    return found


def published_numbers(path: Path, report: str = "") -> list[Number]:
    """``tabelldata.csv``: its values (the other columns name the cell: ids, dates, labels)."""
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r, row in enumerate(rows, start=2):
        where = f"row {r} «{row['id']}», col «value»"
        found.extend(_machine_or_text(row["value"], file=path.name, where=where, report=report))
    return found


def xlsx_numbers(path: Path, report: str = "") -> list[Number]:
    import openpyxl

    found = []
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            found.extend(tokenize(sheet.title, file=path.name, where=f"sheet name «{sheet.title}»", report=report))
            for row in sheet.iter_rows():
                for cell in row:
                    value = cell.value
                    if value is None or isinstance(value, bool):
                        continue
                    where = f"{sheet.title}!{cell.coordinate}"
                    if isinstance(value, (int, float)):
                        if isinstance(value, float) and math.isnan(value):
                            continue
                        found.append(
                            Number(
                                file=path.name,
                                where=where,
                                text=repr(value),
                                value=float(value),
                                kind="machine",
                                report=report,
                            )
                        )
                    elif hasattr(value, "isoformat"):  # a real date cell
                        found.append(
                            Number(
                                file=path.name,
                                where=where,
                                text=value.isoformat(),
                                value=0.0,
                                kind="date",
                                report=report,
                            )
                        )
                    else:
                        found.extend(_machine_or_text(str(value), file=path.name, where=where, report=report))
    finally:
        workbook.close()
    return found


def pdf_numbers(path: Path, report: str = "") -> list[Number]:
    from pypdf import PdfReader

    found = []
    for p, page in enumerate(PdfReader(path).pages, start=1):
        text = (page.extract_text() or "").replace("\r\n", "\n")
        # the page as one text, so that a unit or word wrapped onto the next line stays in the
        # token's context ("högst 5" / "%"); the line is counted back from the offset
        flat = text.replace("\n", " ")
        for offset, number in _tokens(flat, file=path.name, where="", report=report):
            line = text.count("\n", 0, offset) + 1
            found.append(dataclasses.replace(number, where=f"sida {p}, rad {line}"))
    return found


_READERS = {".html": html_numbers, ".csv": csv_numbers, ".xlsx": xlsx_numbers, ".pdf": pdf_numbers}


def public_files(report_dir: Path) -> list[Path]:
    """The public files of a report folder (never ``_internal``)."""
    return sorted(p for p in Path(report_dir).iterdir() if p.is_file() and p.suffix in _READERS)


def public_numbers(report_dir: Path | str) -> list[Number]:
    """Every number the board can read in a report folder's public files."""
    report_dir = Path(report_dir)
    found = []
    for path in public_files(report_dir):
        reader = published_numbers if path.name == "tabelldata.csv" else _READERS[path.suffix]
        found.extend(reader(path, report_dir.name))
    return found


# ---------------------------------------------------------------------------------
# The allow-list: what is printed as a number but is not a figure
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allow:
    name: str
    why: str
    test: Callable[[Number], bool] = field(repr=False)


def _bare_int(n: Number) -> bool:
    return n.kind == "number" and not n.suffix and re.fullmatch(r"\d+", n.text) is not None


def _year(n: Number) -> bool:
    if not _bare_int(n) or not re.fullmatch(r"(19[5-9]\d|20\d\d|2100)", n.text):
        return False
    if n.file.endswith(MACHINE_FILES):  # only in a year column
        return re.search(r"col «(år|year)»", n.where, re.IGNORECASE) is not None
    return not re.match(r"\s?(hushåll|personer|vårddygn|insatser|invånare|kr)\b", n.after)


def _months_formula(n: Number) -> bool:
    # "utfall × 12 / månader", "månader/12 av årsbudgeten"
    return (
        _bare_int(n)
        and n.text == "12"
        and (re.search(r"×\s?$", n.before) is not None or re.search(r"månader\s?/\s?$", n.before) is not None)
    )


def _period_months(n: Number) -> bool:
    # "8 månader": the number of months the period covers, from the folder name (YYYY-TN)
    m = re.fullmatch(r"\d{4}-T([1-3])", n.report)
    return (
        _bare_int(n)
        and m is not None
        and int(n.text) in (4, 4 * int(m.group(1)), 12)
        and re.match(r"\s?(månader|mån)\b", n.after) is not None
    )


def _age_limit(n: Number) -> bool:
    # ages in definitions: "vuxna (18+)", "under 18 år", "0–20 år", "0–17 år"
    if not _bare_int(n) or int(n.text) > 25:
        return False
    if re.match(r"\+", n.after):
        return True
    if re.match(r"\s?[–-]\s?\d{1,2}\s?år\b", n.after):  # the lower end of "0–20 år"
        return True
    return re.match(r"\s?år\b", n.after) is not None and (
        n.in_range
        or re.search(r"(under|över|från|till|minst)\s$", n.before) is not None
        or re.search(r"\d\s?[–-]\s?$", n.before) is not None
    )


def _long_term(n: Number) -> bool:
    # long-term assistance: "10–12 mån(ader)" (Socialstyrelsen/Kolada definition)
    return (
        n.in_range
        and n.text in ("10", "12")
        and (
            re.match(r"\s?(mån|månader)\b", n.after) is not None
            or re.match(r"[–-]12\s?(mån|månader)\b", n.after) is not None
        )
    )


def _suppression_rule(n: Number) -> bool:
    # the suppression footnote: "färre än 5 personer", "1–4"; "minst 5" (the summary's changes)
    from snanalys.suppression import MIN_COUNT

    if not _bare_int(n):
        return False
    if int(n.text) == MIN_COUNT and re.search(r"(färre än|minst)\s$", n.before):
        return True
    return (
        n.in_range
        and n.text in ("1", str(MIN_COUNT - 1))
        and re.search(rf"(1\s?[–-]\s?$)|(^\s?[–-]\s?{MIN_COUNT - 1})", n.before + "|" + n.after) is not None
        and (re.search(r"(personer|hushåll|X)", n.before + n.after) is not None)
    )


def _law_reference(n: Number) -> bool:
    # "26 kap. 1 §", "4 kap. 1 § SoL"
    return _bare_int(n) and (
        re.match(r"\s?(kap\.|§)", n.after) is not None or re.search(r"kap\.\s$", n.before) is not None
    )


def _municipality_code(n: Number) -> bool:
    # "Exempelkommun (0480)": a four-digit code with a leading zero is never a formatted figure
    return re.fullmatch(r"0\d{3}", n.text) is not None and (
        n.before.endswith("(") or re.search(r"kommunkod\s?:?\s?$", n.before, re.IGNORECASE) is not None
    )


def _software_version(n: Number) -> bool:
    # "snanalys 0.1.0" (footer), "CC BY 4.0" (the Kolada licence)
    return (
        n.kind == "dotted" and re.search(r"(snanalys|version|CC BY|CC-BY)\s?v?$", n.before, re.IGNORECASE) is not None
    )


def _per_thousand(n: Number) -> bool:
    # the denominator of a rate: "antal/1000 inv", "per 1000" (a unit in the workbook),
    # "N31857 × 1 000 / N01951" (plain space: "1", "000")
    if not _bare_int(n):
        return False
    if n.text == "1000":
        return re.search(r"(/|\bper)\s?$", n.before) is not None or re.match(r"\s?inv", n.after) is not None
    return (n.text == "1" and re.match(r" 000\s?/", n.after) is not None) or (
        n.text == "000" and re.search(r"×\s?1 $", n.before) is not None
    )


def _pdf_page_number(n: Number) -> bool:
    # the PDF's page numbers: "sida 3", "sida 3 av 12", "Sida 3 / 12"
    return (
        n.file.endswith(".pdf")
        and _bare_int(n)
        and re.search(r"\bsida\s?$|\bsida\s?\d+\s?(av|/)\s?$", n.before, re.IGNORECASE) is not None
    )


def _file_size(n: Number) -> bool:
    # the index's downloads: "rapport.pdf (244 kB)", "(1,2 MB)"
    return n.file.endswith(".html") and "Ladda ner" in n.where and n.after.lstrip().startswith(("kB", "MB"))


def _contents_page(n: Number) -> bool:
    # the PDF's contents: "Ekonomiskt bistånd ........ 6"
    # the leader's last dot and the number may be set apart by up to three spaces (a longer contents)
    return n.file.endswith(".pdf") and _bare_int(n) and re.search(r"\.{3,}\s{0,3}$", n.before) is not None


def _interval_level(n: Number) -> bool:
    # a forecast interval's nominal level: "80 % intervall", "med 80 % sannolikhet"
    from snanalys.economy.forecast import LEVEL

    return (
        n.text == str(round(100 * LEVEL))
        and n.suffix == "%"
        and re.match(r"\s?%?\s?(intervall|sannolikhet)", n.after) is not None
    )


ALLOWED: tuple[Allow, ...] = (
    Allow(
        "date",
        "calendar dates (ISO 2025-08-31, written 31 augusti 2025): when, not how much",
        lambda n: n.kind == "date",
    ),
    Allow("time", "time of day in the 'Skapad …' line", lambda n: n.kind == "time"),
    Allow("period", "the period label 2025-T2", lambda n: n.kind == "period"),
    Allow(
        "year",
        "a bare 4-digit 1950–2100: formatted figures ≥ 1000 always carry a thousands "
        "separator, so this is a calendar year (in CSV/XLSX only in a year column)",
        _year,
    ),
    Allow(
        "tertial",
        "T1/T2/T3 names a tertial",
        lambda n: n.kind == "code" and re.fullmatch(r"T[1-3]", n.text) is not None,
    ),
    Allow(
        "percentile label",
        "P10/P25/P50/P75/P90 name a percentile, not a value",
        lambda n: n.kind == "code" and re.fullmatch(r"P\d{1,2}", n.text) is not None,
    ),
    Allow(
        "Kolada id",
        "Kolada KPI ids (N31814, U21468) name a series",
        lambda n: n.kind == "code" and re.fullmatch(r"[NU]\d{5}", n.text) is not None,
    ),
    Allow("long-term definition", "'10–12 månader': the definition of long-term assistance", _long_term),
    Allow("period months", "the number of months the period covers, next to 'månader'", _period_months),
    Allow("months formula", "the 12 of 'utfall × 12 / månader' and 'månader/12': months in a year", _months_formula),
    Allow("age limit", "age limits in definitions: '18+', 'under 18 år', '0–20 år'", _age_limit),
    Allow("suppression rule", "the suppression footnote's threshold ('färre än 5', '1–4')", _suppression_rule),
    Allow("law reference", "chapter and section of a law: '26 kap. 1 §'", _law_reference),
    Allow("municipality code", "the municipality's code '(0480)'", _municipality_code),
    Allow("software version", "'snanalys 0.1.0', 'CC BY 4.0'", _software_version),
    Allow("per thousand", "the 1000 of a rate's denominator ('antal/1000 inv', '× 1 000 /')", _per_thousand),
    Allow("PDF page number", "page numbers in the PDF ('sida 3 av 12')", _pdf_page_number),
    Allow("contents page number", "the PDF contents' page numbers ('Ekonomi ..... 18')", _contents_page),
    Allow("file size", "the size of a download on the index ('rapport.pdf (244 kB)')", _file_size),
    Allow("interval level", "the nominal level of a forecast interval ('80 % intervall')", _interval_level),
)


def allowed(number: Number) -> Allow | None:
    """The allow-list entry that takes ``number``, if any."""
    for entry in ALLOWED:
        if entry.test(number):
            return entry
    return None


# ---------------------------------------------------------------------------------
# Matching against cells
# ---------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Printed number text without spaces, with '-' for any minus, without a leading '+';
    a negative zero ('−0', '−0,0') is zero."""
    t = re.sub(rf"[{_SPACES}\s]", "", text).replace("\u2212", "-").lstrip("+")
    t = re.sub(r"\s*(%|procentenheter|mnkr|tkr|kr)$", "", t)
    if re.fullmatch(r"-0(,0+)?", t):
        t = t[1:]
    return t


#: what a printed unit suffix says about the cell: a percentage, million kronor, thousand
#: kronor, kronor, or nothing printed (the unit is in the row or column label)
PERCENT, MNKR, TKR, KR, PLAIN = "%", "mnkr", "tkr", "kr", ""
_SUFFIX_CLASS = {"%": PERCENT, "procentenheter": PERCENT, "mnkr": MNKR, "tkr": TKR, "kr": KR, "": PLAIN}


def printed_forms(value: float, unit: str) -> set[tuple[str, str]]:
    """Every way the pages may print a cell of this unit: (suffix class, normalised text).

    A percentage is only ever printed with its sign ``%`` (``format_percent``), million
    kronor only with ``mnkr``; a plain number (no suffix) is any other form. Keeping the
    suffix in the comparison stops ``3`` in "0 av 3 indikatorer" from matching a share of
    3,4 % rounded to no decimals.
    """
    if presentation.is_missing(value):
        return set()
    value = float(value)
    forms: set[tuple[str, str]] = set()
    if unit == "procent":
        forms |= {(PERCENT, presentation.format_percent(value, d)) for d in (0, 1)}
        forms.add((PERCENT, presentation.format_number(value, unit)))
    elif unit == "kr":  # kronor: shown as mnkr, tkr or kronor
        forms |= {(MNKR, presentation.format_mnkr(value, 1)), (MNKR, presentation.format_number(value, unit))}
        forms |= {(TKR, presentation.format_tkr(value)), (PLAIN, presentation.format_tkr(value))}
        forms |= {(KR, presentation.format_decimal_sv(value, 0)), (PLAIN, presentation.format_decimal_sv(value, 0))}
    elif unit == "tkr":  # thousand kronor: tkr tables and sentences, or mnkr
        forms |= {(c, presentation.format_decimal_sv(value, d)) for c in (TKR, PLAIN) for d in (0, 1)}
        forms.add((MNKR, presentation.format_decimal_sv(value / 1e3, 1)))
    elif unit.startswith("kr/"):
        forms |= {(c, presentation.format_decimal_sv(value, d)) for c in (KR, PLAIN) for d in (0, 1)}
    else:
        forms.add((PLAIN, presentation.format_number(value, unit)))
        forms |= {(PLAIN, presentation.format_decimal_sv(value, d)) for d in (0, 1)}
    return {(c, normalise(f)) for c, f in forms}


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0


def _machine_match(n: Number, values: list[float]) -> bool:
    d = _decimals(n.text)
    return any(abs(v - n.value) < 1e-9 or round(v, d) == round(n.value, d) for v in values)


def unmapped(numbers: Iterable[Number], cells, *, absolute: bool | Callable[[Number], bool] = False) -> list[Number]:
    """The numbers neither allowed nor equal to a cell's value as the pages would print it.

    ``cells`` is a DataFrame with at least ``measure``, ``value`` and ``unit``, one row
    per published cell. HTML and PDF text is compared as printed text (normalised
    spaces and minus) together with the unit suffix printed after it, so "4,6 %" matches a
    cell 4.62 in procent but not 4.66, nor a count of 4.6; CSV and XLSX
    machine values match a cell that rounds to them at the decimals they show.

    ``absolute``: also accept an unsigned number that prints a cell's absolute value
    (a difference printed as "1 585 färre"). Off by default; ``True`` for every number,
    or a predicate choosing the numbers that print a difference.
    """
    forms: set[tuple[str, str]] = set()
    abs_forms: set[tuple[str, str]] = set()
    values: list[float] = []
    for value, unit in zip(cells["value"], cells["unit"], strict=True):
        if presentation.is_missing(value):
            continue
        unit = "" if presentation.is_missing(unit) else str(unit)
        forms |= printed_forms(value, unit)
        abs_forms |= printed_forms(abs(float(value)), unit)
        values.append(float(value))
    left = []
    for n in numbers:
        if allowed(n):
            continue
        if n.kind == "machine":
            if _machine_match(n, values):
                continue
        elif n.kind == "number":
            text = (_SUFFIX_CLASS.get(n.suffix.lower(), PLAIN), normalise(n.text))
            if text in forms:
                continue
            use_abs = absolute(n) if callable(absolute) else absolute
            if use_abs and not re.match(rf"[{_SIGNS}]", n.text) and text in abs_forms:
                continue
        left.append(n)
    return left


def report_unmapped(left: list[Number]) -> str:
    """A readable list for an assertion message."""
    lines = [f"{len(left)} number(s) map to no cell and are not allowed:"]
    lines += [f"  {n.describe()}" for n in left]
    return "\n".join(lines)
