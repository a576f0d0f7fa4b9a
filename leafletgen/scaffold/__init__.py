"""`leaflet new ID`: start a leaflet source from the commented template beside this module.

The template (new-leaflet.yaml) is valid YAML whose placeholders are left empty, so the new
file is refused by the loader, one located problem per field, until an author fills it in.
"""

from __future__ import annotations

import json
import logging
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from leafletgen.content.loader import SOURCE_SUFFIXES
from leafletgen.content.model import LanguageTag, Slug
from leafletgen.errors import LeafletError
from leafletgen.files import write_new

logger = logging.getLogger(__name__)

TEMPLATE = "new-leaflet.yaml"
ID_MARKER = "__LEAFLET_ID__"
LANGUAGE_MARKER = "__LANGUAGE__"

_SLUG: TypeAdapter[str] = TypeAdapter(Slug)
_LANGUAGE: TypeAdapter[str] = TypeAdapter(LanguageTag)


def new_leaflet(leaflet_id: str, leaflets_dir: Path, language: str = "en") -> Path:
    """Write ``leaflets_dir/<id>.yaml`` from the template and return its path.

    Refuses an id that is not a valid slug (so it can never name a path outside
    ``leaflets_dir``), an unknown language tag, and an id that already has a source file.
    """
    try:
        _SLUG.validate_python(leaflet_id)
    except ValidationError:
        raise LeafletError(
            f"Leaflet id {leaflet_id!r}: use lowercase letters, digits and single hyphens, "
            "at most 80 characters (for example 'example-medicine')"
        ) from None
    try:
        _LANGUAGE.validate_python(language)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise LeafletError(f"Language: {message}") from None
    path = leaflets_dir / f"{leaflet_id}.yaml"
    for suffix in SOURCE_SUFFIXES:  # an existing .yml would be shadowed by a new .yaml
        existing = leaflets_dir / f"{leaflet_id}{suffix}"
        if existing.exists():
            raise LeafletError(f"{existing}: already exists; not overwritten")
    template = (files("leafletgen") / "scaffold" / TEMPLATE).read_text(encoding="utf-8")
    text = _fill(template, ID_MARKER, leaflet_id)
    text = _fill(text, LANGUAGE_MARKER, language)
    if not write_new(path, text.encode("utf-8")):  # made meanwhile: still never replaced
        raise LeafletError(f"{path}: already exists; not overwritten")
    logger.debug("Leaflet '%s': new source written to %s", leaflet_id, path)
    return path


def _fill(template: str, marker: str, value: str) -> str:
    if template.count(marker) != 1:
        raise AssertionError(f"{TEMPLATE}: expected the marker {marker} exactly once")
    return template.replace(marker, _scalar(value))


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as that text: ids like 2024 or no are quoted."""
    if yaml.safe_load(f"key: {value}") == {"key": value}:
        return value
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar
