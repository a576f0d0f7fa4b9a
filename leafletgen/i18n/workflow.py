"""The translators' workflow: Babel's own extract/init/update/compile, and a status report.

Nothing here re-implements Babel: each step runs ``pybabel`` with the project's settings, so a
translator who knows pybabel, Poedit or Weblate finds ordinary catalogs in ``locales/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import Locale
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from leafletgen import __version__
from leafletgen.content.messages import messages
from leafletgen.content.model import Leaflet
from leafletgen.errors import LeafletError, Problem, SourceError
from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.store import (
    DOMAIN,
    Review,
    is_complete,
    is_leaflet_text,
    review_of,
    revision_date_of,
)

TEMPLATE = "messages.pot"


def pybabel(*args: str) -> None:
    """Run one pybabel command in-process; its errors become ours."""
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    except SystemExit as exit_:
        if exit_.code:
            raise LeafletError(f"pybabel {args[0]} failed (exit {exit_.code})") from None
    except Exception as error:  # Babel raises plain exceptions for bad input files
        raise LeafletError(f"pybabel {args[0]}: {error}") from None


def extract(root: Path, locales_dir: Path) -> Path:
    """Collect template chrome and every leaflet's text into ``locales/messages.pot``."""
    config = root / "babel.cfg"
    if not config.is_file():
        raise LeafletError(f"{config}: not found (run `leaflet i18n` in the project folder)")
    template = locales_dir / TEMPLATE
    pybabel(
        "extract", "-F", str(config), "-c", "Translators:", "--sort-by-file",
        "--project", "leafletgen", "--version", __version__,
        "--copyright-holder", "the leafletgen authors",
        "-o", str(template), str(root),
    )  # fmt: skip
    _content_is_not_python_format(template)
    return template


def init(locales_dir: Path, language: str) -> Path:
    """Start the catalog of a new language from the template."""
    Locale.parse(language, sep="-")  # refuse unknown languages before pybabel writes anything
    pybabel("init", "-D", DOMAIN, "-i", str(locales_dir / TEMPLATE), "-d", str(locales_dir),
            "-l", language.replace("-", "_"))  # fmt: skip
    return locales_dir / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def _content_is_not_python_format(path: Path) -> None:
    """Babel flags any text with "% o" in it as python-format ("5–10% of patients"); leaflet
    text is never %-formatted, so its messages (context "<id>|<field>") get no-python-format,
    or `pybabel compile` would reject a faithful translation such as "5–10% de"."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    changed = False
    for message in catalog:
        if is_leaflet_text(message.context) and "python-format" in message.flags:
            message.flags.discard("python-format")
            message.flags.add("no-python-format")
            changed = True
    if changed:
        with path.open("wb") as handle:
            write_po(handle, catalog, width=76)


def update(locales_dir: Path) -> None:
    """Merge the template into every catalog; changed source text becomes fuzzy (stale)."""
    pybabel("update", "-D", DOMAIN, "-i", str(locales_dir / TEMPLATE), "-d", str(locales_dir),
            "--previous")  # fmt: skip
    for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        _content_is_not_python_format(path)


def compile_catalogs(locales_dir: Path) -> list[Path]:
    """Write ``.mo`` files for other gettext tools (the build reads the ``.po`` files itself).

    Babel's writer, not ``pybabel compile``: Babel marks "5–10% of patients" as python-format
    again on every read, and its compile check would then reject the faithful "5–10% de"
    (read_catalog knows leaflet text is never %-formatted). Fuzzy entries are left out, as
    pybabel does.
    """
    written = []
    for path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = read_catalog(path, path.parent.parent.name)  # checked, placeholders too
        target = path.with_suffix(".mo")
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(target)
    return written


@dataclass(frozen=True)
class CatalogStatus:
    language: str
    native_name: str
    english_name: str
    total: int
    translated: int
    fuzzy: int
    review: Review | None
    revised: date | None

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def state(self) -> str:
        return review_state(self.missing, self.fuzzy, self.review, self.revised)


def review_state(missing: int, fuzzy: int, review: Review | None, revised: date | None) -> str:
    """In words: can this translation be handed to a patient without a draft notice?"""
    if missing or fuzzy:
        return f"incomplete: {missing} missing, {fuzzy} fuzzy"
    if review is None:
        return "draft (not reviewed)"
    if revised and revised > review.on:
        return f"draft (changed since the review of {review.on})"
    return f"reviewed by {review.by} on {review.on}"


@dataclass(frozen=True)
class BrokenCatalog:
    """A catalog the build refuses, with every problem read_catalog found."""

    language: str
    path: Path
    problems: tuple[Problem, ...]


def status(locales_dir: Path) -> list[CatalogStatus | BrokenCatalog]:
    """Every catalog's state; a broken catalog is listed with its problems, not skipped."""
    rows: list[CatalogStatus | BrokenCatalog] = []
    for path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = path.parent.parent.name
        try:
            catalog = read_catalog(path, code)
        except SourceError as error:
            rows.append(BrokenCatalog(code.replace("_", "-"), path, tuple(error.problems)))
            continue
        messages = [m for m in catalog if m.id]
        translated = sum(1 for m in messages if not m.fuzzy and is_complete(m))
        locale = Locale.parse(code)
        rows.append(
            CatalogStatus(
                language=code.replace("_", "-"),
                native_name=locale.get_display_name(locale) or code,
                english_name=locale.get_display_name("en") or code,
                total=len(messages),
                translated=translated,
                fuzzy=sum(1 for m in messages if m.fuzzy),
                review=review_of(catalog),
                revised=catalog.revision_date.date()
                if hasattr(catalog.revision_date, "date")
                else None,
            )
        )
    return rows


@dataclass(frozen=True)
class LeafletLanguage:
    """One leaflet in one language, for `leaflet list`."""

    leaflet_id: str
    version: str
    reviewed: date
    review_overdue: bool
    language: str
    state: str  # "source", "no catalog", "3 missing, 1 fuzzy", "draft (not reviewed)", "reviewed …"


def leaflet_languages(
    leaflet: Leaflet, locales_dir: Path, today: date, max_age_days: int
) -> list[LeafletLanguage]:
    """The leaflet in its own language and in every language with a catalog."""
    overdue = (today - leaflet.reviewed.date).days > max_age_days
    rows = [
        LeafletLanguage(
            leaflet.id, leaflet.version, leaflet.reviewed.date, overdue, leaflet.language, "source"
        )
    ]
    for path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = path.parent.parent.name
        catalog = read_catalog(path, code)
        missing = fuzzy = 0
        for message in messages(leaflet):
            entry = catalog.get(message.msgid, context=message.context)
            if entry is None or not is_complete(entry):
                missing += 1
            elif entry.fuzzy:
                fuzzy += 1
        state = review_state(missing, fuzzy, review_of(catalog), revision_date_of(catalog))
        rows.append(
            LeafletLanguage(
                leaflet.id,
                leaflet.version,
                leaflet.reviewed.date,
                overdue,
                code.replace("_", "-"),
                state,
            )
        )
    return rows
