"""The translators' workflow on a project's own catalogs: extract, init, update, compile, and
a status report, one catalog per leaflet and language (see ``store``).

Babel does the work (its extractors, ``Catalog.update``, its .po and .mo writers), so a
translator who knows pybabel, Poedit or Weblate finds ordinary catalogs in ``locales/``; no
``babel.cfg`` is needed. Every file is written atomically, and only inside the project: the
package's own chrome catalogs are read, never written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from leafletgen import __version__
from leafletgen.content.loader import load_leaflet, source_files
from leafletgen.content.messages import messages, printed_in
from leafletgen.content.model import Leaflet
from leafletgen.content.text import check_text
from leafletgen.errors import LeafletError, Problem, SourceError
from leafletgen.files import write_atomic
from leafletgen.i18n.factlock import CHECKED_FLAG, EntryFindings, lock
from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.store import (
    CHROME,
    PACKAGE_LOCALES,
    SOURCE_LANGUAGE,
    Review,
    catalog_languages,
    catalog_path,
    catalogs_of,
    fingerprints,
    is_complete,
    is_leaflet_text,
    review_of,
    template_path,
)
from leafletgen.project import Project

_LEAFLET_METHOD = "leafletgen.content.messages:extract_leaflet"
_JINJA_METHOD = "jinja2.ext:babel_extract"
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n"}
_PYTHON_METHOD = "python"
_WIDTH = 76
_PACKAGE = Path(__file__).resolve().parent.parent
# The counter web app's own messages (`leaflet serve`): its templates' _() calls and the
# N_()-marked messages of its modules (and the variants' labels it shows). They are chrome,
# translated through the same catalogs as the leaflets' templates.
_APP_TEMPLATES = ("web/templates",)
_APP_MODULES = ("web", "variants.py")
_APP_KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def _sources(project: Project) -> list[Path]:
    folder = project.leaflets_dir
    if not folder.is_dir():
        raise LeafletError(f"no leaflets folder: {folder} (run it in a leaflet project)")
    return source_files(folder)


def _template(domain: str) -> Catalog:
    return Catalog(
        domain=domain,
        project="leafletgen",
        version=__version__,
        copyright_holder="the leafletgen authors",
        charset="utf-8",
        fuzzy=False,
    )


def _write_catalog(path: Path, catalog: Catalog, *, template: bool = False) -> None:
    """Write a catalog as pybabel would, its previous msgids (``#| msgid``) in PO syntax.

    Babel wraps a long previous msgid as prose, quotes and all, and cannot read it back
    (it keeps ``#|`` lines as translator comments, rewrapped again on every update): each one
    is written as a short marker first, then replaced by the msgid, one quoted line each.
    """
    previous: dict[str, str] = {}
    saved = {}
    for index, message in enumerate(m for m in catalog if m.id and m.previous_id):
        saved[message.id if isinstance(message.id, str) else message.id[0], message.context] = (
            message.previous_id
        )
        markers = []
        for form, text in enumerate(message.previous_id):
            marker = f"leafletgen-previous-{index}-{form}"
            quoted = normalize(text, width=_WIDTH - len("#| msgid "))
            previous[f'"{marker}"'] = quoted.replace("\n", "\n#| ")
            markers.append(marker)
        message.previous_id = markers
    out = io.BytesIO()
    try:
        write_po(out, catalog, width=_WIDTH, sort_by_file=template, include_previous=True)
    finally:
        for message in catalog:
            if message.id and message.previous_id:
                key = message.id if isinstance(message.id, str) else message.id[0]
                message.previous_id = saved[key, message.context]
    lines = []
    for line in out.getvalue().decode("utf-8").splitlines(keepends=True):
        keyword, _, marker = line.removeprefix("#| ").rstrip("\n").partition(" ")
        if line.startswith("#| ") and marker in previous:
            line = f"#| {keyword} {previous[marker]}\n"
        lines.append(line)
    text = "".join(lines)
    if path.is_file() and _undated(path.read_text(encoding="utf-8")) == _undated(text):
        return  # nothing but the time of extraction changed: the file stays as it is
    write_atomic(path, text.encode("utf-8"))


_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.M)


def _undated(text: str) -> str:
    return _CREATION_DATE.sub("", text)


def _read_for_update(path: Path) -> Catalog:
    """A catalog as `update` merges it: Babel reads its ``#| msgid`` lines as translator
    comments; they are the previous msgids of its fuzzy entries again."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        lines = [c.removeprefix("|").strip() for c in message.user_comments if c.startswith("|")]
        if not lines:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        forms: list[list[str]] = []
        for line in lines:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgid_plural"):
                forms.append([rest])
            elif forms and line.startswith('"'):
                forms[-1].append(line)
        try:
            message.previous_id = [denormalize("\n".join(form)) for form in forms]
        except (ValueError, IndexError):  # not written by us or pybabel: dropped
            message.previous_id = []
    return catalog


def _not_python_format(catalog: Catalog) -> None:
    """Babel flags any text with "% o" in it as python-format ("5–10% of patients"); leaflet
    text is never %-formatted, so its messages get no-python-format, or `pybabel compile`
    would reject a faithful translation such as "5–10% de"."""
    for message in catalog:
        if is_leaflet_text(message.context) and "python-format" in message.flags:
            message.flags.discard("python-format")
            message.flags.add("no-python-format")


def extract(project: Project) -> list[Path]:
    """Write ``locales/<id>.pot`` for every leaflet, and ``locales/leafletgen.pot`` with the
    chrome of the templates the project uses (its own over the package's)."""
    written = []
    for source in _sources(project):
        leaflet = load_leaflet(source)  # a broken source is reported as the build reports it
        catalog = _template(leaflet.id)
        for line, msgid, comments, context in extract_from_file(
            _LEAFLET_METHOD, str(source), keywords=DEFAULT_KEYWORDS
        ):
            catalog.add(msgid, locations=[(source.as_posix(), line)], auto_comments=comments,
                        context=context)  # fmt: skip
        _not_python_format(catalog)
        path = template_path(project.locales_dir, leaflet.id)
        _write_catalog(path, catalog, template=True)
        written.append(path)
    chrome = _template(CHROME)
    for name, path in project.assets.files().items():
        if not name.endswith(".j2"):
            continue
        for line, msgid, comments, context in extract_from_file(
            _JINJA_METHOD, str(path), keywords=DEFAULT_KEYWORDS, options=_JINJA_OPTIONS
        ):
            chrome.add(msgid, locations=[(f"templates/{name}", line)], auto_comments=comments,
                       context=context)  # fmt: skip
    for location, line, msgid, comments, context in _app_messages():
        chrome.add(msgid, locations=[(location, line)], auto_comments=comments, context=context)
    path = template_path(project.locales_dir, CHROME)
    _write_catalog(path, chrome, template=True)
    written.append(path)
    return written


def _app_messages() -> Iterable[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    """The web app's messages, located as ``leafletgen/web/…`` (they come with the package,
    whatever the project's templates are)."""
    files = [
        (path, _JINJA_METHOD, _JINJA_OPTIONS)
        for folder in _APP_TEMPLATES
        for path in sorted((_PACKAGE / folder).glob("*.j2"))
    ]
    for name in _APP_MODULES:
        found = _PACKAGE / name
        modules = sorted(found.glob("*.py")) if found.is_dir() else [found]
        files.extend((path, _PYTHON_METHOD, {}) for path in modules)
    for path, method, options in files:
        location = f"leafletgen/{path.relative_to(_PACKAGE).as_posix()}"
        for line, msgid, comments, context in extract_from_file(
            method, str(path), keywords=_APP_KEYWORDS, options=options
        ):
            yield location, line, msgid, comments, context


@dataclass(frozen=True)
class Started:
    created: list[Path]
    kept: list[Path]  # catalogs that existed already: never overwritten


def init(project: Project, language: str, *, chrome: bool = False) -> Started:
    """Start the catalogs of a new language: one per leaflet, and the chrome's when the
    package has no translation of it in that language (or ``chrome``: to override it)."""
    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        raise LeafletError(
            f"Unknown language '{language}' (a language tag, for example es or pt-BR)"
        ) from None
    domains = [load_leaflet(source).id for source in _sources(project)]
    if chrome or not catalog_path(PACKAGE_LOCALES, language, CHROME).is_file():
        domains.append(CHROME)
    started = Started([], [])
    for domain in domains:
        target = catalog_path(project.locales_dir, language, domain)
        if target.exists():
            started.kept.append(target)
            continue
        catalog = _read_template(project, domain, locale)
        catalog.revision_date = datetime.now(UTC)
        catalog.fuzzy = False
        _write_catalog(target, catalog)
        started.created.append(target)
    return started


def _read_template(project: Project, domain: str, locale: Locale | None = None) -> Catalog:
    """A template; read for ``locale``, it starts a catalog with that language's plural forms."""
    path = template_path(project.locales_dir, domain)
    if not path.is_file():
        raise LeafletError(f"{path}: not found (run `leaflet i18n extract` first)")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update(project: Project) -> list[Path]:
    """Merge each template into its own catalogs: changed text becomes fuzzy, matched only
    against the same leaflet's messages, never another leaflet's."""
    updated = []
    for pot in sorted(project.locales_dir.glob("*.pot")):
        template = _read_template(project, pot.stem)
        for _, path in catalogs_of(project.locales_dir, pot.stem):
            catalog = _read_for_update(path)
            before = {(m.id, m.context): m.previous_id for m in catalog if m.previous_id}
            catalog.update(template, update_header_comment=False)
            for message in catalog:  # still fuzzy against the same text: keep what it was
                if message.fuzzy and not message.previous_id:
                    message.previous_id = before.get((message.id, message.context), [])
                if message.fuzzy:  # a translator's check was of the text that changed
                    message.flags.discard(CHECKED_FLAG)
            _not_python_format(catalog)
            _write_catalog(path, catalog)
            updated.append(path)
    return updated


def _project_catalogs(project: Project) -> Iterable[tuple[str, Path]]:
    """(language folder, path) of every catalog in the project's locales/."""
    for path in sorted(project.locales_dir.glob("*/LC_MESSAGES/*.po")):
        yield path.parent.parent.name, path


def compile_catalogs(project: Project) -> list[Path]:
    """Write ``.mo`` files next to the project's catalogs, for other gettext tools (the build
    reads the ``.po`` files itself).

    Babel's writer, not ``pybabel compile``: Babel marks "5–10% of patients" as python-format
    again on every read, and its compile check would then reject the faithful "5–10% de"
    (read_catalog knows leaflet text is never %-formatted). Fuzzy entries are left out, as
    pybabel does.
    """
    written = []
    for language, path in _project_catalogs(project):
        catalog = read_catalog(path, language)  # checked, placeholders too
        out = io.BytesIO()
        write_mo(out, catalog, use_fuzzy=False)
        target = path.with_suffix(".mo")
        write_atomic(target, out.getvalue())
        written.append(target)
    return written


@dataclass(frozen=True)
class Counts:
    """How much of a text one catalog can print: translated entries are complete, not fuzzy
    and state the facts of their source; ``differs`` are refused by the fact lock."""

    total: int
    translated: int = 0
    fuzzy: int = 0
    differs: int = 0
    unchecked: int = 0  # printed, with a negation on one side only nobody has checked

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.fuzzy - self.differs

    @property
    def complete(self) -> bool:
        return self.translated == self.total

    def __str__(self) -> str:
        return (
            f"{self.translated}/{self.total} translated ({percent(self.translated, self.total)}), "
            f"{self.fuzzy} fuzzy, {self.missing} missing, {self.differs} with facts that differ, "
            f"{self.unchecked} negations to check"
        )


def percent(part: int, whole: int) -> str:
    """A share in whole percent, rounded down: 282 of 283 is 99 %, never 100 %."""
    return f"{100 * part // whole if whole else 100}%"


@dataclass(frozen=True)
class CatalogStatus:
    language: str
    native_name: str
    english_name: str
    domain: str  # a leaflet id, or CHROME
    path: Path
    counts: Counts  # against the leaflet's source as it is now (the chrome: its catalog)
    by_text: tuple[tuple[str, Counts], ...]  # ("full", …), ("plain", …): what each prints
    behind: int  # source messages the catalog lacks, or entries the source no longer has
    review: Review | None
    covered: bool  # the review's fingerprints are the catalog's

    @property
    def name(self) -> str:
        """The domain, and whether the catalog is the one shipped with leafletgen."""
        shipped = self.path.is_relative_to(PACKAGE_LOCALES)
        return f"{self.domain} (shipped)" if shipped else self.domain

    @property
    def state(self) -> str:
        return review_state(self.counts, self.review, self.covered, self.behind)


def review_state(counts: Counts, review: Review | None, covered: bool, behind: int = 0) -> str:
    """In words: can this translation be handed to a patient without a draft notice?"""
    states = []
    if behind:
        states.append(
            f"behind its source ({behind} messages): run `leaflet i18n extract` and "
            "`leaflet i18n update`"
        )
    if counts.missing or counts.fuzzy or counts.differs:
        states.append(
            f"incomplete: {counts.missing} missing, {counts.fuzzy} fuzzy, "
            f"{counts.differs} with facts that differ"
        )
    if counts.unchecked:
        states.append(f"draft: {counts.unchecked} negations to check")
    if review is None:
        states.append("draft (not reviewed)")
    elif review.source is None:
        states.append(
            f"draft: the review line of {review.on} does not say what was reviewed "
            "(`leaflet i18n review` writes it)"
        )
    elif not covered:
        states.append(
            f"draft: review out of date (the text changed after the review of {review.on})"
        )
    elif not states:
        return f"reviewed by {review.by} on {review.on}"
    return "; ".join(states)


@dataclass(frozen=True)
class BrokenCatalog:
    """A catalog the build refuses, with every problem read_catalog found."""

    language: str
    domain: str
    path: Path
    problems: tuple[Problem, ...]


def status(project: Project) -> list[CatalogStatus | BrokenCatalog]:
    """The state of every catalog a build of the project reads: each leaflet's, and the
    chrome's (the project's own, else the package's); a broken one is listed with its
    problems, not skipped."""
    leaflets = {leaflet.id: leaflet for leaflet in map(load_leaflet, _sources(project))}
    rows = [_status_of(lang, path, leaflets) for lang, path in _read_catalogs(project)]
    return sorted(rows, key=lambda row: (row.language, row.domain == CHROME, row.domain))


def _read_catalogs(project: Project) -> list[tuple[str, Path]]:
    """(language folder, path) of every catalog a build of the project reads: each leaflet's,
    and the chrome's (the project's own, else the package's)."""
    paths = list(_project_catalogs(project))
    own_chrome = {lang for lang, path in paths if path.stem == CHROME}
    leaflet_languages = {lang for lang, path in paths if path.stem != CHROME}
    paths += [
        (lang, catalog_path(PACKAGE_LOCALES, lang, CHROME))
        for lang in sorted(leaflet_languages - own_chrome)
        if catalog_path(PACKAGE_LOCALES, lang, CHROME).is_file()
    ]
    return paths


def _status_of(
    code: str, path: Path, leaflets: dict[str, Leaflet]
) -> CatalogStatus | BrokenCatalog:
    language = code.replace("_", "-")
    try:
        catalog = read_catalog(path, code)
    except SourceError as error:
        return BrokenCatalog(language, path.stem, path, tuple(error.problems))
    leaflet = leaflets.get(path.stem)
    source = leaflet.language if leaflet else SOURCE_LANGUAGE
    locked = lock(catalog, path, code, source)
    if leaflet is None:  # the chrome: its own entries are what is printed
        wanted = [(m.context, _msgid(m.id)) for m in catalog if m.id]
        by_text: tuple[tuple[str, Counts], ...] = ()
        behind = 0
    else:
        printed = list(messages(leaflet))
        wanted = [(m.context, m.msgid) for m in printed]
        by_text = tuple(
            (text, _counts(catalog, locked, [(m.context, m.msgid) for m in printed
                                             if printed_in(leaflet, m, text)]))
            for text in ("full", "plain")
        )  # fmt: skip
        own = {(m.context, _msgid(m.id)) for m in catalog if m.id}
        behind = len(set(wanted) ^ own)
    locale = Locale.parse(code)
    review = review_of(catalog)
    return CatalogStatus(
        language=language,
        native_name=locale.get_display_name(locale) or code,
        english_name=locale.get_display_name("en") or code,
        domain=path.stem,
        path=path,
        counts=_counts(catalog, locked, wanted),
        by_text=by_text,
        behind=behind,
        review=review,
        covered=review is not None and review.covers(catalog),
    )


def _msgid(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _counts(
    catalog: Catalog,
    locked: dict[tuple[str | None, str], EntryFindings],
    wanted: list[tuple[str | None, str]],
) -> Counts:
    wanted = list(dict.fromkeys(wanted))  # a sentence said twice is one entry
    translated = fuzzy = differs = unchecked = 0
    for context, msgid in wanted:
        entry = catalog.get(msgid, context=context)
        if entry is None or not is_complete(entry):
            continue
        if entry.fuzzy:
            fuzzy += 1
            continue
        found = locked.get((context, entry.id[-1] if isinstance(entry.id, tuple) else entry.id))
        if found is not None and found.errors:
            differs += 1
            continue
        translated += 1
        unchecked += bool(found and found.needs_review)
    return Counts(len(wanted), translated, fuzzy, differs, unchecked)


@dataclass(frozen=True)
class LeafletLanguage:
    """One leaflet in one language, for `leaflet list`."""

    leaflet_id: str
    version: str
    reviewed: date | None  # None: a draft, never reviewed
    review_overdue: bool
    language: str
    state: str  # "source", "incomplete: 3 missing, …", "draft (not reviewed)", "reviewed …"


def leaflet_languages(
    leaflet: Leaflet, locales_dir: Path, today: date, max_age_days: int
) -> list[LeafletLanguage]:
    """The leaflet in its own language and in every language it has a catalog in."""
    reviewed = leaflet.reviewed.date if leaflet.reviewed else None  # a draft: never
    overdue = reviewed is None or (today - reviewed).days > max_age_days
    rows = [
        LeafletLanguage(
            leaflet.id, leaflet.version_label, reviewed, overdue, leaflet.language, "source"
        )
    ]
    for language in catalog_languages(locales_dir, leaflet.id):
        path = catalog_path(locales_dir, language, leaflet.id)
        row = _status_of(language.replace("-", "_"), path, {leaflet.id: leaflet})
        state = row.state if isinstance(row, CatalogStatus) else "refused by the build"
        rows.append(
            LeafletLanguage(leaflet.id, leaflet.version_label, reviewed, overdue, language, state)
        )
    return rows


@dataclass(frozen=True)
class CatalogFindings:
    """What the fact lock finds in one catalog (a broken catalog is a BrokenCatalog)."""

    language: str
    domain: str
    path: Path
    entries: tuple[EntryFindings, ...]


def check(project: Project, languages: Iterable[str] = ()) -> list[CatalogFindings | BrokenCatalog]:
    """The fact lock on every catalog a build reads (each leaflet's, and the chrome's), in
    ``languages`` or all of them."""
    wanted = {language.replace("-", "_") for language in languages}
    rows: list[CatalogFindings | BrokenCatalog] = []
    for code, path in _read_catalogs(project):
        if wanted and code not in wanted:
            continue
        language = code.replace("_", "-")
        try:
            catalog = read_catalog(path, code)
        except SourceError as error:
            rows.append(BrokenCatalog(language, path.stem, path, tuple(error.problems)))
            continue
        source = SOURCE_LANGUAGE if path.stem == CHROME else _source_language(project, path.stem)
        found = lock(catalog, path, code, source)
        entries = sorted(found.values(), key=lambda e: e.line or 0)
        rows.append(CatalogFindings(language, path.stem, path, tuple(entries)))
    return rows


def _source_language(project: Project, leaflet_id: str) -> str:
    for source in _sources(project):
        if source.stem == leaflet_id:
            return load_leaflet(source).language
    return SOURCE_LANGUAGE


def review(
    project: Project, language: str, by: str, leaflet_ids: Iterable[str] = (), *, today: date
) -> list[Path]:
    """Record a translator's review of the catalogs of ``language`` (the named leaflets', or
    every leaflet's, and the project's own chrome catalog if it has one): who, when, and the
    fingerprints of the source text and of the translations reviewed. A catalog that is not
    ready (behind its source, incomplete, facts that differ, negations to check) is refused,
    and nothing is written."""
    by = " ".join(by.split())
    try:
        check_text(by, inline=False)
    except ValueError as error:
        raise LeafletError(f"--by: the reviewer's name: {error}") from None
    if not by or ";" in by:
        raise LeafletError("--by: a name (and an address), without ';'")
    code = language.replace("-", "_")
    leaflets = {leaflet.id: leaflet for leaflet in map(load_leaflet, _sources(project))}
    wanted = list(leaflet_ids) or list(leaflets)
    if unknown := [name for name in wanted if name not in leaflets]:
        raise LeafletError(f"no leaflet {', '.join(map(repr, unknown))} in {project.leaflets_dir}")
    paths = [catalog_path(project.locales_dir, language, name) for name in wanted]
    if catalog_path(project.locales_dir, language, CHROME).is_file():
        paths.append(catalog_path(project.locales_dir, language, CHROME))
    rows = []
    for path in paths:
        if not path.is_file():
            raise LeafletError(f"{path}: not found (`leaflet i18n init {language}` starts it)")
        row = _status_of(code, path, leaflets)
        if isinstance(row, BrokenCatalog):
            raise SourceError(list(row.problems))
        counts = row.counts
        if row.behind or not counts.complete or counts.unchecked:
            raise LeafletError(f"{path}: not ready for review: {row.state}")
        rows.append(row)
    for row in rows:
        catalog = read_catalog(row.path, code)
        line = Review(by, today, *fingerprints(catalog)).line()
        write_atomic(row.path, _with_review_line(row.path.read_text("utf-8"), line).encode())
    return [row.path for row in rows]


def _with_review_line(text: str, line: str) -> str:
    """The catalog with ``line`` as its one Reviewed-By line, in the header comment (the "#"
    lines before the first entry); nothing else changes."""
    lines = text.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    kept = [row for row in lines[:header] if "Reviewed-By:" not in row]
    return "".join([*kept, line + "\n", *lines[header:]])
