"""Localization: one Babel locale and its gettext catalog per leaflet language.

Catalogs are read from the ``.po`` files with Babel, so the build sees exactly what a
translator saved: which entries are missing or fuzzy (stale against a changed source), and
who reviewed the translation and when. Babel objects are passed explicitly; nothing here
touches the process-wide ``locale``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from leafletgen.content.markup import to_html
from leafletgen.content.messages import Message, translate
from leafletgen.content.model import Leaflet
from leafletgen.errors import LeafletError
from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.scripts import script_stylesheets
from leafletgen.i18n.store import (
    SOURCE_LANGUAGE,
    Review,
    catalog_path,
    is_complete,
    review_of,
    revision_date_of,
)


@dataclass(frozen=True)
class Gap:
    """A message the catalog cannot translate: missing, or fuzzy (stale)."""

    catalog: Path
    context: str | None
    msgid: str
    state: str  # "missing" | "fuzzy"

    def __str__(self) -> str:
        context = f" (context {self.context!r})" if self.context else ""
        return f"{self.catalog}: {self.state} translation of {self.msgid[:70]!r}{context}"


class CatalogTranslations:
    """gettext for Jinja2 and for leaflet text, backed by a Babel Catalog.

    A missing or fuzzy entry is never used: the source text is returned instead, recorded,
    and, for chrome rendered as HTML, marked with the source language.
    """

    def __init__(self, catalog: Catalog | None, path: Path, source_language: str) -> None:
        self.catalog = catalog
        self.path = path
        self.source_language = source_language
        self.gaps: list[Gap] = []
        # The catalog's own Plural-Forms expression, compiled as gettext does.
        self._plural = gettext.c2py(catalog.plural_expr) if catalog is not None else None

    def _lookup(self, context: str | None, msgid: str | tuple[str, str]) -> Any:
        if self.catalog is None:  # the source language itself
            return None
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = self.catalog.get(key, context=context)
        complete = message is not None and is_complete(message)
        if not complete or message.fuzzy:  # type: ignore[union-attr]
            state = "fuzzy" if complete else "missing"
            self.gaps.append(Gap(self.path, context, key, state))
            return None
        return message.string  # type: ignore[union-attr]

    def _marked(self, text: str) -> str:
        # Chrome that falls back to the source language says so to screen readers.
        return Markup(f'<span lang="{self.source_language}">{escape(text)}</span>')

    def translation_of(self, context: str | None, message: str) -> str | None:
        """The translated text, or None (recorded as a gap) when there is none to use."""
        found = self._lookup(context, message)
        return found if isinstance(found, str) else None

    def pgettext(self, context: str | None, message: str) -> str:
        return self.translation_of(context, message) or message

    def gettext(self, message: str) -> str:
        found = self._lookup(None, message)
        if found is not None:
            return escape(found)  # Jinja2 would take it for markup: a catalog is untrusted
        return message if self.catalog is None else self._marked(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(None, (singular, plural))
        if found is None:
            text = singular if n == 1 else plural
            return text if self.catalog is None else self._marked(text)
        assert self._plural is not None
        return escape(found[self._plural(n)])

    def plural_index(self, n: int) -> int:
        return self._plural(n) if self._plural is not None else int(n != 1)


@dataclass
class Localization:
    """Everything the templates need to speak one language, and the state of its catalog."""

    language: str  # BCP 47 tag, as written in the HTML lang attribute and the PDF /Lang
    locale: Locale
    translations: CatalogTranslations
    source_language: str = SOURCE_LANGUAGE
    review: Review | None = None
    catalog_revised: date | None = None
    untranslated: set[str] = field(default_factory=set)  # leaflet texts left in the source language

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def is_translation(self) -> bool:
        return self.translations.catalog is not None

    @property
    def draft(self) -> bool:
        """A translation nobody qualified has signed off, or that changed since: say so."""
        if not self.is_translation:
            return False
        if self.review is None or self.gaps:
            return True
        return self.catalog_revised is not None and self.catalog_revised > self.review.on

    @property
    def gaps(self) -> list[Gap]:
        return self.translations.gaps

    @property
    def source_language_name(self) -> str:
        return self.language_name(self.source_language)

    @property
    def stylesheets(self) -> tuple[str, ...]:
        """CSS layers this language adds: its script's fonts, and right-to-left layout."""
        layers = list(script_stylesheets(self.locale))
        if self.direction == "rtl":
            layers.append("css/rtl.css")
        return tuple(layers)

    @property
    def counter_style(self) -> str:
        """The CSS counter style for page numbers in this locale's digits."""
        return "arabic-indic" if self.locale.default_numbering_system == "arab" else "decimal"

    def date(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value, locale=self.locale)

    def language_name(self, code: str) -> str:
        return Locale.parse(code, sep="-").get_display_name(self.locale) or code

    def text(self, value: str) -> Markup:
        """Leaflet text: escaped, and marked with its language when left untranslated."""
        return self._in_language(value, escape(value))

    def inline(self, value: str) -> Markup:
        """Leaflet text with inline markup, likewise marked when left untranslated."""
        return self._in_language(value, to_html(value))

    def _in_language(self, source: str, html: Markup) -> Markup:
        if source in self.untranslated:
            return Markup(f'<span lang="{self.source_language}">{html}</span>')
        return html


def localize(
    language: str, locales_dir: Path, source_language: str = SOURCE_LANGUAGE
) -> Localization:
    """The localization for ``language``; the source language needs no catalog."""
    path = catalog_path(locales_dir, language)
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        # `--lang all` takes the languages from the folders in locales/: name the folder.
        where = f": {path} is not the catalog of a known language" if path.is_file() else ""
        raise LeafletError(f"Unknown language '{language}'{where}") from None
    if locale.language == Locale.parse(source_language, sep="-").language:
        return Localization(
            language, locale, CatalogTranslations(None, path, source_language), source_language
        )
    if not path.is_file():
        # Never print source-language text around another language without saying so.
        raise LeafletError(f"No catalog for language '{language}': {path} does not exist")
    catalog = read_catalog(path, language)
    return Localization(
        language,
        locale,
        CatalogTranslations(catalog, path, source_language),
        source_language,
        review=review_of(catalog),
        catalog_revised=revision_date_of(catalog),
    )


def translate_leaflet(leaflet: Leaflet, l10n: Localization) -> Leaflet:
    """The leaflet in ``l10n``'s language; what the catalog cannot translate stays in the
    source language, is recorded as a gap and marked in the output."""
    if not l10n.is_translation:
        return leaflet
    translations = l10n.translations

    def lookup(message: Message) -> str:
        # read_catalog has checked every translation as it checks a source's text.
        found = translations.translation_of(message.context, message.msgid)
        if found is None:
            l10n.untranslated.add(message.msgid)
            return message.msgid
        return found

    return translate(leaflet, lookup)
