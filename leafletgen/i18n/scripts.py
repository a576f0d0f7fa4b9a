"""Writing systems: the font layer each script needs beyond the base font (Latin)."""

from __future__ import annotations

from babel import Locale
from babel.core import get_global

# Scripts the base font (Atkinson Hyperlegible, Latin) does not cover, and the layer that does.
SCRIPT_STYLESHEETS = {"Arab": "css/script-arabic.css", "Cyrl": "css/script-cyrillic.css"}


def script_stylesheets(locale: Locale) -> tuple[str, ...]:
    """The font layer of the language's script, if the base font does not cover it."""
    script = get_global("likely_subtags").get(str(locale.language), "").split("_")
    return tuple(SCRIPT_STYLESHEETS[s] for s in script[1:2] if s in SCRIPT_STYLESHEETS)


def language_stylesheets(locale: Locale) -> tuple[str, ...]:
    """The CSS layers a language adds: its script's fonts, and right-to-left layout."""
    rtl = ("css/rtl.css",) if locale.character_order == "right-to-left" else ()
    return (*script_stylesheets(locale), *rtl)
