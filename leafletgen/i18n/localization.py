"""Localization: one Babel locale and its gettext catalog per leaflet language.

Catalogs are read from the ``.po`` files with Babel, so the build sees exactly what a
translator saved: which entries are missing or fuzzy (stale against a changed source), and
who reviewed the translation and when. Babel objects are passed explicitly; nothing here
touches the process-wide ``locale``.
"""

from __future__ import annotations

import gettext
import os
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from leafletgen.content.markup import to_html
from leafletgen.content.messages import Message, printed_in, translate
from leafletgen.content.model import Leaflet
from leafletgen.errors import LeafletError
from leafletgen.i18n.collation import collated, is_collated
from leafletgen.i18n.factlock import EntryFindings, lock
from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.scripts import language_stylesheets
from leafletgen.i18n.store import (
    CHROME,
    SOURCE_LANGUAGE,
    Review,
    catalog_path,
    chrome_catalogs,
    is_complete,
    review_of,
    revision_date_of,
)


@dataclass(frozen=True)
class Gap:
    """A message the catalog cannot translate: missing, fuzzy (stale), or one whose facts
    differ from its source's (the fact lock)."""

    catalog: Path
    context: str | None
    msgid: str
    state: str  # "missing" | "fuzzy" | "differs"
    line: int | None = None
    detail: str = ""  # what differs

    def __str__(self) -> str:
        context = f" (context {self.context!r})" if self.context else ""
        where = f"{self.catalog}:{self.line}" if self.line else str(self.catalog)
        if self.state == "differs":
            return (
                f"{where}: the translation of {self.msgid[:70]!r}{context} differs from its "
                f"source: {self.detail}"
            )
        return f"{where}: {self.state} translation of {self.msgid[:70]!r}{context}"


class CatalogTranslations:
    """gettext for Jinja2 and for leaflet text, backed by Babel Catalogs looked up in order
    (a project's chrome over the package's). None at all: the source language itself.

    A missing or fuzzy entry is never used: the source text is returned instead, recorded,
    and, for chrome rendered as HTML, marked with the source language.
    """

    def __init__(
        self, catalogs: list[tuple[Catalog, Path]], path: Path, source_language: str
    ) -> None:
        self.catalogs = catalogs
        self.path = path  # where a gap is reported when no catalog has the entry
        self.source_language = source_language
        self.gaps: list[Gap] = []
        self.unchecked: list[EntryFindings] = []  # printed, but a negation needs a translator
        # Each catalog's own Plural-Forms expression, compiled as gettext does: the order of
        # the forms is the catalog's own.
        self._plurals = [gettext.c2py(catalog.plural_expr) for catalog, _ in catalogs]

    @property
    def catalog(self) -> Catalog | None:
        """The first catalog looked up, or None in the source language."""
        return self.catalogs[0][0] if self.catalogs else None

    def _lookup(
        self, context: str | None, msgid: str | tuple[str, str], *, record: bool = True
    ) -> tuple[Any, int]:
        """The usable translation and the index of the catalog it came from, or (None, -1);
        a gap, or a negation to check, is recorded if ``record`` (the text is printed)."""
        if not self.catalogs:  # the source language itself
            return None, -1
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        stale: Path | None = None
        differs: Gap | None = None
        for index, (catalog, path) in enumerate(self.catalogs):
            message = catalog.get(key, context=context)
            if message is None:
                continue
            if is_complete(message) and not message.fuzzy:
                locked = lock(catalog, path, str(catalog.locale), self.source_language)
                found = locked.get((context, message.id[-1] if isinstance(message.id, tuple)
                                    else message.id))  # fmt: skip
                if found is None or not found.errors:
                    if found is not None and found.needs_review and record:
                        self.unchecked.append(found)
                    return message.string, index
                detail = "; ".join(str(f) for f in found.errors)
                differs = differs or Gap(path, context, key, "differs", found.line, detail)
                continue
            stale = stale or path if is_complete(message) else stale
        if not record:
            return None, -1
        if differs is not None:
            self.gaps.append(differs)
        else:
            self.gaps.append(Gap(stale or self.path, context, key, "fuzzy" if stale else "missing"))
        return None, -1

    def _marked(self, text: str) -> str:
        # Chrome that falls back to the source language says so to screen readers.
        return Markup(f'<span lang="{self.source_language}">{escape(text)}</span>')

    def translation_of(
        self, context: str | None, message: str, *, printed: bool = True
    ) -> str | None:
        """The translated text, or None (recorded as a gap, if ``printed``) when there is
        none to use."""
        found, _ = self._lookup(context, message, record=printed)
        return found if isinstance(found, str) else None

    def pgettext(self, context: str | None, message: str) -> str:
        return self.translation_of(context, message) or message

    def gettext(self, message: str) -> str:
        found, _ = self._lookup(None, message)
        if found is not None:
            return escape(found)  # Jinja2 would take it for markup: a catalog is untrusted
        return message if not self.catalogs else self._marked(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found, index = self._lookup(None, (singular, plural))
        if found is None:
            text = singular if n == 1 else plural
            return text if not self.catalogs else self._marked(text)
        return escape(found[self._plurals[index](n)])

    def plural_index(self, n: int) -> int:
        return self._plurals[0](n) if self._plurals else int(n != 1)


@dataclass(frozen=True)
class CatalogState:
    """A catalog a localization reads: who reviewed it, when it last changed, and whether it
    still holds the text that was reviewed."""

    path: Path
    review: Review | None
    revised: date | None
    covered: bool = False  # the review's fingerprints are the catalog's (Review.covers)

    @property
    def reviewed(self) -> bool:
        """Signed off by someone qualified, and neither its source nor its translations
        changed since (fuzzy flags or not)."""
        return self.review is not None and self.covered

    @property
    def out_of_date(self) -> bool:
        return self.review is not None and not self.covered


@dataclass
class Localization:
    """Everything the templates need to speak one language, and the state of its catalogs:
    ``chrome`` translates the templates, ``text`` the leaflet."""

    language: str  # BCP 47 tag, as written in the HTML lang attribute and the PDF /Lang
    locale: Locale
    chrome: CatalogTranslations
    text_translations: CatalogTranslations
    source_language: str = SOURCE_LANGUAGE
    catalogs: tuple[CatalogState, ...] = ()
    untranslated: set[str] = field(default_factory=set)  # leaflet texts left in the source language

    @property
    def translations(self) -> CatalogTranslations:
        """What the templates' gettext calls read."""
        return self.chrome

    @property
    def review(self) -> Review | None:
        """The review of the leaflet's own translation (its catalog is the last)."""
        return self.catalogs[-1].review if self.catalogs else None

    @property
    def state(self) -> str:
        """In words, as index.html lists it: "original", "reviewed translation", "draft
        translation", or "review out of date"."""
        if not self.is_translation:
            return "original"
        if self.stale_review is not None:
            return "review out of date"
        return "draft translation" if self.draft else "reviewed translation"

    @property
    def stale_review(self) -> Review | None:
        """A review of one of its catalogs that no longer covers what the catalog holds."""
        return next((state.review for state in self.catalogs if state.out_of_date), None)

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def is_translation(self) -> bool:
        return bool(self.catalogs)

    @property
    def draft(self) -> bool:
        """A translation nobody qualified has signed off (the leaflet's or the chrome's), one
        that changed since, or one with gaps: say so."""
        if not self.is_translation:
            return False
        if self.gaps or self.unchecked:
            return True
        return not all(state.reviewed for state in self.catalogs)

    @property
    def unchecked(self) -> list[EntryFindings]:
        """Printed translations with a negation on one side only, not yet checked."""
        return self.chrome.unchecked + self.text_translations.unchecked

    @property
    def gaps(self) -> list[Gap]:
        return self.chrome.gaps + self.text_translations.gaps

    @property
    def source_language_name(self) -> str:
        return self.language_name(self.source_language)

    @property
    def stylesheets(self) -> tuple[str, ...]:
        """CSS layers this language adds: its script's fonts, and right-to-left layout."""
        return language_stylesheets(self.locale)

    @property
    def counter_style(self) -> str:
        """The CSS counter style for page numbers in this locale's digits."""
        return "arabic-indic" if self.locale.default_numbering_system == "arab" else "decimal"

    def date(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def time_of_day(self, value: time) -> str:
        return format_time(value, format="short", locale=self.locale)

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
    language: str,
    locales_dir: Path,
    source_language: str = SOURCE_LANGUAGE,
    leaflet_id: str | None = None,
) -> Localization:
    """The localization for ``language``: the chrome's catalogs (the project's over the
    package's) and, for a leaflet, its own catalog. The source language needs none."""
    text_path = catalog_path(locales_dir, language, leaflet_id or CHROME)
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        # `--lang all` takes the languages from the folders in locales/: name the folder.
        where = (
            f": {text_path} is not the catalog of a known language" if text_path.is_file() else ""
        )
        raise LeafletError(f"Unknown language '{language}'{where}") from None
    chrome_path = catalog_path(locales_dir, language, CHROME)
    if locale.language == Locale.parse(source_language, sep="-").language:
        return Localization(
            language,
            locale,
            CatalogTranslations([], chrome_path, source_language),
            CatalogTranslations([], text_path, source_language),
            source_language,
        )
    if leaflet_id is not None and not os.path.lexists(text_path):  # read_catalog says why
        # Never print source-language text around another language without saying so.
        raise LeafletError(
            f"No catalog for language '{language}': {text_path} does not exist "
            "(`leaflet i18n init` starts one)"
        )
    chrome = _chrome_chain(
        [(read_catalog(path, language), path) for path in chrome_catalogs(locales_dir, language)]
    )
    text = [(read_catalog(text_path, language), text_path)] if leaflet_id is not None else []
    states = tuple(_state(catalog, path) for catalog, path in (*chrome, *text))
    return Localization(
        language,
        locale,
        CatalogTranslations(chrome, chrome_path, source_language),
        CatalogTranslations(text, text_path, source_language),
        source_language,
        catalogs=states,
    )


def _state(catalog: Catalog, path: Path) -> CatalogState:
    review = review_of(catalog)
    covered = review is not None and review.covers(catalog)
    return CatalogState(path, review, revision_date_of(catalog), covered)


def _chrome_chain(chain: list[tuple[Catalog, Path]]) -> list[tuple[Catalog, Path]]:
    """The chrome catalogs a localization reads: a project's own that translates every entry
    the shipped one does replaces it (and so does its review); one that does not is read
    first, the shipped one after it, and both must be reviewed."""
    if len(chain) < 2:
        return chain
    (own, _), (shipped, _) = chain[0], chain[1]
    if all(_usable(own.get(m.id, context=m.context)) for m in shipped if m.id and _usable(m)):
        return chain[:1]
    return chain


def _usable(message: PoMessage | None) -> bool:
    return message is not None and is_complete(message) and not message.fuzzy


def translate_leaflet(leaflet: Leaflet, l10n: Localization, text: str | None = None) -> Leaflet:
    """The leaflet in ``l10n``'s language; what the catalog cannot translate stays in the
    source language, is marked in the output and, if a variant of text level ``text`` prints
    it (all text when None), recorded as a gap: the draft notice counts what is printed."""
    if not l10n.is_translation:
        return leaflet
    translations = l10n.text_translations

    def lookup(message: Message) -> str:
        # read_catalog has checked every translation as it checks a source's text.
        printed = text is None or printed_in(leaflet, message, text)
        found = translations.translation_of(message.context, message.msgid, printed=printed)
        if found is None:
            l10n.untranslated.add(message.msgid)
            return message.msgid
        return found

    return _in_alphabetical_order(leaflet, translate(leaflet, lookup), l10n.language)


def _in_alphabetical_order(source: Leaflet, translated: Leaflet, language: str) -> Leaflet:
    """ "Words to know" in the alphabetical order of the translation's language, when the
    source lists them alphabetically (an author's own order is kept)."""
    if source.plain is None or translated.plain is None or not source.plain.glossary:
        return translated
    if not is_collated([entry.term for entry in source.plain.glossary], source.language):
        return translated
    glossary = collated(translated.plain.glossary, language, lambda entry: entry.term)
    plain = translated.plain.model_copy(update={"glossary": glossary})
    return translated.model_copy(update={"plain": plain})
