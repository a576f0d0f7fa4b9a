"""Language-sensitive order: the Unicode Collation Algorithm (pyuca, pure Python with its own
copy of the Default Unicode Collation Element Table, so the same on every machine), with the
tailorings of CLDR a leaflet's languages need. Babel has no collation.

The default table already sorts Russian as Russian does (ё with е) and Arabic by its
alphabet; Spanish needs one tailoring, ñ a letter of its own after n (CLDR: ``&N<ñ<<<Ñ``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import TypeVar

T = TypeVar("T")

# CLDR tailorings, as replacements that give the default table the language's order: a
# character placed after every other letter of the same first weight.
_AFTER = "\U0010fffd"  # noncharacter-adjacent, its implicit weight above every letter's
_TAILORINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (("ñ", "n" + _AFTER), ("Ñ", "N" + _AFTER)),
}


@functools.lru_cache(maxsize=1)
def _collator():  # type: ignore[no-untyped-def]
    from pyuca import Collator  # reads its table (~1 s) only when a list is sorted

    return Collator()


def sort_key(language: str) -> Callable[[str], tuple[int, ...]]:
    """The key that sorts text in ``language``'s alphabetical order (a BCP 47 tag)."""
    tailoring = _TAILORINGS.get(language.replace("_", "-").split("-")[0].lower(), ())

    def key(text: str) -> tuple[int, ...]:
        for character, replacement in tailoring:
            text = text.replace(character, replacement)
        return tuple(_collator().sort_key(text))

    return key


def collated(items: Iterable[T], language: str, text: Callable[[T], str]) -> list[T]:
    """``items`` in ``language``'s alphabetical order of ``text(item)``."""
    key = sort_key(language)
    return sorted(items, key=lambda item: key(text(item)))


def is_collated(texts: Sequence[str], language: str) -> bool:
    """Whether ``texts`` are in ``language``'s alphabetical order."""
    key = sort_key(language)
    return all(key(a) <= key(b) for a, b in pairwise(texts))
