"""Localization: one Babel locale and its gettext catalog per leaflet language.

Catalogs are read from the ``.po`` files with Babel, so the build sees exactly what a
translator saved: which entries are missing or fuzzy (stale against a changed source), and
who reviewed the translation and when. Babel objects are passed explicitly; nothing here
touches the process-wide ``locale``.
"""

from __future__ import annotations

import codecs
import gettext
import io
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
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from leafletgen.errors import LeafletError, Problem, SourceError
from leafletgen.markup import Link, MarkupError, to_html
from leafletgen.markup import parse as parse_markup
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
    """Read and check one ``.po`` file: the one check every reader of a catalog relies on (the
    build, ``leaflet i18n status`` and ``compile``, ``leaflet list``, the audit). A catalog is
    untrusted input; every problem names the file, the line and the entry.

    The file must be UTF-8 and its plural forms those of its language (CLDR). Each translation
    obeys the rules of printed text; template chrome keeps its placeholders and adds no HTML;
    leaflet text keeps its links. Leaflet text is never %-formatted, so Babel's guess that
    "5–10% of patients" is a format string is undone first.
    """
    locale = _catalog_locale(path, language)
    lines = _utf8_lines(path)
    try:
        catalog = read_po(lines, locale=locale, abort_invalid=True)
    except PoFileError as error:
        # Babel stops at the first plural entry that has more forms than the header allows;
        # when the header is what is wrong, say so.
        raise SourceError(
            _header_problems(path, lines, error.catalog, locale) or [_parse_problem(path, error)]
        ) from None
    except ValueError as error:
        raise SourceError([Problem(path, None, "", f"not a valid catalog: {error}")]) from None
    for message in catalog:
        if is_leaflet_text(message.context):
            message.flags.discard("python-format")
    problems = _header_problems(path, lines, catalog, locale)
    for message in catalog:
        if message.id:
            problems += _entry_problems(path, catalog, message)
    if problems:
        raise SourceError(problems)
    return catalog


def _catalog_locale(path: Path, language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-" if "-" in language else "_")
    except (ValueError, UnknownLocaleError):
        folder = path.parent.parent.name
        raise SourceError(
            [
                Problem(
                    path,
                    None,
                    "",
                    f"{folder!r} is not a known language: name the catalog's folder after a "
                    "language tag, for example es or pt_BR",
                )
            ]
        ) from None


def _utf8_lines(path: Path) -> list[str]:
    """The file's lines, decoded as UTF-8: a catalog in another encoding is refused with the
    line and byte, never read as mojibake."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError([Problem(path, None, "", f"cannot read: {error.strerror}")]) from None
    data = data.removeprefix(codecs.BOM_UTF8)  # some editors write one; it means UTF-8
    if b"\0" in data:
        raise SourceError([Problem(path, None, "", f"not UTF-8 text (UTF-16?): {_SAVE_AS_UTF8}")])
    lines = []
    for number, line in enumerate(io.BytesIO(data), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            byte = line[error.start]
            raise SourceError(
                [
                    Problem(
                        path,
                        number,
                        "",
                        f"not UTF-8: byte 0x{byte:02X} at byte {error.start + 1} of the line: "
                        + _SAVE_AS_UTF8,
                    )
                ]
            ) from None
    return lines


_SAVE_AS_UTF8 = "save the catalog as UTF-8 (Content-Type: text/plain; charset=UTF-8)"


def _parse_problem(path: Path, error: PoFileError) -> Problem:
    # Babel counts lines from 0 and appends " on <line>" to its message.
    message = str(error).removesuffix(f" on {error.lineno}")
    if message == "msg has more translations than num_plurals of catalog":
        message = (
            f"more msgstr[n] than the {error.catalog.num_plurals} plural forms of the "
            "catalog's Plural-Forms header"
        )
    return Problem(path, error.lineno + 1, "", f"not a valid catalog: {message}")


def _header_problems(
    path: Path, lines: list[str], catalog: Catalog, locale: Locale
) -> list[Problem]:
    """The header: UTF-8, the catalog's own language, its plural forms, the review line."""
    problems = []
    charset = catalog.charset
    if _codec_name(charset) != "utf-8":
        problems.append(
            Problem(
                path,
                _line_of(lines, "charset="),
                "Content-Type",
                f"charset {charset!r}: {_SAVE_AS_UTF8}",
            )
        )
    declared = catalog.locale_identifier
    # "Language: es_ES" in locales/es/ is the same language; "Language: ar" is not.
    if declared and (catalog.locale is None or catalog.locale.language != locale.language):
        problems.append(
            Problem(
                path,
                _line_of(lines, '"Language:'),
                "Language",
                f"{declared!r}, but the catalog is the one of {str(locale)!r} (its folder)",
            )
        )
    plural = _plural_forms_problem(catalog, locale)
    if plural:
        problems.append(Problem(path, _line_of(lines, '"Plural-Forms:'), "Plural-Forms", plural))
    try:
        review_of(catalog)
    except ValueError as error:
        problems.append(
            Problem(path, _line_of(lines, "Reviewed-By:"), "Reviewed-By", f"invalid date: {error}")
        )
    return problems


def _codec_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _line_of(lines: list[str], text: str) -> int | None:
    return next((number for number, line in enumerate(lines, 1) if text in line), None)


# Numbers enough to meet every CLDR plural rule (they look at n % 10, n % 100 and small n).
_PLURAL_PROBES = range(1001)


def _plural_forms_problem(catalog: Catalog, locale: Locale) -> str | None:
    """Plural-Forms must sort numbers into the forms of the language as CLDR does; the order of
    the forms is the catalog's own (GNU gettext and Babel number Arabic's differently)."""
    expected, expression = get_plural(locale)
    suggestion = f"write 'nplurals={expected}; plural={expression};'"
    language = locale.get_display_name("en")
    if catalog.num_plurals != expected:
        return (
            f"nplurals={catalog.num_plurals}, but {language} has {expected} plural forms: "
            + suggestion
        )
    try:
        choose = gettext.c2py(catalog.plural_expr)
    except (ValueError, RecursionError) as error:
        return f"plural={catalog.plural_expr!r} is not a plural expression ({error}): {suggestion}"
    reference = gettext.c2py(expression)
    forms: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for n in _PLURAL_PROBES:
        try:
            form = int(choose(n))
        except ArithmeticError as error:
            return f"plural={catalog.plural_expr!r} fails for n={n} ({error}): {suggestion}"
        if not 0 <= form < expected:
            return f"plural={catalog.plural_expr!r} gives form {form} for n={n}: {suggestion}"
        want = reference(n)
        if forms.setdefault(form, want) != want or numbers.setdefault(want, form) != form:
            return (
                f"plural={catalog.plural_expr!r} does not follow the plural rules of {language} "
                f"(CLDR), first for n={n}: {suggestion}"
            )
    return None


def _entry_problems(path: Path, catalog: Catalog, message: PoMessage) -> list[Problem]:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    msgid, source = ids[0], ids[-1]  # a plural entry's forms follow its plural msgid
    leaflet_text = is_leaflet_text(message.context)
    found: list[str] = []
    if message.pluralizable and any(strings) and not all(strings):
        found.append(
            f"has {sum(map(bool, strings))} of the {len(strings)} plural forms "
            f"(msgstr[0] to msgstr[{len(strings) - 1}]): translate every form, or none"
        )
    for string in filter(None, strings):
        try:
            check_text(string, inline=leaflet_text)
        except ValueError as error:
            found.append(str(error))
            continue
        if leaflet_text:
            found += _link_problems(msgid, string)
        else:
            found += _placeholder_problems(source, string)
            found += _html_problems(source, string)
    if not found:  # Babel's own checks, when ours found nothing more precise
        found = [str(error) for error in message.check(catalog)]
    if leaflet_text:
        assert message.context is not None
        # Leaflet text is named by its leaflet and field, as source problems are.
        return [
            Problem(path, message.lineno, message.context, f"translation of {msgid[:50]!r}: {p}")
            for p in found
        ]
    return [Problem(path, message.lineno, f"msgid {_short(msgid)}", p) for p in found]


# Jinja2 %-formats every chrome message: "%%" is a percent sign, anything else a placeholder.
_FORMAT = re.compile(r"%(?:%|\(\w*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]?|.?)", re.DOTALL)


def _placeholders(text: str) -> list[str]:
    return sorted(token for token in _FORMAT.findall(text) if token != "%%")


def _placeholder_problems(source: str, string: str) -> list[str]:
    # Babel accepts a translation with no placeholder at all; a leaflet must not lose one, and
    # a stray "%" would fail the render.
    wanted, found = _placeholders(source), _placeholders(string)
    if found == wanted:
        return []
    stray = " (write %% for a percent sign)" if "%" in found else ""
    return [f"translation has placeholders {found}, the source has {wanted}{stray}"]


# What an HTML parser would read as a tag, a comment or a character reference.
_HTML = re.compile(r"</?[A-Za-z!?/][^<>]*>?|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _html_problems(source: str, string: str) -> list[str]:
    # Chrome is plain text the templates put in place; a translation must not bring markup
    # (it is escaped when printed, so it would show as code).
    wanted, found = sorted(_HTML.findall(source)), sorted(_HTML.findall(string))
    if found == wanted:
        return []
    return [f"translation has HTML markup {found}, the source has {wanted}"]


def _link_problems(msgid: str, string: str) -> list[str]:
    # A translation may move a link within its sentence, never point it elsewhere.
    try:
        wanted = _link_targets(msgid)
    except MarkupError:  # not the text of any leaflet: never looked up
        return []
    found = _link_targets(string)
    if found == wanted:
        return []
    return [f"links to {found}, the source to {wanted}"]


def _link_targets(text: str) -> list[str]:
    return sorted(node.url for node in parse_markup(text) if isinstance(node, Link))


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
