"""The HTML twin in a real browser (Debian's Chromium, driven by Playwright): axe-core finds no
WCAG 2.2 AA violation, the page reflows at 200% zoom, the skip link works, and the structure a
screen reader navigates by (landmarks, headings, tables, languages) is there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, sync_playwright

from leafletgen.publish.index import INDEX
from leafletgen.variants import VARIANTS

CHROMIUM = Path("/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "ar"]
PAGES = [f"{language}.{variant}" for language in LANGUAGES for variant in VARIANTS] + ["index"]
DESKTOP = {"width": 1280, "height": 900}


def _summary(name: str) -> bool:
    return name != "index" and VARIANTS[name.split(".")[1]].summary


# 1280 px at 200% zoom: a 640 CSS px window with two device pixels to each CSS pixel.
ZOOMED = {"viewport": {"width": 640, "height": 900}, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make install` (scripts/install-system-deps.sh "
            "installs Debian's chromium package)"
        )
    # Chromium refuses to start its sandbox as root (CI, containers).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


def has_tables(name: str) -> bool:
    # Large print reflows the seed's three-column tables into lists; a summary has none.
    return "large-print" not in name and not _summary(name)


def page_path(site: Path, name: str) -> Path:
    if name == "index":
        return site / INDEX
    language, variant = name.split(".")
    leaflet = "clonazepam-emotional-effects"
    return site / leaflet / f"{leaflet}.{language}.{variant}.a4.html"


@pytest.fixture
def open_page(browser: Browser, seed_site: Path) -> Iterator[Any]:
    contexts = []

    def open_(name: str, **context: Any) -> Page:
        contexts.append(browser.new_context(**(context or {"viewport": DESKTOP})))
        page = contexts[-1].new_page()
        page.goto(page_path(seed_site, name).as_uri())
        return page

    yield open_
    for context in contexts:
        context.close()


def run_axe(page: Page) -> dict[str, Any]:
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    return page.evaluate("options => axe.run(document, options)", options)  # type: ignore[no-any-return]


def _described(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_22_aa_violation(open_page, name: str) -> None:
    results = run_axe(open_page(name))
    assert results["testEngine"]["version"] == "4.12.1"
    assert not results["violations"], _described(results["violations"])
    # The rules that matter here did run, and found something to check.
    passed = {rule["id"] for rule in results["passes"]}
    assert {"html-has-lang", "html-lang-valid", "color-contrast", "document-title"} <= passed
    if name != "index":
        assert "list" in passed
    if name != "index" and not _summary(name):  # a summary names no reviewer or source
        assert "valid-lang" in passed
    if has_tables(name):
        assert {"th-has-data-cells", "td-headers-attr"} <= passed


def test_axe_reports_what_is_wrong_on_a_broken_page(browser: Browser) -> None:
    # The same harness on a page with known faults: it must find them.
    page = browser.new_page()
    page.set_content(
        '<html><body><img src="x.png"><p style="color:#aaa;background:#fff">faint</p>'
        "<table><tr><th>head</th></tr></table></body></html>"
    )
    found = {v["id"] for v in run_axe(page)["violations"]}
    page.close()
    assert {"html-has-lang", "image-alt", "color-contrast", "document-title"} <= found


@pytest.mark.parametrize("name", PAGES)
def test_reflows_at_200_percent_zoom_without_horizontal_scrolling(open_page, name: str) -> None:
    page = open_page(name, **ZOOMED)
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert window == 640 and width <= window
    # Nothing is cut off either: no element reaches past the window's edges.
    overflowing = page.evaluate(
        """() => [...document.body.querySelectorAll('*')]
              .filter(e => { const r = e.getBoundingClientRect();
                             return r.width && (r.left < -1 || r.right > window.innerWidth + 1)
                                    && !e.closest('.skip-link'); })
              .map(e => e.tagName + '.' + e.className)"""
    )
    assert not overflowing


@pytest.mark.parametrize("name", PAGES)
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(open_page, name: str) -> None:
    page = open_page(name)
    skip = page.locator(".skip-link")
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0  # out of sight
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0  # seen once it has focus
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # and shows that it has it
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on from there: to the first link after the start of the main content,
    # or round to the top when there is none (the seed's text has no link).
    expected = page.evaluate(NEXT_AFTER_MAIN)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.outerHTML") == (
        expected or skip.evaluate("e => e.outerHTML")
    )


NEXT_AFTER_MAIN = """() => {
  const main = document.getElementById('main');
  const next = [...document.querySelectorAll('a[href], button, input, select, textarea')]
    .find(e => main.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
  return next ? next.outerHTML : null;
}"""


STRUCTURE = """() => ({
  lang: document.documentElement.lang,
  dir: document.documentElement.dir,
  headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]),
  landmarks: ['body > header', 'nav', 'body > main', 'body > footer']
    .map(s => document.querySelectorAll(s).length),
  firstFocusable: document.querySelector('a[href], button, input, [tabindex="0"]').className,
  tables: [...document.querySelectorAll('table')].map(t => !!t.caption && !!t.caption.textContent.trim()),
  unscopedHeaderCells: document.querySelectorAll('th:not([scope="col"]):not([scope="row"])').length,
  otherLanguages: [...document.body.querySelectorAll('[lang]')].map(e => e.lang),
  draftNoticeFirst: !document.querySelector('.draft-notice') || !document.querySelector('nav') ||
    !!(document.querySelector('.draft-notice').compareDocumentPosition(document.querySelector('nav'))
       & Node.DOCUMENT_POSITION_FOLLOWING),
})"""


@pytest.mark.parametrize("name", PAGES)
def test_landmarks_headings_tables_and_languages(open_page, name: str) -> None:
    found = open_page(name).evaluate(STRUCTURE)
    language = "en" if name == "index" else name.split(".")[0]
    assert found["lang"] == language and found["dir"] == ("rtl" if language == "ar" else "ltr")
    levels = found["headings"]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))  # none skipped
    # One banner, main and contentinfo; the contents are a nav (the index of one leaflet has
    # none), and so are the links to the other formats where some were built beside the page
    # (the English pages, with their PDFs).
    header, nav, main, footer = found["landmarks"]
    # A summary has no sections, so no contents; the English pages link their other formats.
    navs = (name != "index" and not _summary(name)) + (name != "index" and language == "en")
    assert (header, main, footer) == (1, 1, 1) and nav == navs
    assert found["firstFocusable"] == "skip-link"
    assert all(found["tables"]) and bool(found["tables"]) == has_tables(name)
    assert found["unscopedHeaderCells"] == 0
    if name == "index":
        assert "ar" in found["otherLanguages"]  # Arabic's name and titles, marked as Arabic
    elif language == "ar" and not _summary(name):
        assert "en" in found["otherLanguages"]  # the English reviewer and source, marked
        assert found["draftNoticeFirst"]  # the draft notice comes before the contents


@pytest.mark.parametrize("name", ["en.standard", "ar.large-print", "index"])
def test_print_leaves_out_the_screen_only_parts(open_page, name: str) -> None:
    page = open_page(name)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "[...document.querySelectorAll('.skip-link, nav')].map(e => getComputedStyle(e).display)"
    )
    assert hidden and set(hidden) == {"none"}
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "none"


# A phone held upright: 320 CSS px (WCAG 1.4.10's width, also 1280 px at 400% zoom).
PHONE = {"viewport": {"width": 320, "height": 640}}

BROKEN_WORDS = """() => {
  const broken = [];
  // The header row a screen reader still reads is out of sight at this width: not its words.
  for (const cell of document.querySelectorAll('tbody td, tbody th, caption')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("name", ["en.standard", "ar.standard", "en.plain", "index"])
def test_at_phone_width_tables_are_cards_and_no_word_breaks(open_page, name: str) -> None:
    page = open_page(name, **PHONE)
    assert not page.evaluate(BROKEN_WORDS)  # "Nausea", "Duration", "Paper": never split
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    if name != "index":
        # Each row a card, each value after its column's heading.
        shown = page.evaluate(
            """() => [getComputedStyle(document.querySelector('tbody tr')).display,
                      getComputedStyle(document.querySelector('tbody td'), '::before').content]"""
        )
        assert shown[0] == "block" and shown[1].startswith('"') and shown[1].endswith(': "')
