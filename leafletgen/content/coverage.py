"""Which characters the bundled fonts can print: checked when a source, a catalog or a counter
print's details are validated, so that a character no font has is a located error there, not a
failed render with no line to point to.

The renderer sees the bundled fonts and no others (templates/fonts/fonts.conf): a language's
stylesheets choose its fonts first (css/base.css, its script's layer), and fontconfig falls
back to any other bundled font for a character they lack (a Cyrillic name in an English
leaflet). So the characters that can be printed are those of every bundled font file, read
once per process from their cmap tables with fontTools.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from leafletgen.content.safe_yaml import FieldPath, dotted
from leafletgen.errors import Problem

FONT_SUFFIXES = (".ttf", ".otf")


def _fonts_dir() -> Path:
    # Imported here: project imports config, which reads files with content.safe_yaml.
    from leafletgen.project import FONTS, PACKAGE_TEMPLATES

    return PACKAGE_TEMPLATES / FONTS


def font_files(folder: Path) -> tuple[Path, ...]:
    """The font files of a fonts folder, as fontconfig finds them there."""
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES))


@functools.lru_cache(maxsize=4)
def covered(folder: Path) -> frozenset[int]:
    """The code points some font in ``folder`` has a glyph for (computed once)."""
    points: set[int] = set()
    for path in font_files(folder):
        with TTFont(path, lazy=True) as font:
            # The cmap names each glyph, by default from the font's post table: the slowest
            # part of a cold start's check. Numbers do as names, only the code points count.
            font.setGlyphOrder([f"g{n}" for n in range(font["maxp"].numGlyphs)])
            points |= set(font.getBestCmap())
    return frozenset(points)


def _needs_no_glyph(char: str) -> bool:
    # Spaces are laid out, not drawn; format characters (joiners, direction marks, the soft
    # hyphen) are shaping instructions the text rules already allow only where they belong.
    return char.isspace() or unicodedata.category(char) == "Cf"


def check_covered(value: str) -> None:
    """Raise ValueError at the first character no bundled font has: its position, code point
    and name, never the character itself."""
    points = covered(_fonts_dir())
    for index, char in enumerate(value):
        if ord(char) not in points and not _needs_no_glyph(char):
            name = unicodedata.name(char, "private use" if _private(char) else "")
            shown = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
            raise ValueError(
                f"character {index + 1}, {shown}, is in none of the bundled fonts (templates/fonts)"
            )


def _private(char: str) -> bool:
    return unicodedata.category(char) == "Co"


def uncovered_problems(path: Path, data: Any, lines: dict[FieldPath, int]) -> list[Problem]:
    """Every text of the data read from ``path`` that no bundled font can print, located."""
    problems = []
    for at, text in _texts(data, ()):
        try:
            check_covered(text)
        except ValueError as error:
            problems.append(Problem(path, lines.get(at), dotted(at), str(error)))
    return problems


def _texts(data: Any, at: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*at, index))
