"""Where a project's catalogs are, and what a catalog says about itself: which entries are
complete, which are leaflet text, who reviewed it and when it was last revised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage

SOURCE_LANGUAGE = "en"  # the language of the template msgids


DOMAIN = "messages"


# "# Reviewed-By: A. Translator <a@example.org>; 2026-12-01" in the catalog's header comment.
_REVIEWED = re.compile(r"^#?\s*Reviewed-By:\s*(?P<who>.+?)\s*;\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Review:
    by: str
    on: date


def catalog_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


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
    for line in (catalog.header_comment or "").splitlines():
        if match := _REVIEWED.match(line.strip()):
            return Review(match["who"], date.fromisoformat(match["date"]))
    return None


def catalog_languages(locales_dir: Path) -> list[str]:
    """The languages with a catalog in ``locales_dir``, as language tags (pt-BR), sorted."""
    return sorted(
        path.parent.parent.name.replace("_", "-")
        for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )
