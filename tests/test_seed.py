"""The seed leaflet carries every part of the source article, in order, into HTML and PDF."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from leafletgen.content.loader import load_leaflet
from leafletgen.content.markup import to_text
from leafletgen.content.model import BulletList, Callout, Leaflet, Paragraph, Table, takeaway_text
from tests.conftest import FIXTURES, SEED
from tests.pdfutil import assert_in_order, body_text, normalize, tagged_text

ARTICLE = FIXTURES / "klonopin-crying-article.txt"

# Article headings the leaflet prints as its own translated chrome instead.
CHROME = {
    "Key Takeaways: Can Klonopin Make You Cry?": "Key takeaways",
    "Frequently Asked Questions": "Frequently asked questions",
    "The Bottom Line – Can Klonopin Make You Cry?": "The bottom line",
}


class _TextOfBody(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._in_body |= tag == "body"

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _TextOfBody()
    parser.feed(path.read_text(encoding="utf-8"))
    return normalize(" ".join(parser.parts))


def leaflet_strings(leaflet: Leaflet) -> list[str]:
    """Every piece of text of a leaflet in the order the template prints it."""
    out = [leaflet.title, *(s for s in (leaflet.subtitle, leaflet.summary) if s)]
    out += ["Get help now", *(leaflet.get_help or [])]
    out += ["Key takeaways", *(takeaway_text(t) for t in leaflet.key_takeaways)]

    def blocks(items: list) -> list[str]:
        texts: list[str] = []
        for block in items:
            if isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, BulletList):
                texts += block.items
            elif isinstance(block, Table):
                texts += [block.table.caption, *block.table.header]
                texts += [cell for row in block.table.rows for cell in row]
            elif isinstance(block, Callout):
                texts.append(block.callout.text)
        return texts

    for section in leaflet.sections:
        out += [section.heading, *blocks(section.blocks)]
        for sub in section.subsections:
            out += [sub.heading, *blocks(sub.blocks)]
    out.append("Frequently asked questions")
    for faq in leaflet.faqs:
        out += [faq.question, *faq.answer]
    out += ["The bottom line", *leaflet.bottom_line]
    return [normalize(to_text(s)) for s in out]


@pytest.fixture(scope="module")
def seed() -> Leaflet:
    return load_leaflet(SEED)


def article_lines() -> list[str]:
    lines = [
        normalize(line.replace("•", ""))
        for line in ARTICLE.read_text(encoding="utf-8").splitlines()
    ]
    return [CHROME.get(line, line) for line in lines if line]


def test_seed_counts_match_the_article(seed: Leaflet) -> None:
    tables = [
        b
        for s in seed.sections
        for sub in (s, *s.subsections)
        for b in sub.blocks
        if isinstance(b, Table)
    ]
    assert len(seed.sections) == 9
    assert [len(t.table.rows) for t in tables] == [3, 3]
    assert all(len(t.table.header) == 3 for t in tables)
    assert len(seed.faqs) == 5
    assert len(seed.key_takeaways) == 5
    assert len(seed.bottom_line) == 3


def test_every_line_of_the_article_reaches_the_html(seed_outputs: dict[str, Path]) -> None:
    text = html_text(seed_outputs["html"])
    missing = [line for line in article_lines() if line not in text]
    assert not missing


def test_pdf_has_every_part_in_reading_order(seed: Leaflet, seed_outputs: dict[str, Path]) -> None:
    # The order of the structure tree, as a screen reader reads it: the order of the text on
    # the page is pdfminer's guess, which groups table columns as it sees fit.
    assert_in_order(tagged_text(seed_outputs["pdf"]), leaflet_strings(seed))


def test_pdf_cites_source_version_and_review(seed: Leaflet, seed_outputs: dict[str, Path]) -> None:
    text = body_text(seed_outputs["pdf"])
    assert "Source: Can Klonopin Make You Cry? | Emotional Effects Explained" in text
    assert "Last reviewed: November 25, 2026" in text
    assert "clonazepam-emotional-effects · version 1.0" in text
