"""Where catalogs are, and what a catalog says about itself: which entries are complete,
which are leaflet text, who reviewed it and when it was last revised.

One catalog per leaflet and language, as Sphinx keeps one per document, so that a
translator's unit of work is one leaflet and one broken entry refuses only its own leaflet::

    locales/<id>.pot                          the leaflet's text, extracted from its source
    locales/<lang>/LC_MESSAGES/<id>.po        its translation into <lang>
    locales/leafletgen.pot                    the templates' chrome ("Key takeaways", …)
    locales/<lang>/LC_MESSAGES/leafletgen.po  a project's own chrome translation (optional)

The chrome's shipped translations are the package's own (``leafletgen/locales/``): defaults
below the project's, never written by a project's commands.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage

SOURCE_LANGUAGE = "en"  # the language of the template msgids
CHROME = "leafletgen"  # the chrome's domain: never a leaflet id (the model refuses it)
PACKAGE_LOCALES = Path(__file__).resolve().parent.parent / "locales"  # the chrome's defaults


# The review record in the catalog's header comment, written by `leaflet i18n review`
# (docs/translating.md). Babel and pybabel rewrap header comments at 76 columns, so it is
# read from the comment as one text, wherever its lines were broken:
#   # Reviewed-By: A. Translator <a@example.org>; 2026-12-01; source sha256:…; translation sha256:…
_REVIEWED = re.compile(
    r"Reviewed-By:\s*(?P<who>[^;]+?)\s*;\s*(?P<date>\d{4}-\d{2}-\d{2})(?![\d-])"
    r"(?:\s*;\s*source\s+sha256:(?P<source>[0-9a-f]{64})"
    r"\s*;\s*translation\s+sha256:(?P<translation>[0-9a-f]{64}))?"
)


@dataclass(frozen=True)
class Review:
    """Who reviewed a catalog, when, and the fingerprints of the source text and of the
    translations they read (None: a line that does not say what was reviewed)."""

    by: str
    on: date
    source: str | None = None
    translation: str | None = None

    def covers(self, catalog: Catalog) -> bool:
        """The catalog holds exactly the text that was reviewed, whatever its flags say."""
        return (self.source, self.translation) == fingerprints(catalog)

    def line(self) -> str:
        return (
            f"# Reviewed-By: {self.by}; {self.on.isoformat()}; source sha256:{self.source}; "
            f"translation sha256:{self.translation}"
        )


def fingerprints(catalog: Catalog) -> tuple[str, str]:
    """SHA-256 of the catalog's source texts (context and msgid of every entry) and of their
    translations, in a fixed order: any change to either, and only that, changes them."""
    source, translation = hashlib.sha256(), hashlib.sha256()
    entries = sorted((m for m in catalog if m.id), key=lambda m: (m.context or "", _strings(m.id)))
    for message in entries:
        source.update(json.dumps([message.context, _strings(message.id)]).encode() + b"\n")
        translation.update(json.dumps(_strings(message.string)).encode() + b"\n")
    return source.hexdigest(), translation.hexdigest()


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, tuple | list) else [str(value or "")]


def catalog_path(locales_dir: Path, language: str, domain: str) -> Path:
    """``<locales>/<lang>/LC_MESSAGES/<domain>.po``: ``domain`` is a leaflet id, or CHROME."""
    return locales_dir / language.replace("-", "_") / "LC_MESSAGES" / f"{domain}.po"


def template_path(locales_dir: Path, domain: str) -> Path:
    """``<locales>/<domain>.pot``: the messages a catalog of ``domain`` translates."""
    return locales_dir / f"{domain}.pot"


def chrome_catalogs(locales_dir: Path, language: str) -> list[Path]:
    """The chrome catalogs of ``language``, the project's over the package's, that exist."""
    candidates = (
        catalog_path(locales_dir, language, CHROME),
        catalog_path(PACKAGE_LOCALES, language, CHROME),
    )
    return [path for path in dict.fromkeys(candidates) if path.is_file()]


def is_complete(message: PoMessage) -> bool:
    """Every form of the entry has text (a plural entry has one string per form)."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def is_leaflet_text(context: str | None) -> bool:
    """Leaflet text has the context "<leaflet id>|<field>"; template chrome has none."""
    return bool(context and "|" in context)


def revision_date_of(catalog: Catalog) -> date | None:
    """PO-Revision-Date: when a translator last saved the catalog."""
    return catalog.revision_date.date() if isinstance(catalog.revision_date, datetime) else None


def review_of(catalog: Catalog) -> Review | None:
    """The catalog's review record (lint.read_catalog has refused one it cannot trust)."""
    comment = " ".join(line.lstrip("#").strip() for line in catalog.header_comment.splitlines())
    if match := _REVIEWED.search(comment):
        return Review(
            match["who"], date.fromisoformat(match["date"]), match["source"], match["translation"]
        )
    return None


def catalog_languages(locales_dir: Path, domain: str) -> list[str]:
    """The languages with a catalog of ``domain`` in ``locales_dir``, as language tags
    (pt-BR), sorted."""
    return sorted(_language_tag(path) for path in locales_dir.glob(f"*/LC_MESSAGES/{domain}.po"))


def catalog_domains(locales_dir: Path) -> dict[str, list[str]]:
    """Every domain with catalogs in ``locales_dir`` and its languages, as
    ``catalog_languages`` gives them: the folder listed once, for a batch of many leaflets."""
    domains: dict[str, list[str]] = {}
    for path in locales_dir.glob("*/LC_MESSAGES/*.po"):
        domains.setdefault(path.stem, []).append(_language_tag(path))
    return {domain: sorted(languages) for domain, languages in domains.items()}


def _language_tag(catalog: Path) -> str:
    return catalog.parent.parent.name.replace("_", "-")


def catalogs_of(locales_dir: Path, domain: str) -> list[tuple[str, Path]]:
    """(language folder, path) of every catalog of ``domain`` in ``locales_dir``, sorted."""
    return [
        (path.parent.parent.name, path)
        for path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
    ]
