"""The analyst's commentary: one Markdown file per period, one section per page.

``commentary/2026-T2.md`` holds sections headed ``## <page title>`` (e.g.
``## Ekonomiskt bistånd``); each appears under the matching page of that period's
report. Raw HTML in the file is escaped, so a comment can never add a script or an
external resource to a public page. Without a file or section the page says that no
commentary was given.

Images and links are checked before the notebooks run (:func:`check_commentary`, called
by the report), so a bad one stops the run at once naming the file and the line rather
than failing later in the PDF. The pages are self-contained: an image is a PNG or JPEG
file inside the commentary folder (inlined as a ``data:`` URI) or a ``data:image/png`` /
``data:image/jpeg`` URI; anything else (the network, ``file:``, a path leaving the
folder, SVG) is refused. Links may go to ``https://``/``http://`` addresses, ``mailto:``,
``#anchors`` or relative paths.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote

import mistune

NO_COMMENTARY_SV = "Ingen kommentar har lämnats för denna period."

#: The largest image inlined into a page (a page must stay under 1 MB, :mod:`snanalys.reporting.static_checks`).
MAX_IMAGE_BYTES = 400_000
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_DATA_URI = re.compile(r"data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=\s]*)", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WEB_LINK = re.compile(r"^(?:https?://[^/\s]+|mailto:[^\s]+)", re.I)
_IMAGE_RULE = (
    "only a PNG or JPEG file inside the commentary folder (a relative path) or a data:image/png or "
    "data:image/jpeg URI is allowed: the pages are self-contained"
)

_PARSE = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])


#: A count of 1–4 individuals written in the text: a number (or två/tre/fyra) and, within two
#: words, what it counts. "1 hushåll", "tre barn", "2 nya placeringar" stop the run.
_INDIVIDUALS = (
    r"hushåll(?:et|en)?|personer|person(?:en)?|barn(?:en)?|ungdomar|unga|vuxna|kvinnor|män|"
    r"placeringar|placering(?:en)?|placerade|insatser|insats(?:en)?|familjer|sökande|ärenden|klienter|elever"
)
_SMALL_COUNT = re.compile(
    rf"(?<![\d,.])\b([1-4]|två|tre|fyra)\b(?![,.]\d)(?![ \u00a0\u202f]\d{{3}}\b)(?:\s+[\wåäöÅÄÖ-]+){{0,2}}?\s+(?:{_INDIVIDUALS})\b",
    re.I,
)


class CommentaryError(ValueError):
    """The commentary holds an image or a link that a public page cannot have."""


class _Refused(ValueError):
    """One image or link refused, with the reason."""


def _normalise(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def commentary_path(commentary_dir: Path, year: int, tertial: int) -> Path:
    return Path(commentary_dir) / f"{year}-T{tertial}.md"


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CommentaryError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_sections(path: Path) -> dict[str, str]:
    """Markdown sections of a commentary file by their normalised ``##`` heading."""
    if not Path(path).exists():
        return {}
    sections: dict[str, list[str]] = {}
    current = None
    for line in _read(path).splitlines():
        heading = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if heading and not line.startswith("###"):
            current = _normalise(heading.group(1))
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def _image_kind(data: bytes) -> str | None:
    return next((kind for kind, magic in _MAGIC.items() if data.startswith(magic)), None)


def image_source(url: str, folder: Path) -> str:
    """The ``data:`` URI an image of the commentary is shown as; :class:`_Refused` if not allowed."""
    url = url.strip()
    if url.lower().startswith("data:"):
        match = _DATA_URI.fullmatch(url)
        if not match:
            raise _Refused(_IMAGE_RULE)
        try:
            data = base64.b64decode("".join(match.group(2).split()), validate=True)
        except (binascii.Error, ValueError):
            raise _Refused("the data: URI is not valid base64") from None
        claimed, kind = match.group(1).lower(), _image_kind(data)
        if kind != claimed:
            raise _Refused(f"the data: URI says {claimed} but holds {kind or 'no PNG or JPEG image'}")
    else:
        if _SCHEME.match(url) or url.startswith(("/", "\\")) or "\\" in url or "?" in url or "#" in url:
            raise _Refused(_IMAGE_RULE)
        root = Path(folder).resolve()
        target = (root / unquote(url)).resolve()
        if not target.is_relative_to(root):
            raise _Refused("the image lies outside the commentary folder")
        if not target.is_file():
            raise _Refused(f"no such image file in the commentary folder ({root})")
        if target.stat().st_size > MAX_IMAGE_BYTES:
            raise _Refused(f"the image is over {MAX_IMAGE_BYTES // 1000} kB (a page must stay under 1 MB)")
        data = target.read_bytes()
        kind = _image_kind(data)
        if kind is None:
            raise _Refused("the file is not a PNG or JPEG image")
    if len(data) > MAX_IMAGE_BYTES:
        raise _Refused(f"the image is over {MAX_IMAGE_BYTES // 1000} kB (a page must stay under 1 MB)")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _check_link(url: str) -> None:
    url = url.strip()
    if url.startswith("#") or _WEB_LINK.match(url):
        return
    if _SCHEME.match(url) or url.startswith(("/", "\\")):
        raise _Refused("a link must go to an https:// or http:// address, mailto:, a #anchor or a relative path")


def _targets(tokens: list) -> list[tuple[str, str]]:
    """Every (kind, url) of the images and links in the token tree, in document order."""
    found = []
    for token in tokens:
        if token.get("type") in ("image", "link"):
            found.append((token["type"], token.get("attrs", {}).get("url", "")))
        found += _targets(token.get("children") or [])
    return found


def _line_of(text: str, url: str, after: int) -> tuple[int | None, int]:
    """The 1-based line where ``url`` is written (searching from ``after``, then from the start)."""
    at = text.find(url, after)
    if at < 0:
        at = text.find(url)
    if at < 0 or not url:
        return None, after
    return text.count("\n", 0, at) + 1, at + len(url)


def small_counts(text: str) -> list[tuple[int, str]]:
    """(line, phrase) of every count of 1–4 individuals the text writes out."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(0)) for m in _SMALL_COUNT.finditer(text)]


def check_commentary(path: Path, hidden_values: dict[str, float] | None = None) -> None:
    """Raise :class:`CommentaryError` naming file, line and reason for every image or link of the
    commentary file that a public page cannot have, every count of 1–4 individuals it writes
    out, and every number in it that is the true value of a cell the report hides
    (``hidden_values``: cell → value), since the commentary is published like any table
    (nothing to check if there is no file)."""
    path = Path(path)
    if not path.exists():
        return
    text = _read(path)
    problems = [f"{path}, line {line}: {phrase!r} is a count of 1–4 individuals" for line, phrase in small_counts(text)]
    problems += _hidden_numbers(path, text, hidden_values or {})
    position = 0
    for kind, url in _targets(_PARSE(text)):
        line, position = _line_of(text, url, position)
        try:
            if kind == "image":
                image_source(url, path.parent)
            else:
                _check_link(url)
        except _Refused as exc:
            where = f"{path}, line {line}" if line else str(path)
            what = "image" if kind == "image" else "link"
            problems.append(f"{where}: {what} {url[:80]!r}: {exc}")
    if problems:
        shown = problems[:5] + ([f"… {len(problems)} problems in all"] if len(problems) > 5 else [])
        raise CommentaryError("commentary refused: " + "; ".join(shown))


_NUMBER = re.compile(r"(?<![\w,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w])|(?<![\w,.])\d+(?:,\d+)?(?![\w])")


def _hidden_numbers(path: Path, text: str, hidden_values: dict[str, float]) -> list[str]:
    """Numbers of the text (Swedish format: "1 234", "3,5") equal to a hidden cell's true value."""
    if not hidden_values:
        return []
    by_value: dict[float, str] = {}
    for cell, value in hidden_values.items():
        if value and value == value:
            by_value.setdefault(round(float(value), 1), cell)
    out = []
    for m in _NUMBER.finditer(text):
        number = float(re.sub(r"[ \u00a0\u202f]", "", m.group(0)).replace(",", "."))
        cell = by_value.get(round(number, 1))
        if cell is not None and number >= 5:  # counts of 1–4 are caught above whatever they are
            line = text.count("\n", 0, m.start()) + 1
            out.append(f"{path}, line {line}: {m.group(0)!r} is the hidden value of {cell}")
    return out


class _Renderer(mistune.HTMLRenderer):
    """HTML with every image inlined as a ``data:`` URI (the rule of :func:`image_source`)."""

    def __init__(self, folder: Path, path: Path) -> None:
        super().__init__(escape=True)
        self.folder, self.path = folder, path

    def image(self, text: str, url: str, title: str | None = None) -> str:
        try:
            source = image_source(url, self.folder)
        except _Refused as exc:
            raise CommentaryError(f"{self.path}: image {url[:80]!r}: {exc}") from None
        return super().image(text, source, title)


def commentary_html(commentary_dir: Path, year: int, tertial: int, page_title: str) -> str:
    """The page's commentary as HTML, shown under the page's h2 "Kommentar" (headings from h3)."""
    path = commentary_path(commentary_dir, year, tertial)
    text = read_sections(path).get(_normalise(page_title), "")
    if not text:
        return f"<p class='no-commentary'>{NO_COMMENTARY_SV}</p>"
    text = re.sub(r"^(#{1,6})\s", lambda m: "#" * max(len(m.group(1)), 3) + " ", text, flags=re.M)
    render = mistune.create_markdown(renderer=_Renderer(Path(commentary_dir), path), plugins=["table", "strikethrough"])
    return f"<div class='commentary'>{render(text)}</div>"
