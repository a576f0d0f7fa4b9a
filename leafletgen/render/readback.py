"""What a text read back from another format must still say: its headings, its words and
every one of its facts.

Braille is back-translated and audio is the text given to the speech engine: each format's
check holds what comes back against the text of the edition it was made from. Words are
compared without case or combining marks (a braille table may drop Arabic vowel marks or
capitals, which a reader does not miss); the facts (every number, range and dose with its
unit, time span, phone number, URL, and whether the text negates) by the translations' fact
lock, ``leafletgen.content.facts``, which compares numbers as values in the language's own
spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from leafletgen.content.facts import Finding, facts, lost_facts

_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """The words of a text, in order, without case or combining marks."""
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return _WORD.findall(stripped.casefold())


def spoken_numbers(text: str, language: str) -> int:
    """How many numbers a text states (a range two): each is read as at least one word."""
    return sum(len(quantity.values) for quantity in facts(text, language).quantities)


@dataclass(frozen=True)
class Readback:
    """How much of a source text came back."""

    word_coverage: float  # share of the source's words (counted) found in what came back
    missing_headings: tuple[str, ...]
    lost_facts: tuple[Finding, ...]  # what of the source's facts did not come back

    def failures(self, *, min_coverage: float, prefix: str) -> list[str]:
        failures = []
        if self.word_coverage < min_coverage:
            failures.append(
                f"{prefix}-words: {self.word_coverage:.1%} of the words came back "
                f"(at least {min_coverage:.0%})"
            )
        failures += [f"{prefix}-heading: {h!r} did not come back" for h in self.missing_headings]
        # The fact lock speaks of a translation; here it is what was read back.
        failures += [
            f"{prefix}-{finding.rule}: "
            + finding.message.replace("the translation", "what came back")
            for finding in self.lost_facts
        ]
        return failures


def read_back(
    source: str, headings: tuple[str, ...], back: str, language: str, *, urls: bool = True
) -> Readback:
    """What of ``source`` (its ``headings``, words and facts) ``back`` still says; ``urls``:
    its web addresses too."""
    source_words, back_words = Counter(words(source)), Counter(words(back))
    total = sum(source_words.values())
    found = sum(min(count, back_words[word]) for word, count in source_words.items())
    sequence = " " + " ".join(words(back)) + " "
    missing_headings = tuple(
        heading for heading in headings if f" {' '.join(words(heading))} " not in sequence
    )
    # Every fact must come back, every "not" too; what the format adds (a braille page
    # number) is allowed.
    lost = lost_facts(facts(source, language), facts(back, language), urls=urls)
    return Readback(
        word_coverage=found / total if total else 1.0,
        missing_headings=missing_headings,
        lost_facts=tuple(lost),
    )
