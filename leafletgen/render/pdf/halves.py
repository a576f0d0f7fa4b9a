"""A personal counter print, laid out in two halves so that what is typed costs a page, not
the whole leaflet.

A print's own details (the patient's name, the note, the date, a schedule) are in a box on
page 1. Laid out with the whole leaflet, every print would pay for all its pages (about
0.6 s for 8 pages on these machines; issue 15 asks for 0.3 s at the counter). So a personal
print is two documents: the front (the masthead, the box, the summary, "Get help now" and the
key takeaways), laid out for each print, and the rest, from the first section to "About this
leaflet", which starts on a new page and so never depends on what was typed. The rest's
finished PDF is kept in this process's memory, by its HTML and the files it read, and
``join`` makes the two one tagged file: the same bytes whether the rest came from memory or
was laid out again.

The rest is filled from the print without its personal details (the pharmacy only), so
nothing personal is ever kept.
"""

from __future__ import annotations

import dataclasses
import hashlib

from leafletgen.errors import RenderError
from leafletgen.render.format import Document
from leafletgen.render.pdf.join import join
from leafletgen.render.pdf.memo import FileMemo
from leafletgen.render.pdf.weasy import RenderedPdf, render_document
from leafletgen.render.templates import Half

KEPT = 128  # finished rests in memory (≈ 50–100 KB each): a pharmacy's daily leaflets
# A front longer than page 1 must fill at least this much of its last page: the rest starts
# on a new page, and a page holding one takeaway above a blank would look like a misprint.
FRONT_FILL = 0.5


def in_halves(document: Document) -> bool:
    """Whether ``document`` is a personal counter print of a leaflet longer than its front
    (a one-page summary is laid out whole)."""
    counter = document.counter
    return counter is not None and counter.personal and not document.edition.variant.summary


def render_in_halves(document: Document) -> RenderedPdf | None:
    """The counter print ``document``, its front laid out now and the rest from memory; None
    when its front would leave its last page nearly empty (then lay out the whole)."""
    total = _totals.get(document.name) or 0  # the footers' "of N": a guess, checked below
    front = _render(document, Half(front=True, total_pages=total))
    if front.pages > 1 and front.last_fill < FRONT_FILL:
        return None
    for _ in range(3):
        rest = _rest(document, first_page=front.pages + 1)
        if rest.pages == total:
            break
        total = rest.pages  # its first pages stand in for the front's: it counts them all
        front = _render(document, Half(front=True, total_pages=total))
    else:
        raise RenderError(f"{document.name}: the print's first pages do not settle")
    _totals.keep(document.name, total, ())
    data = join(front.data, rest.data, skip=front.pages)
    return RenderedPdf(data, total, front.parts + rest.parts[front.pages :])


def _render(document: Document, half: Half) -> RenderedPdf:
    return render_document(document, document.fill(standalone=False, qr=not half.front, half=half))


def _rest(document: Document, first_page: int) -> RenderedPdf:
    assert document.counter is not None
    impersonal = dataclasses.replace(document, counter=document.counter.pharmacy_only())
    html = impersonal.fill(standalone=False, qr=True, half=Half(front=False, first_page=first_page))
    key = hashlib.sha256(html.html.encode()).hexdigest(), html.stylesheets
    kept = _rests.get(key)
    if kept is None:
        rendered = render_document(impersonal, html)
        kept = _rests.keep(key, rendered, rendered.files)
    return kept


_rests: FileMemo[RenderedPdf] = FileMemo(KEPT)  # by the rest's HTML
# Output name -> the pages of its last print (a guess); as many as the rests kept, and more:
# a guess is a few bytes and saves a front laid out twice.
_totals: FileMemo[int] = FileMemo(8 * KEPT)
