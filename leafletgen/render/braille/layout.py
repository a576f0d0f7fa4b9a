"""Braille pages: cells laid out for an embosser or a braille display, as the Braille
Authority of North America's *Braille Formats* lays out a text.

40 cells a line and 25 lines a page; the braille page number at the end of the last line.
The title and each section heading are centred (three blank cells at least each side) with a
blank line before; a subsection heading starts in cell 5 and a deeper one in cell 7; a
paragraph starts in cell 3 and runs over to cell 1; a list item starts in cell 1 and runs
over to cell 3; a table is its caption and one item per row ("heading: value; …"). A heading
is never the last line of a page, and never split across two.

Cells here are Unicode braille patterns; ``to_brf`` writes them as North American Braille
ASCII, the BRF that embossers and braille displays read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from leafletgen.render.outline import Heading, ItemList, Outline, Paragraph, Table

CELLS = 40
LINES = 25
TEXT_LINES = LINES - 1  # the last line carries the page number
BLANK = "\u2800"
_CENTRE_MARGIN = 3

# North American Braille ASCII: the character of each 6-dot pattern, by its dots as bits
# (dot 1 = 1 … dot 6 = 32).
BRF_CHARACTERS = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
_TO_BRF = {chr(0x2800 + dots): char for dots, char in enumerate(BRF_CHARACTERS)}
BRF_CELLS = frozenset(_TO_BRF)  # the six-dot cells: all that a BRF can hold
_FROM_BRF = {char: cells for cells, char in _TO_BRF.items()}
LINE_END = "\r\n"
PAGE_END = "\f"

Translate = Callable[[str], str]  # text -> Unicode braille cells


@dataclass(frozen=True)
class _Unit:
    """Lines that stay together on one page (a heading), or may be split (the rest)."""

    lines: tuple[str, ...]
    blank_before: bool = False
    keep_with_next: bool = False


def paginate(outline: Outline, translate: Translate) -> list[list[str]]:
    """The outline as pages of lines of cells, each page ending with its number."""
    pages: list[list[str]] = []
    page: list[str] = []
    units = list(_units(outline, translate))
    for index, unit in enumerate(units):
        lines = list(unit.lines)
        blank = unit.blank_before and bool(page)
        if unit.keep_with_next and page:
            following = units[index + 1] if index + 1 < len(units) else None
            # The heading whole, and the first line of what it heads, on the same page.
            needed = blank + len(lines) + (1 + following.blank_before if following else 0)
            if len(page) + needed > TEXT_LINES:
                pages.append(page)
                page, blank = [], False
        if blank:
            page.append("")
        for line in lines:
            if len(page) == TEXT_LINES:
                pages.append(page)
                page = []
            page.append(line)
    if page:
        pages.append(page)
    return [_numbered(lines, number, translate) for number, lines in enumerate(pages, start=1)]


def _numbered(lines: list[str], number: int, translate: Translate) -> list[str]:
    label = translate(str(number))
    return [*lines, *[""] * (TEXT_LINES - len(lines)), label.rjust(CELLS, BLANK)]


def _units(outline: Outline, translate: Translate) -> Iterator[_Unit]:
    for chapter in outline.chapters:
        for block in chapter.blocks:
            if isinstance(block, Heading):
                yield _heading(block, translate)
            elif isinstance(block, Paragraph):
                yield _Unit(wrap(translate(block.text), first=2, runover=0))
            elif isinstance(block, ItemList):
                for item in block.items:
                    yield _Unit(wrap(translate(item), first=0, runover=2))
            elif isinstance(block, Table):
                if block.caption:
                    yield _Unit(wrap(translate(block.caption), first=2, runover=0))
                for row in block.linear_rows():
                    yield _Unit(wrap(translate(row), first=0, runover=2))


def _heading(heading: Heading, translate: Translate) -> _Unit:
    cells = translate(heading.text)
    if heading.level <= 2:
        width = CELLS - 2 * _CENTRE_MARGIN
        lines = tuple(line.center(CELLS, BLANK).rstrip(BLANK) for line in wrap(cells, 0, 0, width))
    else:
        indent = 4 if heading.level == 3 else 6
        lines = wrap(cells, indent, indent)
    return _Unit(lines, blank_before=True, keep_with_next=True)


def wrap(cells: str, first: int, runover: int, width: int = CELLS) -> tuple[str, ...]:
    """Cells broken into lines at the blank cells between words, the first line indented by
    ``first`` cells and the others by ``runover``; a word longer than a line (a long web
    address) is cut where the line ends."""
    lines: list[str] = []
    line = ""
    for word in (word for word in cells.split(BLANK) if word):
        if line and len(line) + 1 + len(word) <= width:
            line += BLANK + word
            continue
        if line:
            lines.append(line)
        line = BLANK * (runover if lines else first)
        while len(line) + len(word) > width:
            room = width - len(line)
            lines.append(line + word[:room])
            line, word = BLANK * runover, word[room:]
        line += word
    if line:
        lines.append(line)
    return tuple(lines)


def to_brf(pages: list[list[str]]) -> bytes:
    """Pages as a BRF file: lines end with CR LF, pages with a form feed."""
    text = PAGE_END.join(
        LINE_END.join(line.rstrip(BLANK).translate(str.maketrans(_TO_BRF)) for line in page)
        + LINE_END
        for page in pages
    )
    return text.encode("ascii")


def from_brf(data: bytes) -> list[list[str]]:
    """A BRF file's pages and lines as cells; a character that is no cell raises ValueError."""
    text = data.decode("ascii")
    pages = text.split(PAGE_END)
    result = []
    for page in pages:
        lines = page.split(LINE_END)
        if lines and lines[-1] == "":
            lines.pop()
        try:
            result.append(["".join(_FROM_BRF[char] for char in line) for line in lines])
        except KeyError as error:
            raise ValueError(f"{error.args[0]!r} is not a braille cell of BRF") from None
    return result
