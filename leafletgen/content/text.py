"""The rules every printed text obeys, wherever it comes from (a source, a catalog, the
counter): no direction controls, no invisible characters, joiners and direction marks only
where a script needs them, and well-formed inline markup."""

from __future__ import annotations

import re
import unicodedata

from leafletgen.content import markup

# Bidi embedding/override/isolate controls can make text display in another order than it is
# stored ("do not stop" shown as something else): never allowed in a medicine leaflet.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# Directional marks (LRM, RLM, ALM) keep a Latin name or a number in order inside right-to-left
# text; in text without right-to-left letters they can only reorder what a reader sees ("1-2"
# shown as "2-1").
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_DIRECTION_FORMATTING = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def without_direction_formatting(text: str) -> str:
    """``text`` without the marks and isolates that place it on a line of the other
    direction (the templates' ``isolated``): what braille, speech and a reader's words keep."""
    return _DIRECTION_FORMATTING.sub("", text)


# Invisible characters a leaflet never needs: they hide a difference between two words that
# look the same (a search for a medicine's name, a reviewer comparing texts).
_INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e")


# Zero-width (non-)joiners are part of the spelling in Arabic, Persian and Indic scripts, between
# two letters; in Latin, Greek or Cyrillic text they only hide a difference.
_JOINERS = frozenset("\u200c\u200d")


_UNJOINED_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")


# U+2028 and U+2029 end a line in some readers and not in others (and no bundled font draws
# them): a leaflet breaks lines with a line break.
_SEPARATORS = frozenset("\u2028\u2029")


# Limits that keep layout and validation in bounds; docs/leaflet-format.md lists them.
# Line breaking grows roughly with the square of a word's length (a 200,000-letter word took
# 334 s to lay out): a word is at most MAX_WORD characters. Chemical names and identifiers run
# past 100 letters, so the limit is well above any real word, and such a word lays out in ms.
MAX_WORD = 500
# The same holds for a paragraph laid out line by line; a long real paragraph is ~1,000.
MAX_TEXT = 5_000
# Marks stack upward: Arabic or Vietnamese put at most 2 or 3 on a letter; 100 drew over the
# heading above.
MAX_MARKS = 4
_ASCII_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # Cc but the line break and tab


def clean_text(value: str) -> str:
    """The character rules of every printed text; the message gives the position, never the
    character itself (it may be a terminal's escape sequence, or invisible)."""
    if len(value) > MAX_TEXT:
        raise ValueError(f"{len(value):,} characters: a text is at most {MAX_TEXT:,}")
    if match := _DIRECTION_CONTROLS.search(value):
        raise ValueError(
            f"invisible direction control U+{ord(match.group()):04X} at character {match.start() + 1}"
        )
    # Only text holding a direction mark needs its letters' directions looked up.
    right_to_left = not _DIRECTION_MARKS.isdisjoint(value) and any(
        unicodedata.bidirectional(char) in ("R", "AL")
        for char in value
        if char not in _DIRECTION_MARKS
    )
    if value.isascii() and not _ASCII_CONTROLS.search(value):
        return value  # most texts of a Latin leaflet: none of the characters below is ASCII
    marks = 0  # the combining marks up to this character, in a row
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        marks = marks + 1 if category[0] == "M" else 0
        if category == "Cc" and char not in "\n\t":
            problem = "control character {char}"
        elif char in _INVISIBLE:
            problem = "invisible character {char}"
        elif char in _DIRECTION_MARKS and not right_to_left:
            problem = "direction mark {char} in text without right-to-left letters"
        elif char in _JOINERS and not _joins_letters(value, index):
            problem = "zero-width joiner {char} outside a word of a script that joins letters"
        elif char in _SEPARATORS:
            problem = "line or paragraph separator {char} (write a line break)"
        elif marks > MAX_MARKS:
            problem = f"combining mark {{char}}: more than {MAX_MARKS} on one letter"
        else:
            continue
        name = unicodedata.name(char, "")
        shown = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
        raise ValueError(problem.format(char=shown) + f" at character {index + 1}")
    return value


def _joins_letters(value: str, index: int) -> bool:
    """A joiner between two letters (or marks) of a script that uses joiners."""
    if index == 0 or index == len(value) - 1:
        return False
    neighbours = (value[index - 1], value[index + 1])
    return all(
        unicodedata.category(char)[0] in "LM"
        and not unicodedata.name(char, "").startswith(_UNJOINED_SCRIPTS)
        for char in neighbours
    )


def checked_words(value: str) -> str:
    """Printed text (without markup): no word longer than MAX_WORD characters."""
    _check_words(value, value)
    return value


def _check_words(printed: str, value: str) -> None:
    for match in re.finditer(r"\S+", printed):
        if len(match.group()) > MAX_WORD:
            start = value.find(match.group()) + 1 or match.start() + 1
            raise ValueError(
                f"a word of {len(match.group()):,} characters at character {start}: a word is at "
                f"most {MAX_WORD} (a long web address can be a link: [label](address))"
            )


def checked_inline(value: str) -> str:
    # The words a reader sees are measured, not the markup: a link's target is not printed
    # (markup limits its length).
    nodes = markup.parse(value)  # raises MarkupError (a ValueError) with the position
    for node in nodes:
        _check_words(node.label if isinstance(node, markup.Link) else node.text, value)
    return value


def check_text(value: str, *, inline: bool) -> None:
    """The rules every printed text obeys, for text that does not come from a source file."""
    clean_text(value)
    if inline:
        checked_inline(value)
    else:
        checked_words(value)
