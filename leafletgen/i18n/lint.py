"""A catalog is untrusted input: ``read_catalog`` reads one ``.po`` file and checks it, the one
check every reader of a catalog relies on."""

from __future__ import annotations

import codecs
import functools
import gettext
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po

from leafletgen.content.coverage import check_covered
from leafletgen.content.markup import Link, MarkupError
from leafletgen.content.markup import parse as parse_markup
from leafletgen.content.text import check_text
from leafletgen.errors import Problem, SourceError
from leafletgen.files import read_bounded
from leafletgen.i18n.store import is_leaflet_text, review_of, revision_date_of


def read_catalog(path: Path, language: str) -> Catalog:
    """Read and check one ``.po`` file: the one check every reader of a catalog relies on (the
    build, ``leaflet i18n status`` and ``compile``, ``leaflet list``, the audit). A catalog is
    untrusted input; every problem names the file, the line and the entry.

    The file must be UTF-8 and its plural forms those of its language (CLDR). Each translation
    obeys the rules of printed text; template chrome keeps its placeholders and adds no HTML;
    leaflet text keeps its links. Leaflet text is never %-formatted, so Babel's guess that
    "5–10% of patients" is a format string is undone first.

    The Catalog returned is shared by every reader of the same bytes in this process (a
    batch reads one catalog for every variant and format): read it, never change it.
    """
    locale = _catalog_locale(path, language)
    if path.is_symlink():  # as for sources: a catalog cannot bring in a file from elsewhere
        raise SourceError([Problem(path, None, "", "symbolic links are not followed")])
    # The guarded reader of sources: a regular file (a FIFO would block, /dev/zero never end),
    # its size known before a byte is read.
    return _checked(read_bounded(path, MAX_CATALOG_BYTES), path, str(locale))


# One leaflet's catalog in one language is ~150 kB; the chrome's ~10 kB.
MAX_CATALOG_BYTES = 5_000_000


@functools.lru_cache(maxsize=64)
def _checked(data: bytes, path: Path, language: str) -> Catalog:
    # Errors are not cached: they are raised again each time.
    locale = Locale.parse(language)
    lines = _utf8_lines(path, data)
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
            problems += _entry_problems(path, catalog, message, language)
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


def _utf8_lines(path: Path, data: bytes) -> list[str]:
    """The file's lines, decoded as UTF-8: a catalog in another encoding is refused with the
    line and byte, never read as mojibake."""
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
    return problems + _review_problems(path, lines, catalog)


# A reviewer east of UTC may date a review tomorrow, by UTC's calendar; later than that is not
# a review that happened.
_CLOCK_SKEW = timedelta(days=1)


def _review_problems(path: Path, lines: list[str], catalog: Catalog) -> list[Problem]:
    """A review record that cannot be trusted is refused, never read as "reviewed": a date
    that is not a date or is in the future, a reviewer's name with control or direction
    characters (U+202E would print it reversed), a catalog with no revision date."""
    line = _line_of(lines, "Reviewed-By:")
    try:
        review = review_of(catalog)
    except ValueError as error:
        return [Problem(path, line, "Reviewed-By", f"invalid date: {error}")]
    problems = []
    latest = datetime.now(UTC).date() + _CLOCK_SKEW
    revised = revision_date_of(catalog)
    if revised is not None and revised > latest:
        problems.append(
            Problem(
                path,
                _line_of(lines, '"PO-Revision-Date:'),
                "PO-Revision-Date",
                f"{revised} is in the future",
            )
        )
    if review is None:
        return problems
    if review.on > latest:
        problems.append(Problem(path, line, "Reviewed-By", f"{review.on} is in the future"))
    try:
        check_text(review.by, inline=False)
    except ValueError as error:
        problems.append(Problem(path, line, "Reviewed-By", f"the reviewer's name: {error}"))
    if revised is None:
        problems.append(
            Problem(
                path,
                _line_of(lines, '"PO-Revision-Date:') or line,
                "PO-Revision-Date",
                "a reviewed catalog must say when it was last revised (PO-Revision-Date: "
                "YYYY-MM-DD HH:MM+ZONE)",
            )
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


def _entry_problems(
    path: Path, catalog: Catalog, message: PoMessage, language: str
) -> list[Problem]:
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
            # Checked here, with the entry's line, not found by the renderer with no location.
            check_covered(string)
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
