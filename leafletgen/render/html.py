"""The HTML twin: the same leaflet as one self-contained page, its stylesheets and fonts
inside, for screens, screen readers and a browser's print."""

from __future__ import annotations

from html.parser import HTMLParser

from leafletgen.render.format import Check, Document, Format, Output

# The formats the twin links when they are built beside it, in this order: the audio first,
# for a patient who reached the page by the printed QR code and cannot read print.
LINKS = ("audio", "brf", "epub", "pdf")


def render(document: Document) -> Output:
    return Output(document.fill(standalone=True).html.encode("utf-8"))


class _Head(HTMLParser):
    """The page's language and title, as a browser and a screen reader take them."""

    def __init__(self) -> None:
        super().__init__()
        self.language: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and self.language is None:
            self.language = dict(attrs).get("lang") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check(data: bytes, document: Document) -> Check:
    """The page says which language it is in and what it is called."""
    head = _Head()
    head.feed(data.decode("utf-8"))
    failures = []
    if head.language != document.localization.language:
        failures.append(f"lang: {head.language!r}, expected {document.localization.language!r}")
    if head.title.strip() != document.edition.document_title:
        failures.append(f"title: {head.title.strip()!r}")
    return Check("HTML", not failures, tuple(failures))


FORMAT = Format("html", ".html", "text/html; charset=utf-8", render, check, kind="HTML")
