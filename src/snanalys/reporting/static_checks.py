"""Static checks of a public page: self-contained, script-free, accessible structure.

The board's pages are opened offline on tablets and archived as public documents, so a
page must load nothing from the network and run no code. The run fails when a check
fails, so a broken page is never published.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

MAX_PAGE_BYTES = 1_000_000
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
CSS_REMOTE = re.compile(r"(url\(\s*['\"]?\s*(https?:)?//|@import)", re.I)
SYNTHETIC_BANNER = "syntetiska exempeldata"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.lang = None
        self.headings: list[int] = []
        self.in_style = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "script":
            self.problems.append("a <script> element (pages must run no code)")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"an <{tag}> element")
        for name in ("src", "srcset", "data", "poster"):
            value = attrs.get(name)
            if value and any(REMOTE.match(part) for part in value.split(",")):
                self.problems.append(f"<{tag} {name}> loads from the network: {value[:80]}")
        if tag == "link" and attrs.get("href") and REMOTE.match(attrs["href"]):
            self.problems.append(f"<link href> loads from the network: {attrs['href'][:80]}")
        if attrs.get("style") and CSS_REMOTE.search(attrs["style"]):
            self.problems.append("an inline style loads from the network")
        if any(name.startswith("on") for name in attrs):
            self.problems.append(f"an event-handler attribute on <{tag}>")
        if tag == "img" and not (attrs.get("src") or "").strip().lower().startswith("data:"):
            self.problems.append(f"an <img> not inlined as a data: URI: {(attrs.get('src') or '')[:80]}")
        if tag == "img" and not (attrs.get("alt") or "").strip():
            self.problems.append("an image without a text alternative (alt)")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style and CSS_REMOTE.search(data):
            self.problems.append("a stylesheet loads from the network (url() or @import)")
        self.text.append(data)


def check_page(html_text: str, *, synthetic: bool) -> list[str]:
    """Problems with one page (an empty list when it may be published)."""
    parser = _PageParser()
    parser.feed(html_text)
    problems = list(parser.problems)
    if parser.lang != "sv":
        problems.append(f'<html lang> is {parser.lang!r}, expected "sv"')
    if parser.headings.count(1) != 1:
        problems.append(f"{parser.headings.count(1)} h1 headings, expected exactly one")
    for previous, current in zip(parser.headings, parser.headings[1:]):
        if current > previous + 1:
            problems.append(f"heading levels skip from h{previous} to h{current}")
            break
    if synthetic and SYNTHETIC_BANNER not in " ".join(parser.text).lower():
        problems.append("the synthetic-data banner is missing")
    if len(html_text.encode("utf-8")) > MAX_PAGE_BYTES:
        problems.append(f"the page is {len(html_text.encode('utf-8')) / 1e6:.1f} MB, over 1 MB")
    return problems


def check_static_html(path: Path, *, synthetic: bool = True) -> list[str]:
    return check_page(Path(path).read_text(encoding="utf-8"), synthetic=synthetic)
