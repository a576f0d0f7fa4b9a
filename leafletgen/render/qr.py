"""The QR code a printed leaflet carries to its web page: segno's vector drawing (SVG), as
an image the PDF renderer embeds and tags as a Figure with its alternative text."""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class QrLink:
    url: str  # what the code says, printed beside it
    svg: bytes

    @property
    def src(self) -> str:
        """The image's address in the page: a data: URL, which the PDF renderer's fetcher
        serves only because the document hands it this very image (``Document.embedded``)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@functools.cache
def qr_link(url: str) -> QrLink:
    import io

    import segno

    # Level M survives a smudge or a fold; a quiet zone of 4 modules, as the standard asks.
    code = segno.make_qr(url, error="m", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=4, omitsize=True, xmldecl=False)
    return QrLink(url, out.getvalue())
