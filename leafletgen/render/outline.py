"""The leaflet as a reader takes it in order: chapters of headings, paragraphs, lists and
tables, read from the filled template.

Braille, audio and the e-book start from the same page the PDF prints (the template filled
for it), so they carry the same edition, the same translated chrome and a theme's blocks,
and no format has its own idea of what a leaflet says. Each top-level section (``<h2>``) is
a chapter; what comes before the first (the masthead, the notices, the summary) is the
first chapter, named by the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

import lxml.html

from leafletgen.content.text import without_direction_formatting
from leafletgen.render.format import Document


@dataclass(frozen=True)
class Heading:
    level: int  # 1 (the title) to 6
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ItemList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def linear_rows(self) -> tuple[str, ...]:
        """Each row as one line of "column heading: value" pairs, as the large print
        reflows a table: what braille and speech read, in order, never a grid."""
        return tuple(
            "; ".join(f"{heading}: {cell}" for heading, cell in zip(self.header, row, strict=False))
            for row in self.rows
        )


Block: TypeAlias = Heading | Paragraph | ItemList | Table


@dataclass(frozen=True)
class Chapter:
    title: str
    blocks: tuple[Block, ...]  # the first is the chapter's heading

    def texts(self) -> Iterator[str]:
        """Every text of the chapter in reading order, tables linearised."""
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                yield block.text
            elif isinstance(block, ItemList):
                yield from block.items
            else:
                yield block.caption
                yield from block.linear_rows()


@dataclass(frozen=True)
class Outline:
    language: str
    direction: str  # "ltr" or "rtl"
    title: str
    chapters: tuple[Chapter, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(
            block.text
            for chapter in self.chapters
            for block in chapter.blocks
            if isinstance(block, Heading)
        )

    def text(self) -> str:
        """All of it, one text per line."""
        return "\n".join(text for chapter in self.chapters for text in chapter.texts())


def outline_of(document: Document) -> Outline:
    """The outline of what the PDF of this document prints."""
    return read_outline(
        document.fill(standalone=False).html,
        document.localization.language,
        document.localization.direction,
    )


_SPACE = re.compile(r"\s+")

_SKIPPED = {"style", "script", "head", "img", "nav"}
_HEADING = re.compile(r"h[1-6]")


def page_chapters(html: str) -> list[list[lxml.html.HtmlElement]]:
    """The filled page's body cut into chapters, as its elements: each section with an
    ``<h2>`` of its own (or a bare ``<h2>``) starts one; what comes before the first is the
    first chapter. The e-book's chapters are these elements; the outline reads them."""
    body = lxml.html.document_fromstring(html).find("body")
    assert body is not None  # lxml always gives a document a body
    chapters: list[list[lxml.html.HtmlElement]] = [[]]
    for starts, element in _pieces(body):
        if starts and chapters[-1]:
            chapters.append([])
        chapters[-1].append(element)
    return [chapter for chapter in chapters if chapter]


def _pieces(element: lxml.html.HtmlElement) -> Iterator[tuple[bool, lxml.html.HtmlElement]]:
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _SKIPPED:
            continue
        if child.tag == "h2" or any(grand.tag == "h2" for grand in child):
            yield True, child
        elif child.find(".//h2") is not None:
            yield from _pieces(child)
        else:
            yield False, child


def read_outline(html: str, language: str, direction: str) -> Outline:
    chapters = [tuple(_blocks(elements)) for elements in page_chapters(html)]
    title = next(
        (b.text for blocks in chapters for b in blocks if isinstance(b, Heading) and b.level == 1),
        "",
    )
    return Outline(
        language,
        direction,
        title,
        tuple(Chapter(_title_of(blocks, title), blocks) for blocks in chapters if blocks),
    )


def _title_of(blocks: tuple[Block, ...], title: str) -> str:
    first = blocks[0]
    return first.text if isinstance(first, Heading) and first.level == 2 else title


def _blocks(elements: Iterable[lxml.html.HtmlElement]) -> Iterator[Block]:
    for element in elements:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _SKIPPED:
            continue
        if _HEADING.fullmatch(tag):
            yield Heading(int(tag[1]), _text(element))
        elif tag == "p":
            if text := _text(element):
                yield Paragraph(text)
        elif tag in ("ul", "ol"):
            items = tuple(_item(li) for li in element if li.tag == "li")
            if tag == "ol":  # the numbers the page prints (CSS markers), read with each item
                items = tuple(f"{number}. {item}" for number, item in enumerate(items, start=1))
            if items:
                yield ItemList(items)
        elif tag == "table":
            yield _table(element)
        else:
            yield from _blocks(element)


def _item(li: lxml.html.HtmlElement) -> str:
    # A reflowed table's row holds one paragraph per cell: one item, its cells in order.
    paragraphs = [_text(p) for p in li.iter("p")]
    return "; ".join(paragraphs) if paragraphs else _text(li)


def _table(table: lxml.html.HtmlElement) -> Table:
    caption = table.find("caption")
    rows = [[_text(cell) for cell in tr if cell.tag in ("th", "td")] for tr in table.iter("tr")]
    header, *body = rows or [[]]
    return Table(
        _text(caption) if caption is not None else "",
        tuple(header),
        tuple(tuple(row) for row in body),
    )


def _text(element: lxml.html.HtmlElement) -> str:
    # Braille and speech have no lines of two directions, only the letters.
    return _SPACE.sub(" ", without_direction_formatting(element.text_content())).strip()
