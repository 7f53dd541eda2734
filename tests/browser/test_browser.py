"""The board's pages in a real headless Chromium: offline, accessible, printable.

Debian's chromium is driven by Playwright (``executable_path``: no browser download).
Each page is opened from disk, every request whose scheme is not ``file:`` or
``data:`` is counted (must be zero), axe-core is injected for an accessibility check,
the page is printed to PDF and screenshotted at tablet size (1024 × 768).
In CI the test is mandatory; elsewhere it is skipped, visibly, when a piece is missing.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci --prefix tests/browser)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    return None


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"browser test is mandatory in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True, viewport={"width": 1024, "height": 768}
        )
        yield context
        context.close()


def test_pages_load_nothing_from_the_network_and_pass_axe(built_reports, browser_context, tmp_path_factory):
    _, runs = built_reports
    public = runs["2026-T2"]
    shots = Path(os.environ.get("SNANALYS_SCREENSHOTS", tmp_path_factory.mktemp("screenshots")))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if urlparse(request.url).scheme not in ("file", "data") else None,
    )

    page.goto((public / "index.html").as_uri())
    links = page.eval_on_selector_all("nav a", "els => els.map(e => e.getAttribute('href'))")
    assert "index.html" in links and len(links) >= 4
    visited = []
    for href in links:
        page.goto((public / "index.html").as_uri())
        page.click(f"nav a[href='{href}']")
        page.wait_for_load_state("load")
        assert Path(urlparse(page.url).path).name == href
        visited.append(href)

        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} element(s)"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{href}: {serious}"
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert page.locator("img:not([alt]), img[alt='']").count() == 0

        page.screenshot(path=str(shots / f"{Path(href).stem}-1024x768.png"))
        pdf = page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
    print(f"\nscreenshots (1024×768): {shots}")
    assert outside == [], f"requests outside file:/data: {outside}"
    assert sorted(visited) == sorted(links)


OVERFLOW = """() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('the page itself');
  for (const w of document.querySelectorAll('.table-wrap, figure')) {
    if (w.scrollWidth > w.clientWidth + 1)
      out.push((w.getAttribute('aria-label') || w.tagName) + ': ' + w.scrollWidth + ' > ' + w.clientWidth);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [768, 1280])
def test_no_table_needs_sideways_scrolling_on_a_tablet_or_a_desktop(built_reports, browser_context, width):
    """A tablet in portrait (768 px) and a desktop (1280 px): no page and no table is wider than
    the screen; the goals' status cells carry their colour (and keep their shape)."""
    _, runs = built_reports
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": 1024})
    for label in ("2025-T2", "2026-T2"):
        for html_page in sorted(runs[label].glob("*.html")):
            page.goto(html_page.as_uri())
            assert page.evaluate(OVERFLOW) == [], (label, html_page.name, width)
    page.goto((runs["2026-T2"] / "index.html").as_uri())
    colours = page.eval_on_selector_all(
        "td.status", "els => els.map(e => [e.textContent.trim()[0], getComputedStyle(e).backgroundColor])"
    )
    assert colours and all(c not in ("rgba(0, 0, 0, 0)", "transparent") for _, c in colours)
    assert {shape for shape, _ in colours} <= {"●", "▲", "■", "○"}
    page.close()
