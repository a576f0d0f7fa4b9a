"""Localization: one Babel locale and its gettext catalog per leaflet language.

Babel objects are passed explicitly; nothing here touches the process-wide ``locale``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.support import NullTranslations, Translations

from leafletgen.errors import LeafletError

SOURCE_LANGUAGE = "en"  # the language of the template msgids


@dataclass(frozen=True)
class Localization:
    """Everything the templates need to speak one language."""

    language: str  # BCP 47 tag, as written in the HTML lang attribute and the PDF /Lang
    locale: Locale
    translations: gettext.NullTranslations

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def date(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)


def localize(language: str, locales_dir: Path) -> Localization:
    """Load the catalog for ``language``; the source language needs none (msgids are English)."""
    locale = Locale.parse(language, sep="-")
    translations = Translations.load(str(locales_dir), [str(locale)], domain="messages")
    if not isinstance(translations, Translations):
        if locale.language != SOURCE_LANGUAGE:
            # Never print English headings around text in another language without saying so.
            raise LeafletError(f"No catalog for language '{language}' in {locales_dir}/")
        translations = NullTranslations()
    return Localization(language=language, locale=locale, translations=translations)
