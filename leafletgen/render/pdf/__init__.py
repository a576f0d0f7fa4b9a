"""The printable leaflet: tagged PDF/UA-1, laid out by WeasyPrint, its structure repaired
(``tagging``) and validated (``validate``) before it counts as rendered."""

from __future__ import annotations

from leafletgen.errors import RenderError
from leafletgen.render.format import Check, Document, Format, Output


def render(document: Document) -> Output:
    from leafletgen.render.pdf.halves import in_halves, render_in_halves
    from leafletgen.render.pdf.weasy import render_document  # WeasyPrint is slow to import

    # A personal counter print: only its front is laid out each time, where it can be.
    pdf = render_in_halves(document) if in_halves(document) else None
    if pdf is None:
        pdf = render_document(document, document.fill(standalone=False, qr=True))
    limit = document.edition.variant.max_pages
    if limit is not None and pdf.pages > limit:
        # Never made to fit by smaller type: the text must be shortened.
        last = pdf.parts[limit] if len(pdf.parts) > limit else ()
        part = f"'{last[0]}'" if last else "the text"
        raise RenderError(
            f"{document.name}: {pdf.pages} pages, the {document.edition.variant.name} variant "
            f"fits on {limit}: {part} runs onto page {limit + 1} (shorten it in the source)"
        )
    return Output(pdf.data, pdf.pages)


def check(data: bytes, document: Document) -> Check:
    from leafletgen.render.pdf.validate import check_pdfua

    return check_pdfua(data, name=document.name)


FORMAT = Format(
    "pdf",
    ".pdf",
    "application/pdf",
    render,
    check,
    kind="PDF",
    imports=(
        "leafletgen.render.pdf.weasy",
        "leafletgen.render.pdf.halves",
        "leafletgen.render.pdf.validate",
    ),
)
