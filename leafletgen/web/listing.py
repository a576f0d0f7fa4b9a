"""What the counter can print: every leaflet of the project in every language it has, with its
review state, and the search staff type the name on the box into.

Read from the project's sources and catalogs (never from the output folder), and read again
when one of them changes, so the page never offers a leaflet as it was an hour ago.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from leafletgen.content.loader import is_source_file, load_leaflet
from leafletgen.engine import prepare
from leafletgen.errors import LeafletError
from leafletgen.i18n.workflow import leaflet_languages
from leafletgen.project import Project

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Language:
    """One leaflet in one language."""

    code: str
    title: str  # the leaflet's title in this language
    state: str  # in words: "source", "draft (not reviewed)", "reviewed by … on …"
    draft: bool  # a translation nobody signed off, or with gaps: printing it needs a confirmation


@dataclass(frozen=True)
class Listed:
    """One leaflet, as the counter offers it."""

    id: str
    source: Path  # its file
    title: str
    generic: str
    brands: tuple[str, ...]  # the project's market's
    known_as: tuple[str, ...]  # every brand of every market: staff search by the box's name
    version: str
    reviewed: date
    review_overdue: bool
    source_language: str
    languages: tuple[Language, ...]  # the source language first

    def language(self, code: str) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)

    def matches(self, query: str) -> bool:
        """Every word of ``query`` is in the id, the generic or a brand name, or the title in
        some language; case and accents do not matter."""
        haystack = _folded(
            " ".join((self.id, self.generic, *self.known_as, *(x.title for x in self.languages)))
        )
        return all(word in haystack for word in _folded(query).split())


@dataclass(frozen=True)
class Listing:
    leaflets: tuple[Listed, ...]
    problems: tuple[str, ...]  # sources or catalogs that cannot be read, with why

    def find(self, leaflet_id: str) -> Listed | None:
        return next((leaflet for leaflet in self.leaflets if leaflet.id == leaflet_id), None)

    def search(self, query: str) -> list[Listed]:
        return [leaflet for leaflet in self.leaflets if leaflet.matches(query)]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def read_listing(project: Project, today: date) -> Listing:
    leaflets: list[Listed] = []
    problems: list[str] = []
    folder = project.leaflets_dir
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if not is_source_file(path):
            continue
        try:
            leaflets.append(_listed(project, path, today))
        except LeafletError as error:
            # One broken source or catalog must not take the others off the counter.
            problems.append(error.format_message())
    return Listing(tuple(leaflets), tuple(problems))


def _listed(project: Project, path: Path, today: date) -> Listed:
    source = load_leaflet(path)
    rows = leaflet_languages(source, project.locales_dir, today, project.config.review.max_age_days)
    languages = []
    for row in rows:
        prepared = prepare(project, source.id, row.language, "standard")
        draft = prepared.localization.draft or row.state.startswith(("draft", "incomplete"))
        languages.append(Language(row.language, prepared.edition.title, row.state, draft))
    return Listed(
        id=source.id,
        source=path,
        title=source.title,
        generic=source.medicine.generic,
        brands=tuple(source.medicine.brands_in(project.country)),
        known_as=tuple(source.medicine.every_brand),
        version=source.version,
        reviewed=source.reviewed.date,
        review_overdue=rows[0].review_overdue,
        source_language=source.language,
        languages=tuple(languages),
    )


class ListingCache:
    """The listing, read again when a file in the leaflets or locales folder changes (or the
    day does: a review becomes overdue at midnight)."""

    def __init__(self, project: Project, today: Callable[[], date] = date.today) -> None:
        self.project = project
        self.today = today
        self._lock = threading.Lock()
        self._stamp: object = None
        self._listing = Listing((), ())

    def get(self) -> Listing:
        stamp = (self.today(), *self._files())
        with self._lock:
            if stamp != self._stamp:
                self._listing = read_listing(self.project, stamp[0])
                self._stamp = stamp
            return self._listing

    def _files(self) -> list[tuple[str, int, int]]:
        found = []
        for folder in (self.project.leaflets_dir, self.project.locales_dir):
            for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
                try:
                    info = path.stat()
                except OSError:
                    continue
                found.append((str(path), info.st_mtime_ns, info.st_size))
        return found
