"""Localization: one Babel locale and its gettext catalog per leaflet language.

Catalogs are read from the ``.po`` files with Babel, so the build sees exactly what a
translator saved: which entries are missing or fuzzy (stale against a changed source), and
who reviewed the translation and when. Babel objects are passed explicitly; nothing here
touches the process-wide ``locale``.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from leafletgen.errors import LeafletError, Problem, SourceError
from leafletgen.markup import to_html
from leafletgen.messages import Message, translate
from leafletgen.model import Leaflet, check_text

SOURCE_LANGUAGE = "en"  # the language of the template msgids
# Scripts the base font (Atkinson Hyperlegible, Latin) does not cover, and the layer that does.
SCRIPT_STYLESHEETS = {"Arab": "css/script-arabic.css", "Cyrl": "css/script-cyrillic.css"}
DOMAIN = "messages"

# "# Reviewed-By: A. Translator <a@example.org>; 2026-12-01" in the catalog's header comment.
_REVIEWED = re.compile(r"^#?\s*Reviewed-By:\s*(?P<who>.+?)\s*;\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$")


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
            return found  # type: ignore[no-any-return]
        return message if self.catalog is None else self._marked(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(None, (singular, plural))
        if found is None:
            text = singular if n == 1 else plural
            return text if self.catalog is None else self._marked(text)
        assert self._plural is not None
        return found[self._plural(n)]  # type: ignore[no-any-return]

    def plural_index(self, n: int) -> int:
        return self._plural(n) if self._plural is not None else int(n != 1)


@dataclass(frozen=True)
class Review:
    by: str
    on: date


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


def script_stylesheets(locale: Locale) -> tuple[str, ...]:
    """The font layer of the language's script, if the base font does not cover it."""
    script = get_global("likely_subtags").get(str(locale.language), "").split("_")
    return tuple(SCRIPT_STYLESHEETS[s] for s in script[1:2] if s in SCRIPT_STYLESHEETS)


def catalog_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def is_complete(message: PoMessage) -> bool:
    """Every form of the entry has text (a plural entry has one string per form)."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def is_leaflet_text(context: str | None) -> bool:
    """Leaflet text has the context "<leaflet id>|<field>"; template chrome has none."""
    return bool(context and "|" in context)


def read_catalog(path: Path, language: str) -> Catalog:
    """Read and check one ``.po`` file; every problem names the file, the line and the entry.

    Placeholders are checked with Babel (a translation that drops ``%(version)s`` would print
    a leaflet without its version). Leaflet text is never %-formatted, so Babel's guess that
    "5–10% of patients" is a format string is undone first.
    """
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language.replace("-", "_"), abort_invalid=True)
    except OSError as error:
        raise SourceError([Problem(path, None, "", f"cannot read: {error.strerror}")]) from None
    except (PoFileError, UnknownLocaleError, ValueError) as error:
        line = getattr(error, "lineno", None)
        raise SourceError([Problem(path, line, "", f"not a valid catalog: {error}")]) from None
    for message in catalog:
        if is_leaflet_text(message.context):
            message.flags.discard("python-format")
    problems = [
        Problem(path, message.lineno, f"msgid {_short(message.id)}", str(error))
        for message, errors in catalog.check()
        for error in errors
    ]
    problems += [
        Problem(path, message.lineno, f"msgid {_short(message.id)}", problem)
        for message in catalog
        if message.id and not is_leaflet_text(message.context)
        for problem in _placeholder_problems(message)
    ]
    if problems:
        raise SourceError(problems)
    return catalog


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _placeholder_problems(message: PoMessage) -> list[str]:
    # Babel accepts a translation with no placeholder at all; a leaflet must not lose one.
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    wanted = set(_PLACEHOLDER.findall(ids[-1]))
    return [
        f"translation has placeholders {sorted(found)}, the source has {sorted(wanted)}"
        for string in strings
        if string and (found := set(_PLACEHOLDER.findall(string))) != wanted
    ]


def _short(msgid: str | tuple[str, ...]) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return repr(text if len(text) <= 50 else text[:47] + "...")


def revision_date_of(catalog: Catalog) -> date | None:
    """PO-Revision-Date: when a translator last saved the catalog."""
    return catalog.revision_date.date() if isinstance(catalog.revision_date, datetime) else None


def review_of(catalog: Catalog) -> Review | None:
    for line in (catalog.header_comment or "").splitlines():
        if match := _REVIEWED.match(line.strip()):
            return Review(match["who"], date.fromisoformat(match["date"]))
    return None


def localize(
    language: str, locales_dir: Path, source_language: str = SOURCE_LANGUAGE
) -> Localization:
    """The localization for ``language``; the source language needs no catalog."""
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        raise LeafletError(f"Unknown language '{language}'") from None
    path = catalog_path(locales_dir, language)
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
        found = translations.translation_of(message.context, message.msgid)
        if found is None:
            l10n.untranslated.add(message.msgid)
            return message.msgid
        try:
            check_text(found, inline=True)
        except ValueError as error:  # the catalog is untrusted input too
            raise SourceError(
                [
                    Problem(
                        translations.path,
                        None,
                        message.context,
                        f"translation of {message.msgid[:50]!r}: {error}",
                    )
                ]
            ) from None
        return found

    return translate(leaflet, lookup)
