"""Plain-text articles: a title line, headings as short lines of their own, paragraphs
between blank lines, bullet characters, and tables whose columns are separated by tabs,
pipes or two or more spaces.

A block of lines that is none of these (no bullets, not one wrapped paragraph, no column
separator) is kept line by line as a one-column table the author splits: single spaces
separate its columns as much as its words, and no rule can tell them apart without guessing.
"""

from __future__ import annotations

import re

from leafletgen.importing.document import (
    Document,
    Element,
    Grid,
    Heading,
    Items,
    Paragraph,
    escaped,
    tidy,
)

_BULLET = re.compile(r"^\s*(?:[•●○◦▪▫·‣⁃*+–—-]|(?P<number>\d{1,3}[.)]))\s+")
_SEPARATORS = (re.compile(r"\t+"), re.compile(r"\s*\|\s*"), re.compile(r" {2,}"))
_RULE_ROW = re.compile(r"^[\s|:+-]*-{3,}[\s|:+-]*$")  # |---|---| under a header row
MAX_HEADING_WORDS = 15
MAX_HEADING_CHARS = 120
MAX_WRAP_WIDTH = 100  # editors wrap at 72 to 80 characters, some at 100
WRAP_SLACK = 20  # a wrapped line ends within a long word of the width


def read_text(text: str) -> Document:
    lines = text.splitlines()
    width = _wrap_width(lines)
    elements: list[Element] = []
    for number, block in _blocks(lines):
        elements += _read_block(number, block, width, first=not elements)
    return Document(tuple(elements))


def _wrap_width(lines: list[str]) -> int | None:
    """The width a file's paragraphs are broken at, or None when each is one line.

    An editor that wraps text breaks every long paragraph near one width; a file with a line
    far longer than any wrapping editor's writes one line per paragraph.
    """
    longest = max((len(line.rstrip()) for line in lines), default=0)
    return longest if longest <= MAX_WRAP_WIDTH else None


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, with the line number of each run's first line."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if blocks and blocks[-1][0] + len(blocks[-1][1]) == number:
            blocks[-1][1].append(line)
        else:
            blocks.append((number, [line]))
    return blocks


def _read_block(number: int, lines: list[str], width: int | None, *, first: bool) -> list[Element]:
    where = f"line {number}"
    if _BULLET.match(lines[0]):
        return [_items(lines, where)]
    if len(lines) == 1:
        line = tidy(lines[0])
        if first or is_heading(line):
            return [Heading(line, 1 if first else None, where)]
        return [Paragraph(escaped(line), where)]
    if grid := _split_table(lines, where):
        return [grid]
    if _is_wrapped(lines, width):
        return [Paragraph(escaped(tidy(" ".join(lines))), where)]
    # A heading line directly above its paragraph, list or table, with no blank line between.
    head, rest = tidy(lines[0]), lines[1:]
    if is_heading(head) and (
        _BULLET.match(rest[0])
        or _split_table(rest, where)
        or len(rest) == 1
        or _is_wrapped(rest, width)
    ):
        return [Heading(head, None, where), *_read_block(number + 1, rest, width, first=False)]
    rows = tuple((tidy(line),) for line in lines)
    return [Grid(rows, where, split=False)]


def is_heading(line: str) -> bool:
    """A short line of its own that does not end like a sentence or a lead-in (a question
    mark may end one)."""
    return (
        len(line) <= MAX_HEADING_CHARS
        and len(line.split()) <= MAX_HEADING_WORDS
        and line[0].isupper() | line[0].isdigit()
        and line[-1] not in ".,;:!"
    )


def _items(lines: list[str], where: str) -> Items:
    items: list[str] = []
    numbered = True
    for line in lines:
        if match := _BULLET.match(line):
            items.append(tidy(line[match.end() :]))
            numbered &= match["number"] is not None
        else:  # a wrapped item goes on
            items[-1] = f"{items[-1]} {tidy(line)}"
    return Items(tuple(escaped(item) for item in items), numbered, where)


def _split_table(lines: list[str], where: str) -> Grid | None:
    rows = [line for line in lines if not _RULE_ROW.match(line)]
    for separator in _SEPARATORS:
        cells = [
            tuple(tidy(c) for c in separator.split(row.strip().strip("|").strip())) for row in rows
        ]
        widths = {len(row) for row in cells}
        filled = all(all(row) for row in cells)
        if len(rows) >= 2 and len(widths) == 1 and widths.pop() >= 2 and filled:
            return Grid(tuple(cells), where)
    return None


def _is_wrapped(lines: list[str], width: int | None) -> bool:
    """Lines of one paragraph broken at the file's width: every line but the last fills it."""
    return width is not None and all(
        len(line.rstrip()) >= width - WRAP_SLACK for line in lines[:-1]
    )
