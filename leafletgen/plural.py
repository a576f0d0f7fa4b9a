"""Counts in the tool's own English messages: "1 table", "2 tables", never "1 tables".

The messages a patient reads are translated with ``ngettext`` (the templates); these are
for staff at the console, in English only.
"""

from __future__ import annotations


def counted(number: int, word: str, plural: str | None = None) -> str:
    """``number`` and ``word``, in the plural (``plural``, or ``word`` + "s") unless it is 1."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def verb(number: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``number``: verb(1, "is", "are") is "is"."""
    return singular if number == 1 else plural
