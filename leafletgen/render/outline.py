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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

import lxml.html

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


def read_outline(html: str, language: str, direction: str) -> Outline:
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    assert body is not None  # lxml always gives a document a body
    blocks = list(_blocks(body))
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), "")
    chapters: list[Chapter] = []
    current: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level == 2:
            if current:
                chapters.append(_chapter(current, title))
            current = []
        current.append(block)
    if current:
        chapters.append(_chapter(current, title))
    return Outline(language, direction, title, tuple(chapters))


def _chapter(blocks: list[Block], title: str) -> Chapter:
    first = blocks[0]
    return Chapter(first.text if isinstance(first, Heading) else title, tuple(blocks))


def _blocks(element: lxml.html.HtmlElement) -> Iterator[Block]:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIPPED or not tag:
            continue
        if re.fullmatch(r"h[1-6]", tag):
            yield Heading(int(tag[1]), _text(child))
        elif tag == "p":
            if text := _text(child):
                yield Paragraph(text)
        elif tag in ("ul", "ol"):
            items = tuple(_item(li) for li in child if li.tag == "li")
            if items:
                yield ItemList(items)
        elif tag == "table":
            yield _table(child)
        else:
            yield from _blocks(child)


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
    return _SPACE.sub(" ", element.text_content()).strip()
