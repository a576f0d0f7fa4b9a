"""`leaflet import`: bring a document that exists already (plain text, Markdown, Word, an
ePI Bundle) into a leaflet source, as a draft the author finishes.

One reader per input kind turns the file into a ``Document`` (``document.py``); the builder
shapes it into the leaflet's parts and records what it recognised and guessed
(``builder.py``); ``source.py`` writes the draft source and validates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leafletgen.content.model import Leaflet, is_slug
from leafletgen.errors import OutputError, Problem, SourceError
from leafletgen.files import read_bounded, write_atomic, write_new
from leafletgen.importing.builder import Report, shape
from leafletgen.importing.document import Document
from leafletgen.importing.source import draft_source

MAX_INPUT_BYTES = 20_000_000  # a Word file with pictures; a leaflet's text is ~30 kB
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, *MARKDOWN_SUFFIXES, ".docx", ".json", ".epi")


@dataclass(frozen=True)
class Imported:
    """One imported document: the source's bytes, the leaflet they validate to, the report."""

    data: bytes
    leaflet: Leaflet
    report: Report


def default_id(path: Path) -> str:
    """A leaflet id from a file name: lowercase words joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", path.stem.lower()))[:80].strip("-") or "imported"


def import_file(
    path: Path, leaflet_id: str, *, language: str = "en", known: dict[str, Any] | None = None
) -> Imported:
    """Read ``path`` (by its suffix) into a draft source named ``leaflet_id``; nothing is
    written. ``known`` gives fields the input cannot (``medicine``…), as source data."""
    if not is_slug(leaflet_id):
        raise SourceError([Problem(path, None, "", f"'{leaflet_id}' is not a leaflet id")])
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(
            [
                Problem(
                    path,
                    None,
                    "",
                    f"cannot import a '{suffix}' file (one of {', '.join(SUFFIXES)})",
                )
            ]
        )
    raw = read_bounded(path, MAX_INPUT_BYTES)
    given = dict(known or {})
    report = Report()
    if suffix in (".json", ".epi"):
        from leafletgen.importing.epi import read_bundle

        shaped, language, from_bundle = read_bundle(raw, path, report)
        given = {**from_bundle, **given}
    else:
        if suffix == ".docx":
            from leafletgen.importing.docx import read_docx

            document = read_docx(raw, path)
        else:
            document = _read_text_kind(raw, path, suffix)
        shaped = shape(document, report)
    data, leaflet = draft_source(
        shaped,
        leaflet_id=leaflet_id,
        language=language,
        imported_from=path.name,
        known=given,
        report=report,
    )
    return Imported(data, leaflet, report)


def _read_text_kind(raw: bytes, path: Path, suffix: str) -> Document:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            [Problem(path, None, "", f"not UTF-8 text (byte {error.start + 1}): save it as UTF-8")]
        ) from None
    if suffix in MARKDOWN_SUFFIXES:
        from leafletgen.importing.markdown import read_markdown

        return read_markdown(text)
    from leafletgen.importing.text import read_text

    return read_text(text)


def write_source(imported: Imported, out: Path, *, replace: bool = False) -> None:
    """Write the draft atomically; an existing file is replaced only when asked."""
    if replace:
        write_atomic(out, imported.data)
    elif not write_new(out, imported.data):
        raise OutputError(f"{out}: exists already (pass --force to replace it)")
