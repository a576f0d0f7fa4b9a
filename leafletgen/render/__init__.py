"""The output formats, registered: adding one is a module that defines ``FORMAT`` and one
line below. Nothing else in leafletgen lists the formats."""

from __future__ import annotations

from leafletgen.render import audio, braille, epi, epub, html, pdf
from leafletgen.render.format import Check, Document, Format, Output

FORMATS: dict[str, Format] = {
    format.name: format
    for format in (
        pdf.FORMAT,  # first: `--format all` builds the printable leaflet first
        html.FORMAT,
        epi.FORMAT,  # FHIR R5 ePI document Bundle (leafletgen/render/epi.py)
        braille.FORMAT,
        epub.FORMAT,
        audio.FORMAT,
    )
}

__all__ = ["FORMATS", "Check", "Document", "Format", "Output"]
