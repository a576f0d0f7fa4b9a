"""The engine's one entry: load → localize → render HTML → render PDF → check → write."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from leafletgen.assets import LOCALES_DIR
from leafletgen.errors import LeafletError, RenderError, TranslationError
from leafletgen.html import Paper, render_html
from leafletgen.i18n import Localization, localize, translate_leaflet
from leafletgen.model import Leaflet
from leafletgen.output import output_path, write_atomic
from leafletgen.source import find_source, load_leaflet
from leafletgen.variants import VARIANTS, Variant, edition

logger = logging.getLogger(__name__)

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")


@dataclass(frozen=True)
class BuildRequest:
    leaflets: tuple[str, ...]  # source paths or ids of leaflets in leaflets_dir
    leaflets_dir: Path = Path("leaflets")
    locales_dir: Path = LOCALES_DIR
    out_dir: Path = Path("output")
    paper: Paper = "a4"
    variants: tuple[str, ...] = ("standard",)  # names from leafletgen.variants.VARIANTS
    languages: tuple[str, ...] = ()  # empty: each leaflet's own language
    allow_incomplete: bool = False  # print untranslated passages in the source language
    formats: tuple[Format, ...] = ("pdf",)


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    format: Format
    seconds: float
    pages: int | None = None  # PDF only
    verdict: str | None = None  # PDF only: the validator's verdict


@dataclass(frozen=True)
class Failure:
    leaflet: str
    message: str


@dataclass
class BuildReport:
    built: list[BuiltFile] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)


def build(request: BuildRequest) -> BuildReport:
    """Build every requested leaflet, language and variant; one failure never stops the others."""
    report = BuildReport()
    for reference in request.leaflets:
        try:
            source = load_leaflet(find_source(reference, request.leaflets_dir))
        except LeafletError as error:
            report.failed.append(Failure(reference, error.format_message()))
            continue
        for language in request.languages or (source.language,):
            for name in request.variants:
                try:
                    # A fresh localization per output: its record of gaps belongs to it.
                    l10n = localize(language, request.locales_dir, source_language=source.language)
                    leaflet = translate_leaflet(source, l10n)
                    report.built.extend(_build_variant(leaflet, l10n, VARIANTS[name], request))
                except LeafletError as error:
                    logger.debug(
                        "Leaflet '%s' (%s, %s) failed", source.id, language, name, exc_info=True
                    )
                    report.failed.append(
                        Failure(f"{reference} ({language}, {name})", error.format_message())
                    )
    return report


def _build_variant(
    leaflet: Leaflet, l10n: Localization, variant: Variant, request: BuildRequest
) -> list[BuiltFile]:
    text = edition(leaflet, variant)
    rendered: list[tuple[BuiltFile, bytes]] = []
    for fmt in request.formats:
        started = time.perf_counter()
        path = output_path(
            request.out_dir, leaflet.id, l10n.language, variant.name, request.paper, fmt
        )
        html = render_html(text, l10n, paper=request.paper, standalone=fmt == "html")
        if l10n.gaps and not request.allow_incomplete:
            raise TranslationError(l10n.gaps)
        if fmt == "html":
            data, pages, verdict = html.html.encode("utf-8"), None, None
        else:
            from leafletgen.check import check_pdfua
            from leafletgen.pdf import render_pdf  # WeasyPrint is slow to import: only when needed

            pdf = render_pdf(html.html, name=path.name)
            result = check_pdfua(pdf.data)
            if not result.compliant:
                raise RenderError(
                    f"{path.name}: fails {result.profile}: " + "; ".join(result.failures)
                )
            data, pages, verdict = pdf.data, pdf.pages, str(result)
        rendered.append((BuiltFile(path, fmt, time.perf_counter() - started, pages, verdict), data))
    # Written only once every format rendered: a failed variant leaves nothing half-done.
    for built, data in rendered:
        write_atomic(built.path, data)
    return [built for built, _ in rendered]
