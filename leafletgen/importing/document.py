"""What every importer reads a document into: a flat run of headings, paragraphs, lists and
tables, each with where it came from, for the builder to shape into a leaflet.

Text that a leaflet prints with inline markup (paragraphs, list items) is already in that
markup (``**bold**``, ``[label](https://…)``, the rest escaped); headings and table cells
are plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPECIAL = re.compile(r"([\\*\[\]])")


def escaped(text: str) -> str:
    """Plain text as inline markup that prints exactly ``text``."""
    return _SPECIAL.sub(r"\\\1", text)


def tidy(text: str) -> str:
    """One line of text: runs of white space made one space, ends trimmed."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Heading:
    text: str
    level: int | None  # None: a plain-text heading, whose level the builder judges
    where: str  # "line 12", "paragraph 7", "section 3" — for the report


@dataclass(frozen=True)
class Paragraph:
    text: str  # inline markup
    where: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]  # inline markup
    ordered: bool
    where: str


@dataclass(frozen=True)
class Grid:
    """A table: its rows of plain cells, the first the header row."""

    rows: tuple[tuple[str, ...], ...]
    where: str
    caption: str | None = None  # when the document names it (a Word caption, an ePI caption)
    split: bool = True  # False: rows whose columns could not be told apart, each kept whole


Element = Heading | Paragraph | Items | Grid


@dataclass(frozen=True)
class Document:
    """One input, read: its elements in order, and what the reader itself recognised or
    guessed (the builder adds its own)."""

    elements: tuple[Element, ...]
    recognised: tuple[str, ...] = ()
    guessed: tuple[str, ...] = ()
    unplaced: tuple[str, ...] = ()  # what the reader could not read at all, with where
