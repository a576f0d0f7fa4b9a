"""The engine: one leaflet in one language, variant, paper and format, rendered in memory.

``render(project, Request(...)) -> Rendered`` reads the project's sources, catalogs and
templates and writes nothing. The batch publisher, ``leaflet check``, previews, counter
prints and the web app are front-ends over it::

    load → localize → edition → render (a format) → check (the format's own)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from leafletgen.content.loader import find_source, load_leaflet
from leafletgen.content.model import Leaflet
from leafletgen.counter import PrintDetails
from leafletgen.edition import Edition, edition
from leafletgen.emergency import emergency_numbers
from leafletgen.errors import LeafletError, RenderError
from leafletgen.i18n.localization import Localization, localize, translate_leaflet
from leafletgen.project import Project
from leafletgen.render import FORMATS
from leafletgen.render.format import Check, Document, Format
from leafletgen.variants import PAPERS, VARIANTS, Paper, Variant

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """What to render. ``counter`` makes it a personal print: rendered for one patient and
    never published."""

    leaflet: str  # the id of one of the project's leaflets, or a source file
    language: str | None = None  # None: the leaflet's own
    variant: str = "standard"
    paper: str = "a4"
    format: str = "pdf"
    counter: PrintDetails | None = None
    allow_incomplete: bool = False  # print untranslated passages in the source language


@dataclass(frozen=True)
class Prepared:
    """What a request prints, before any format renders it."""

    path: Path  # the source file
    source: Leaflet
    localization: Localization  # its record of translation gaps belongs to this one output
    edition: Edition


@dataclass(frozen=True, repr=False)
class Rendered:
    """One output in memory, with what it was made from and what its checks said."""

    data: bytes
    format: Format
    pages: int | None
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    title: str  # the edition's title in its language
    leaflet: Leaflet  # the source (not translated)
    language: str
    variant: Variant
    paper: Paper
    seconds: float

    @property
    def media_type(self) -> str:
        return self.format.media_type

    @property
    def name(self) -> str:
        """``<id>.<language>.<variant>.<paper><suffix>``, as publications are named."""
        return output_name(self.leaflet.id, self.language, self.variant, self.paper, self.format)

    def __repr__(self) -> str:  # never the bytes: a counter print holds a patient's name
        return f"Rendered({self.name}, {len(self.data)} bytes)"


def output_name(leaflet_id: str, language: str, variant: Variant, paper: Paper, fmt: Format) -> str:
    return f"{leaflet_id}.{language}.{variant.name}.{paper.name}{fmt.suffix}"


def prepare(project: Project, leaflet: str, language: str | None, variant: str) -> Prepared:
    """Load the source, localize it and pick the variant's text."""
    chosen = _registered(VARIANTS, variant, "variant")
    path = find_source(leaflet, project.leaflets_dir)
    source = load_leaflet(path)
    l10n = localize(language or source.language, project.locales_dir, source.language, source.id)
    return Prepared(path, source, l10n, edition(translate_leaflet(source, l10n), chosen))


def render(project: Project, request: Request) -> Rendered:
    """Render one output in memory; a user's mistake raises a LeafletError naming it."""
    started = time.perf_counter()
    fmt = _registered(FORMATS, request.format, "format")
    paper = _registered(PAPERS, request.paper, "paper")
    prepared = prepare(project, request.leaflet, request.language, request.variant)
    l10n, text = prepared.localization, prepared.edition
    name = output_name(prepared.source.id, l10n.language, text.variant, paper, fmt)
    document = Document(
        text,
        l10n,
        project.assets,
        paper,
        name,
        request.counter,
        request.allow_incomplete,
        extra_css=project.extra_css,
        emergency=emergency_numbers(
            project.config.country, request.counter.pharmacy if request.counter else None
        ),
    )
    output = fmt.render(document)
    document.check_translated()  # formats that fill no template
    check = fmt.check(output.data, document)
    if not check.ok:
        raise RenderError(f"{name}: fails {check.name}: " + "; ".join(check.failures))
    return Rendered(
        data=output.data,
        format=fmt,
        pages=output.pages,
        checks=(check,),
        warnings=tuple(_warnings(l10n) + _safety_warnings(document)),
        title=text.title,
        leaflet=prepared.source,
        language=l10n.language,
        variant=text.variant,
        paper=paper,
        seconds=time.perf_counter() - started,
    )


def _warnings(l10n: Localization) -> list[str]:
    warnings = []
    if l10n.gaps:
        warnings.append(
            f"{len(l10n.gaps)} passages are printed in {l10n.source_language_name}, "
            "not translated (marked on the page)"
        )
    if l10n.draft:
        warnings.append(f"the {l10n.language} translation is a draft (marked on every page)")
    return warnings


def _safety_warnings(document: Document) -> list[str]:
    warnings = []
    if not document.edition.get_help:
        warnings.append("no 'get_help' situations: \"Get help now\" holds the emergency line only")
    if not document.emergency.known:
        warnings.append(
            "no emergency number: set `country` in leaflet.toml (or emergency_phone in the "
            'pharmacy profile); "your local emergency number" is printed'
        )
    return warnings


def _registered(registry: Mapping[str, T], name: str, kind: str) -> T:
    try:
        return registry[name]
    except KeyError:
        raise LeafletError(f"unknown {kind} {name!r} (one of {', '.join(registry)})") from None
