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


# Invisible characters a leaflet never needs: they hide a difference between two words that
# look the same (a search for a medicine's name, a reviewer comparing texts).
_INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e")


# Zero-width (non-)joiners are part of the spelling in Arabic, Persian and Indic scripts, between
# two letters; in Latin, Greek or Cyrillic text they only hide a difference.
_JOINERS = frozenset("\u200c\u200d")


_UNJOINED_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")


def clean_text(value: str) -> str:
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
    for index, char in enumerate(value):
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            problem = "control character {char}"
        elif char in _INVISIBLE:
            problem = "invisible character {char}"
        elif char in _DIRECTION_MARKS and not right_to_left:
            problem = "direction mark {char} in text without right-to-left letters"
        elif char in _JOINERS and not _joins_letters(value, index):
            problem = "zero-width joiner {char} outside a word of a script that joins letters"
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


def checked_inline(value: str) -> str:
    markup.parse(value)  # raises MarkupError (a ValueError) with the position
    return value


def check_text(value: str, *, inline: bool) -> None:
    """The rules every printed text obeys, for text that does not come from a source file."""
    clean_text(value)
    if inline:
        checked_inline(value)
