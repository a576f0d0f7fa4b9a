"""What a format is: a name, a file suffix, a media type, a render and its own check.

Each format is one module of ``leafletgen.render`` that defines ``FORMAT``; the registry in
``leafletgen/render/__init__.py`` lists them, and the command line, the batch, the manifest and
index.html read that registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from leafletgen.config import AudioSettings, BrailleSettings
from leafletgen.counter import PrintDetails
from leafletgen.edition import Edition
from leafletgen.emergency import EmergencyNumbers
from leafletgen.errors import TranslationError
from leafletgen.i18n.localization import Localization
from leafletgen.project import Assets
from leafletgen.render.qr import QrLink, qr_link
from leafletgen.render.templates import Companion, Half, RenderedHtml, render_html
from leafletgen.variants import Paper


@dataclass(frozen=True)
class Check:
    """A format's own verdict on what it rendered; a failed check fails the render."""

    name: str
    ok: bool
    failures: tuple[str, ...] = ()  # "RULE-ID: message", one per failed check
    detail: str = ""  # what was measured, for the report: "98.2% of the words read back"

    def __str__(self) -> str:
        verdict = f"{self.name} {'pass' if self.ok else 'FAIL'}"
        return f"{verdict} ({self.detail})" if self.detail else verdict


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
    braille: BrailleSettings = field(default_factory=BrailleSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    piper_model: Path | None = None  # [audio] piper_model, found in the project
    twin_url: str | None = None  # the published HTML twin ([publish] base_url): the PDF's QR code
    emergency: EmergencyNumbers = field(default_factory=EmergencyNumbers)  # "Get help now"
    companions: tuple[Companion, ...] = ()  # what the HTML twin links: formats built beside it

    @property
    def extra_files(self) -> tuple[Path, ...]:
        """Files the renderer may read besides the assets: the pharmacy's checked logo."""
        pharmacy = self.counter.pharmacy if self.counter else None
        return (pharmacy.logo_path,) if pharmacy and pharmacy.logo_path else ()

    @property
    def qr(self) -> QrLink | None:
        """The printed leaflet's QR code to its web page, when the project has a base URL."""
        return qr_link(self.twin_url) if self.twin_url else None

    @property
    def embedded(self) -> dict[str, tuple[bytes, str]]:
        """data: URLs the PDF renderer may load besides the assets (its QR code), by URL."""
        return {self.qr.src: (self.qr.svg, "image/svg+xml")} if self.qr else {}

    def fill(
        self,
        *,
        standalone: bool,
        qr: bool = False,
        half: Half | None = None,
        link_stylesheets: bool = False,
    ) -> RenderedHtml:
        """The leaflet template, filled; a translation gap fails here, before any layout.
        ``qr``: with the QR code to the web page (the printed leaflet only); ``half``: one
        half of a counter print (``render/pdf/halves.py``); ``link_stylesheets``: see
        ``render_html``."""
        html = render_html(
            self.edition,
            self.localization,
            self.assets,
            paper=self.paper,
            standalone=standalone,
            counter=self.counter,
            extra_css=self.extra_css,
            qr=self.qr if qr else None,
            emergency=self.emergency,
            companions=self.companions if standalone else (),
            half=half,
            link_stylesheets=link_stylesheets,
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
    kind: str = ""  # the file's kind, as people name it: "PDF", "Ogg Opus"
    # The programs and data the format runs for a language, with their versions ("liblouis
    # 3.24.0, tables 1f2e…"): an input of every output it makes, so an upgrade rebuilds them.
    tools: Callable[[str], str] | None = None
    imports: tuple[str, ...] = field(default=())  # modules a worker process loads up front
