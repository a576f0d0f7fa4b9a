"""What a format is: a name, a file suffix, a media type, a render and its own check.

Each format is one module of ``leafletgen.render`` that defines ``FORMAT``; the registry in
``leafletgen/render/__init__.py`` lists them, and the command line, the batch, the manifest and
index.html read that registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from leafletgen.counter import PrintDetails
from leafletgen.edition import Edition
from leafletgen.emergency import EmergencyNumbers
from leafletgen.errors import TranslationError
from leafletgen.i18n.localization import Localization
from leafletgen.project import Assets
from leafletgen.render.templates import RenderedHtml, render_html
from leafletgen.variants import Paper


@dataclass(frozen=True)
class Check:
    """A format's own verdict on what it rendered; a failed check fails the render."""

    name: str
    ok: bool
    failures: tuple[str, ...] = ()  # "RULE-ID: message", one per failed check

    def __str__(self) -> str:
        return f"{self.name} {'pass' if self.ok else 'FAIL'}"


@dataclass(frozen=True)
class Document:
    """What every format renders: one edition of a leaflet, in one language, on one paper."""

    edition: Edition
    localization: Localization
    assets: Assets
    paper: Paper
    name: str  # the output's file name, for messages
    counter: PrintDetails | None = None
    allow_incomplete: bool = False  # print untranslated passages in the source language
    extra_css: tuple[str, ...] = ()  # the project's theme, after every other layer
    emergency: EmergencyNumbers = field(default_factory=EmergencyNumbers)  # "Get help now"

    @property
    def extra_files(self) -> tuple[Path, ...]:
        """Files the renderer may read besides the assets: the pharmacy's checked logo."""
        pharmacy = self.counter.pharmacy if self.counter else None
        return (pharmacy.logo_path,) if pharmacy and pharmacy.logo_path else ()

    def fill(self, *, standalone: bool) -> RenderedHtml:
        """The leaflet template, filled; a translation gap fails here, before any layout."""
        html = render_html(
            self.edition,
            self.localization,
            self.assets,
            paper=self.paper,
            standalone=standalone,
            counter=self.counter,
            extra_css=self.extra_css,
            emergency=self.emergency,
        )
        self.check_translated()
        return html

    def check_translated(self) -> None:
        if self.localization.gaps and not self.allow_incomplete:
            raise TranslationError(self.localization.gaps)


@dataclass(frozen=True)
class Output:
    data: bytes
    pages: int | None = None  # paged formats only


@dataclass(frozen=True)
class Format:
    name: str  # on the command line and in output file names
    suffix: str
    media_type: str
    render: Callable[[Document], Output]
    check: Callable[[bytes, Document], Check]
    imports: tuple[str, ...] = field(default=())  # modules a worker process loads up front
