"""What a text read back from another format must still say: its headings, its words and
every one of its numbers.

Braille is back-translated and audio is the text given to the speech engine: each format's
check holds what comes back against the text of the edition it was made from. Words are
compared without case or combining marks (a braille table may drop Arabic vowel marks or
capitals, which a reader does not miss); numbers are compared as values, every one of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")
# A number with its decimal and group separators: 0.5, 0,5, 1,000, 1'000 (Spanish braille
# reads a period back as an apostrophe), ٠٫٥.
_NUMBER = re.compile(r"\d+(?:[.,'٫٬]\d+)*")
_SEPARATOR = re.compile(r"[.,'٫٬]")


def words(text: str) -> list[str]:
    """The words of a text, in order, without case or combining marks."""
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return _WORD.findall(stripped.casefold())


def number_values(text: str) -> Counter[str]:
    """Every number of a text as a normalised value (ASCII digits, one separator), counted.

    A stand-in for the translations' fact lock (leafletgen.content.facts, issue 16): the
    same comparison of values, until that lands and replaces this function.
    """
    values: Counter[str] = Counter()
    for number in _NUMBER.findall(text):
        digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in number)
        values[_SEPARATOR.sub(".", digits)] += 1
    return values


@dataclass(frozen=True)
class Readback:
    """How much of a source text came back."""

    word_coverage: float  # share of the source's words (counted) found in what came back
    missing_headings: tuple[str, ...]
    missing_numbers: tuple[str, ...]  # values short in what came back, one per missing copy

    def failures(self, *, min_coverage: float, prefix: str) -> list[str]:
        failures = []
        if self.word_coverage < min_coverage:
            failures.append(
                f"{prefix}-words: {self.word_coverage:.1%} of the words came back "
                f"(at least {min_coverage:.0%})"
            )
        failures += [f"{prefix}-heading: {h!r} did not come back" for h in self.missing_headings]
        if self.missing_numbers:
            failures.append(
                f"{prefix}-numbers: missing {', '.join(self.missing_numbers)} (every number and "
                "dose of the text must come back)"
            )
        return failures


def read_back(source: str, headings: tuple[str, ...], back: str) -> Readback:
    source_words, back_words = Counter(words(source)), Counter(words(back))
    total = sum(source_words.values())
    found = sum(min(count, back_words[word]) for word, count in source_words.items())
    sequence = " " + " ".join(words(back)) + " "
    missing_headings = tuple(
        heading for heading in headings if f" {' '.join(words(heading))} " not in sequence
    )
    short = number_values(source) - number_values(back)
    return Readback(
        word_coverage=found / total if total else 1.0,
        missing_headings=missing_headings,
        missing_numbers=tuple(sorted(short.elements())),
    )
