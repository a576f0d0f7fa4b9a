"""Column widths of a table, computed from its text, so the renderer can lay tables out with
``table-layout: fixed`` instead of measuring every cell twice (CSS's automatic layout, about a
fifth of a counter print's time).

The rule is the automatic layout's, counted in characters instead of measured in points: a
column gets at least its longest word (so no word is ever cut inside a cell), and the room
left is shared in proportion to how much more its longest cell would take on one line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Characters of body text on one line across an A4 or Letter page at 12 pt (86 in the seed's
# paragraphs): where the shares of a wide table start to be squeezed.
LINE_CHARACTERS = 86
PADDING_CHARACTERS = 4  # 3 mm of padding each side and the border, with room to spare
BOLD = 1.25  # a header's (bold) characters are about this much wider (digits, capitals)
HALF_PAGE_LINES = 20  # an A4 or Letter page holds about 40 lines of body text (26 at 18 pt)


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    row_headers: bool = False,
    line: int = LINE_CHARACTERS,
) -> tuple[str, ...]:
    """Each column's share of the table's width, as CSS percentages (``"31.42%"``); they add
    up to 100 %. ``row_headers``: the first column is bold, as the header row is. Same
    table, same widths: the output stays reproducible."""
    shares = _shares(header, rows, row_headers, line)
    return tuple(f"{units / 100:.2f}%" for units in _apportioned(shares, 10_000))


def kept_whole(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    row_headers: bool = False,
    large_print: bool = False,
) -> bool:
    """Whether the table is short enough to be kept on one page (``break-inside: avoid``), so
    that it never continues on the next page without its caption: at most half a page of
    lines, counted in characters as the widths are. A longer one breaks between rows: kept
    whole, it would leave most of a page blank (and WeasyPrint would strand its caption)."""
    line = LINE_CHARACTERS * 2 // 3 if large_print else LINE_CHARACTERS  # 18 pt, not 12
    shares = _shares(header, rows, row_headers, line)
    room = [max(1.0, line * share / sum(shares) - PADDING_CHARACTERS) for share in shares]
    lines = sum(
        1 + max(math.ceil(len(cell) / width) for cell, width in zip(row, room, strict=True))
        for row in [header, *rows]
    )  # each row: its longest cell's lines, and one for its padding and rules
    return lines <= HALF_PAGE_LINES


def _shares(
    header: Sequence[str], rows: Sequence[Sequence[str]], row_headers: bool, line: int
) -> list[float]:
    columns = list(zip(header, *rows, strict=True))
    least, most = [], []
    for index, column in enumerate(columns):
        body = BOLD if row_headers and index == 0 else 1.0
        cells = [(column[0], BOLD), *((cell, body) for cell in column[1:])]
        least.append(max(_longest_word(cell) * k for cell, k in cells) + PADDING_CHARACTERS)
        most.append(max(len(cell) * k for cell, k in cells) + PADDING_CHARACTERS)
    if sum(most) <= line:
        shares = most  # it all fits on one line a cell
    elif sum(least) >= line:
        shares = least  # even the words do not fit: keep their proportions
    else:
        room, wanted = line - sum(least), sum(most) - sum(least)
        shares = [low + room * (high - low) / wanted for low, high in zip(least, most, strict=True)]
    return [float(share) for share in shares]


def _apportioned(shares: Sequence[float], whole: int) -> list[int]:
    """``whole`` units shared in proportion to ``shares``, each rounded down, the units left
    over going to the largest remainders (the first column of a tie first): they add up to
    ``whole`` exactly, and none is negative however many columns there are."""
    total = sum(shares)
    exact = [whole * share / total for share in shares]
    units = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (units[i] - exact[i], i))
    for index in by_remainder[: whole - sum(units)]:
        units[index] += 1
    return units


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)
