"""Render leaflet HTML to a tagged PDF/UA-1 file with WeasyPrint, reading only our assets."""

from __future__ import annotations

import ctypes.util
import io
import logging
import mimetypes
import multiprocessing.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from leafletgen.errors import LeafletError, RenderError
from leafletgen.project import FONTS, PACKAGE_TEMPLATES, Assets
from leafletgen.render.format import Document
from leafletgen.render.pdf import tagging, text_layer
from leafletgen.render.pdf.memo import FileMemo
from leafletgen.render.templates import RenderedHtml

# Fontconfig reads this when WeasyPrint loads: the bundled fonts become the only fonts, so no
# machine's own fonts can change a leaflet (or stand in silently for a missing glyph).
os.environ["FONTCONFIG_FILE"] = str(PACKAGE_TEMPLATES / FONTS / "fonts.conf")

import pikepdf


@contextmanager
def _sonames_only() -> Iterator[None]:
    """Skip ctypes' library search while WeasyPrint loads its C libraries.

    WeasyPrint tries each library under the names of every platform, and on Linux each name
    that does not load makes ctypes.util.find_library start ldconfig, gcc and ld: 0.3 s of a
    cold start. Its lists include each library's Linux soname, which dlopen finds by itself.
    """
    if not sys.platform.startswith("linux"):
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


with _sonames_only():  # and after the fontconfig setting above
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

text_layer.install()

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    parts: tuple[tuple[str, ...], ...] = ()  # per page, the parts (data-part) it holds
    files: tuple[Path, ...] = ()  # what the renderer read: the stylesheets, fonts and images
    last_fill: float = 1.0  # how much of the last page's height the text takes (0–1)


def _parts_by_page(document: object) -> tuple[tuple[str, ...], ...]:
    """Which parts of the leaflet (elements with a ``data-part``) each page holds, in order:
    what a page limit names when a variant does not fit."""
    pages = []
    for page in document.pages:  # type: ignore[attr-defined]
        found: list[str] = []
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            part = element.get("data-part") if element is not None else None
            if part and part not in found:
                found.append(part)
        pages.append(tuple(found))
    return tuple(pages)


def _fill(page: object) -> float:
    """The share of a page's content height its text takes, from the top."""
    box = page._page_box  # type: ignore[attr-defined]
    if not box.children or box.height <= 0:
        return 0.0
    html = box.children[0]
    used = html.position_y + html.margin_height() - box.content_box_y()
    return max(0.0, min(1.0, used / box.height))


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """A URL fetcher that serves the project's assets and refuses everything else.

    Relative URLs resolve against the first folder of the assets' search path; each name is
    then looked up along the whole path. Fetch failures are fatal: a leaflet that could not
    load its own stylesheet or font is wrong, and a request for any other file or URL means
    something tried to escape.
    """

    def __init__(
        self,
        assets: Assets,
        files: tuple[Path, ...] = (),
        embedded: dict[str, tuple[bytes, str]] | None = None,
    ) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.assets = assets
        self.files = {f.resolve() for f in files}  # single files allowed besides the assets
        self.embedded = embedded or {}  # data: URLs the renderer made itself (the QR code)
        self.read: list[Path] = []  # every file served, in order

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url in self.embedded:
            data, content_type = self.embedded[url]
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc not in ("", "localhost"):
            raise PermissionError(f"not one of the project's assets: {url}")
        if path not in self.files:
            name = self.assets.relative_name(path)
            if name is None:
                raise PermissionError(f"not one of the project's assets: {url}")
            try:
                path = self.assets.find(name)
            except LeafletError:
                raise FileNotFoundError(f"missing asset: {path}") from None
        if not path.is_file():
            raise FileNotFoundError(f"missing asset: {path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.read.append(path)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class _Stylesheets:
    """Stylesheets parsed, their fonts loaded: what every render of the same layers shares."""

    css: tuple[CSS, ...]
    font_config: FontConfiguration
    files: tuple[Path, ...]  # the stylesheets and every file they load


# Parsing the layers and loading their fonts is a tenth of a short render (a counter print's
# front): done once per set of layers and kept while none of their files changes.
_parsed: FileMemo[_Stylesheets] = FileMemo(32)
# A FontConfiguration removes its folder of font files when it is collected. The kept ones are
# let go before the interpreter takes its modules apart (at exit, Ctrl-C included, and at the
# end of a worker process), or their folders would be left in the temporary folder.
multiprocessing.util.Finalize(None, _parsed.clear, exitpriority=100)


def _stylesheets(
    assets: Assets, names: tuple[str, ...], base_url: str, collector: _Collector
) -> _Stylesheets:
    key = (tuple(str(folder) for folder in assets.dirs), names)
    kept = _parsed.get(key)
    if kept is not None:
        return kept
    fetcher = AssetFetcher(assets)  # a stylesheet may load the assets, nothing else
    font_config = FontConfiguration()
    reported = len(collector.messages)
    css = tuple(
        CSS(url=base_url + name, url_fetcher=fetcher, font_config=font_config) for name in names
    )
    files = tuple(dict.fromkeys(fetcher.read))
    parsed = _Stylesheets(css, font_config, files)
    if len(collector.messages) > reported:  # fails this render: never kept to pass the next
        return parsed
    return _parsed.keep(key, parsed, files)


def render_pdf(
    html: str,
    *,
    name: str,
    assets: Assets,
    stylesheets: tuple[str, ...] = (),
    extra_files: tuple[Path, ...] = (),
    embedded: dict[str, tuple[bytes, str]] | None = None,
) -> RenderedPdf:
    """Lay out ``html`` and return the PDF; any renderer warning fails the render.

    ``stylesheets``: the assets' stylesheets that style ``html``, in cascade order, before its
    own ``<style>`` (which wins over all of them: WeasyPrint applies them as the user's)."""
    collector = _Collector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    fetcher = AssetFetcher(assets, extra_files, embedded)
    base_url = assets.dirs[0].resolve().as_uri() + "/"
    try:
        sheets = _stylesheets(assets, stylesheets, base_url, collector)
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=list(sheets.css), font_config=sheets.font_config, pdf_variant=PDF_VARIANT
        )
        # No identifier here: pydyf would serialize every object twice to hash it. The file
        # ID is written by pikepdf below, from the content, so it is reproducible.
        data = document.write_pdf(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as error:
        raise RenderError(f"{name}: renderer refused: {error.__cause__ or error}") from None
    finally:
        weasy_logger.removeHandler(collector)
    if collector.messages:
        raise RenderError(f"{name}: renderer reported: " + "; ".join(collector.messages))
    return RenderedPdf(
        data=_finish(data, tagging.read_layout(document), name),
        pages=len(document.pages),
        parts=_parts_by_page(document),
        files=tuple(dict.fromkeys(sheets.files + tuple(fetcher.read))),
        last_fill=_fill(document.pages[-1]),
    )


def render_document(document: Document, html: RenderedHtml) -> RenderedPdf:
    """``render_pdf`` of ``document``'s filled page, with the files and data it may load."""
    return render_pdf(
        html.html,
        name=document.name,
        stylesheets=html.stylesheets,
        assets=document.assets,
        extra_files=document.extra_files,
        embedded=document.embedded,
    )


def _finish(data: bytes, layout: tagging.Layout, name: str) -> bytes:
    """Repair what WeasyPrint leaves wrong in the file, in one pass over it."""
    pdf = pikepdf.open(io.BytesIO(data))
    text_layer.repair_to_unicode(pdf)
    try:
        tagging.repair(pdf, layout)
    except RenderError as error:
        raise RenderError(f"{name}: {error}") from None
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # the file ID comes from the content: reproducible
    return out.getvalue()
