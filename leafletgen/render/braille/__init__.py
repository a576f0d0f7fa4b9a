"""The braille-ready file (``.brf``): the leaflet in braille through liblouis, laid out for
embossers and braille displays (``layout``), and read back by liblouis to check it.

English is Unified English Braille, contracted (grade 2) unless ``[braille] grade = 1``;
Spanish, Arabic and Russian use liblouis' table for each (uncontracted Spanish and Arabic,
Russian literary braille).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from leafletgen.errors import RenderError
from leafletgen.render.braille import layout, louis
from leafletgen.render.format import Check, Document, Format, Output
from leafletgen.render.outline import outline_of
from leafletgen.render.readback import read_back

MIN_WORD_COVERAGE = 0.90  # of the words of the text, read back from the braille


@dataclass(frozen=True)
class BrailleCode:
    table: str  # liblouis' table file
    name: str  # as the check names it


def _base(language: str) -> str:
    return language.split("-")[0].split("_")[0]  # es-MX reads as Spanish


def braille_code(document: Document) -> BrailleCode:
    language = _base(document.localization.language)
    if language == "en":
        grade = document.braille.grade
        return BrailleCode(f"en-ueb-g{grade}.ctb", f"UEB grade {grade}")
    try:
        table = _TABLES[language]
    except KeyError:
        raise RenderError(
            f"{document.name}: no braille table for the language {language!r} "
            f"(braille is made for {', '.join(['en', *_TABLES])})"
        ) from None
    return BrailleCode(table, table.removesuffix(".ctb").removesuffix(".utb"))


# A separator of the page that a table may lack (Spanish has no middle dot): a hyphen.
_SEPARATORS = str.maketrans({"·": "-"})

_TABLES = {"es": "es-g1.ctb", "ar": "ar-ar-g1.utb", "ru": "ru-litbrl.ctb"}


def render(document: Document) -> Output:
    code = braille_code(document)

    def translate(text: str) -> str:
        cells = louis.to_braille(code.table, text)
        if not set(cells) <= layout.BRF_CELLS:
            cells = louis.to_braille(code.table, text.translate(_SEPARATORS))
        if unknown := sorted({c for c in cells if c not in layout.BRF_CELLS}):
            # Dots 7 and 8: liblouis' sign for a character its table does not know.
            raise RenderError(
                f"{document.name}: {code.table} has no braille for part of {text[:60]!r} "
                f"({len(unknown)} cells beyond six dots)"
            )
        return cells

    pages = layout.paginate(outline_of(document), translate)
    return Output(layout.to_brf(pages), len(pages))


def check(data: bytes, document: Document) -> Check:
    """Every line and page within its limits, numbered in order, and the text read back by
    liblouis: every heading, at least 90 % of the words and every number of the edition."""
    code = braille_code(document)
    name = f"BRF ({code.name})"
    try:
        pages = layout.from_brf(data)
    except (UnicodeDecodeError, ValueError) as error:
        return Check(name, False, (f"brf-cells: not a BRF file: {error}",))
    failures = []
    text_lines = []
    for number, lines in enumerate(pages, start=1):
        if len(lines) > layout.LINES:
            failures.append(
                f"brf-lines: page {number} has {len(lines)} lines ({layout.LINES} at most)"
            )
        failures += [
            f"brf-cells: page {number}, line {index} has {len(line)} cells ({layout.CELLS} at most)"
            for index, line in enumerate(lines, start=1)
            if len(line) > layout.CELLS
        ]
        label = louis.to_braille(code.table, str(number))
        if not lines or lines[-1].strip(layout.BLANK) != label:
            failures.append(f"brf-page-number: page {number} does not end with its number")
        text_lines += lines[:-1]
    language = document.localization.language
    back = _as_written(louis.from_braille(code.table, layout.BLANK.join(text_lines)), language)
    outline = outline_of(document)
    expected = _as_table_reads(code, language)
    # Web addresses are not held to coming back: contracted braille writes a path's words
    # contracted, and liblouis does not always read them back as typed.
    readback = read_back(
        expected(outline.text()),
        tuple(expected(h) for h in outline.headings),
        back,
        language,
        urls=False,
    )
    failures += readback.failures(min_coverage=MIN_WORD_COVERAGE, prefix="brf-readback")
    detail = f"{readback.word_coverage:.1%} of the words read back"
    return Check(name, not failures, tuple(failures), detail)


_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_BEFORE_BRACKET = re.compile(r"[A-Za-z]+[)\]]")
_DIGIT_APOSTROPHE = re.compile(r"(?<=\d)'(?=\d)")


def _as_written(back: str, language: str) -> str:
    """The back-translation in the language's print spelling: Spanish braille's period
    between digits (dot 3, the group separator of 1.000) reads back as an apostrophe."""
    return _DIGIT_APOSTROPHE.sub(".", back) if _base(language) == "es" else back


def _as_table_reads(code: BrailleCode, language: str) -> Callable[[str], str]:
    """The text as the table can read it back. Arabic braille has no Latin letters: a Latin
    word in an Arabic text (a brand name) is written with the Arabic cells of its letters, and
    reads back as those Arabic letters, so that is what the check expects of it. Russian
    braille reads a closing bracket right after a Latin word ("(Klonopin)") back as a Latin
    letter (the same cells): expected as the table reads it too."""
    base = _base(language)
    if base == "ar":
        pattern = _LATIN_WORD
    elif base == "ru":
        pattern = _LATIN_BEFORE_BRACKET
    else:
        return lambda text: text

    def as_read(match: re.Match[str]) -> str:
        return louis.from_braille(code.table, louis.to_braille(code.table, match[0]))

    return lambda text: pattern.sub(as_read, text)


def tools(language: str) -> str:
    """liblouis' version and a digest of the language's tables (both grades for English:
    the grade is a setting, recorded apart)."""
    try:
        version = louis.version()
    except RenderError:
        return "liblouis missing"
    if _base(language) == "en":
        tables = ",".join(f"en-ueb-g{grade}.ctb" for grade in (1, 2))
    else:
        tables = _TABLES.get(_base(language), "")
    return f"liblouis {version}, tables {louis.table_digest(tables)[:16]}" if tables else version


FORMAT = Format(
    "brf", ".brf", "text/plain; charset=us-ascii", render, check, kind="BRF", tools=tools
)
