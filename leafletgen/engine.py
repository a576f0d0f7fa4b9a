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
from urllib.parse import quote

from babel import Locale

from leafletgen.content.loader import find_source, load_leaflet
from leafletgen.content.model import Leaflet
from leafletgen.counter import PrintDetails
from leafletgen.edition import Edition, edition, named
from leafletgen.emergency import emergency_numbers
from leafletgen.errors import LeafletError, RenderError
from leafletgen.i18n.localization import Localization, localize, translate_leaflet
from leafletgen.plural import counted, verb
from leafletgen.project import Project
from leafletgen.render import FORMATS
from leafletgen.render.format import Check, Document, Format
from leafletgen.render.html import LINKS
from leafletgen.render.templates import Companion
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
    # Formats published beside this output (a batch's requested formats): the HTML twin links
    # those of them it knows (render.html.LINKS). Planned, never looked up on disk, so the
    # twin's bytes do not depend on which build ran first.
    companions: tuple[str, ...] = ()


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
    translation: str  # Localization.state: "original", "draft translation", …
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
    translated = translate_leaflet(source, l10n, chosen.text)
    text = edition(translated, chosen, project.country, l10n.language)
    # A title left in the source language is marked as such once its medicine is named too.
    plain = translated.plain
    for field in (translated.title, translated.subtitle, plain and plain.title,
                  plain and plain.subtitle):  # fmt: skip
        if field and field in l10n.untranslated:
            l10n.untranslated.add(named(field, translated, project.country, l10n.language))
    return Prepared(path, source, l10n, text)


def document_of(
    project: Project,
    prepared: Prepared,
    paper: Paper,
    fmt: Format,
    counter: PrintDetails | None = None,
    allow_incomplete: bool = False,
    companions: tuple[str, ...] = (),
) -> Document:
    """What a format renders (and its check reads) for a prepared leaflet, with the project's
    theme and format settings."""
    l10n, text = prepared.localization, prepared.edition
    leaflet_id = prepared.source.id
    base_url = project.config.publish.base_url
    # The published twin's address: the base URL and the output's name, nothing of a print.
    twin = output_name(leaflet_id, l10n.language, text.variant, paper, FORMATS["html"])
    return Document(
        text,
        l10n,
        project.assets,
        paper,
        output_name(leaflet_id, l10n.language, text.variant, paper, fmt),
        counter,
        allow_incomplete,
        extra_css=project.extra_css,
        braille=project.config.braille,
        audio=project.config.audio,
        piper_model=project.root / piper if (piper := project.config.audio.piper_model) else None,
        twin_url=f"{base_url}/{quote(leaflet_id)}/{quote(twin)}" if base_url else None,
        emergency=emergency_numbers(project.country, counter.pharmacy if counter else None),
        companions=tuple(
            Companion(
                name,
                quote(output_name(leaflet_id, l10n.language, text.variant, paper, FORMATS[name])),
                FORMATS[name].media_type,
                FORMATS[name].kind,
            )
            for name in LINKS
            if name in companions and name != fmt.name
        ),
    )


def render(project: Project, request: Request) -> Rendered:
    """Render one output in memory; a user's mistake raises a LeafletError naming it."""
    started = time.perf_counter()
    fmt = _registered(FORMATS, request.format, "format")
    paper = _registered(PAPERS, request.paper, "paper")
    prepared = prepare(project, request.leaflet, request.language, request.variant)
    l10n, text = prepared.localization, prepared.edition
    document = document_of(
        project,
        prepared,
        paper,
        fmt,
        request.counter,
        request.allow_incomplete,
        request.companions,
    )
    name = document.name
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
        translation=l10n.state,
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
            # in English, as every message of the command line is
            f"{counted(len(l10n.gaps), 'passage')} {verb(len(l10n.gaps), 'is', 'are')} printed in "
            f"{_english_name(l10n.source_language)}, "
            "not translated (marked on the page)"
        )
    if l10n.unchecked:
        warnings.append(
            f"{counted(len(l10n.unchecked), 'translation')} {verb(len(l10n.unchecked), 'negates', 'negate')} "
            "where the source does not, or the "
            "other way round, and no translator has checked them (`leaflet i18n check`)"
        )
    if l10n.stale_review is not None:
        warnings.append(
            f"the {l10n.language} translation changed after its review: a draft again "
            "(marked on every page)"
        )
    elif l10n.draft:
        warnings.append(f"the {l10n.language} translation is a draft (marked on every page)")
    return warnings


def _english_name(language: str) -> str:
    return Locale.parse(language, sep="-").get_display_name("en") or language


def _safety_warnings(document: Document) -> list[str]:
    warnings = []
    if not document.edition.get_help:
        warnings.append("no 'get_help' situations: \"Get help now\" holds the emergency line only")
    if not document.emergency.known:
        warnings.append(
            "no emergency number: set `[market] country` in leaflet.toml (or emergency_phone in the "
            'pharmacy profile); "your local emergency number" is printed'
        )
    return warnings


def _registered(registry: Mapping[str, T], name: str, kind: str) -> T:
    try:
        return registry[name]
    except KeyError:
        raise LeafletError(f"unknown {kind} {name!r} (one of {', '.join(registry)})") from None
