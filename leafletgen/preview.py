"""Page previews for reviewers: every page of a built PDF as a PNG, plus one contact sheet.

A reviewer checking a leaflet's layout wants to glance at all its pages at once without a PDF
viewer; a contact sheet (the pages in a grid, numbered) does that in one image. Pages are
rasterized in this process by PDFium (pypdfium2), not by a tool in a child process: Ctrl-C or
SIGTERM stops one process, which leaves no child behind that goes on writing PNGs. The sheet
is laid out with Pillow (already installed for WeasyPrint).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFont

from leafletgen.errors import RenderError
from leafletgen.files import check_output_folder, write_atomic

POINTS_PER_INCH = 72  # the PDF canvas unit

# Contact sheet layout, in pixels.
GAP = 16  # between cells and around the sheet's edge
BORDER = 1  # the thin frame that shows where a (white) page ends on the white sheet
BORDER_COLOUR = (160, 160, 160)
LABEL_GAP = 4  # between a page's frame and its number
BACKGROUND = (255, 255, 255)
LABEL_COLOUR = (0, 0, 0)


@dataclass(frozen=True)
class Preview:
    pages: list[Path]  # one PNG per page, in page order
    contact_sheet: Path  # all pages in a grid, with page numbers under each


def page_name(pdf: Path, number: int) -> str:
    """``<pdf stem>-page-<NN>.png``: zero-padded so a folder listing sorts in page order."""
    return f"{pdf.stem}-page-{number:02d}.png"


def contact_sheet_name(pdf: Path) -> str:
    return f"{pdf.stem}-contact-sheet.png"


def write_previews(pdf: Path, out_dir: Path, *, dpi: int = 50, columns: int = 4) -> Preview:
    """Render every page of ``pdf`` to PNG in ``out_dir`` and build a numbered contact sheet.

    Raises RenderError (a clean one-line message naming the PDF) when the file cannot be read
    or rendered, OutputError when ``out_dir`` cannot be written. Same PDF, same options →
    byte-identical PNGs.
    """
    try:
        data = pdf.read_bytes()
    except OSError as error:
        raise RenderError(
            f"{pdf.name}: cannot render previews: cannot read {pdf}: {error.strerror}"
        ) from None
    return write_previews_of(data, pdf.name, out_dir, dpi=dpi, columns=columns)


def write_previews_of(
    data: bytes, name: str, out_dir: Path, *, dpi: int = 50, columns: int = 4
) -> Preview:
    """Previews of a PDF held in memory, named after ``name`` as a built file would be."""
    if dpi < 1:
        raise ValueError(f"dpi must be at least 1, not {dpi}")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, not {columns}")
    check_output_folder(out_dir)
    pdf = Path(name)
    # Every image is made in memory before anything is written: a PDF that fails to render
    # leaves the folder (and the old previews) as they were.
    pages = _render_pages(data, pdf.name, dpi)
    staged = [(out_dir / page_name(pdf, n), _png(image)) for n, image in enumerate(pages, 1)]
    staged.append((out_dir / contact_sheet_name(pdf), _png(_contact_sheet(pages, columns))))
    # Each file is replaced atomically (a reviewer never opens a half-written PNG), and a
    # signal meanwhile leaves only whole files: write_atomic removes its temporary file.
    for path, png in staged:
        write_atomic(path, png)
    _remove_stale_pages(pdf, out_dir, len(pages))
    return Preview(pages=[path for path, _ in staged[:-1]], contact_sheet=staged[-1][0])


def png_pages(data: bytes, name: str, *, dpi: int, first: int | None = None) -> list[bytes]:
    """The first ``first`` pages (all by default) of a PDF held in memory, as PNG bytes."""
    return [_png(image) for image in _render_pages(data, name, dpi, first)]


def _render_pages(data: bytes, name: str, dpi: int, first: int | None = None) -> list[Image.Image]:
    """Every page of the PDF (or its first ``first``) as an RGB image at ``dpi``, in order."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise RenderError(f"{name}: cannot render previews: {error}") from None
    try:
        if len(document) == 0:
            raise RenderError(f"{name}: cannot render previews: the PDF has no pages")
        images = []
        for index in range(len(document) if first is None else min(first, len(document))):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH)
                images.append(bitmap.to_pil().convert("RGB"))  # a copy: the bitmap can go
            except pypdfium2.PdfiumError as error:
                raise RenderError(
                    f"{name}: cannot render previews: page {index + 1}: {error}"
                ) from None
            finally:
                page.close()
        return images
    finally:
        document.close()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No pnginfo and no dpi: nothing that varies between runs goes into the file.
    image.save(out, format="PNG")
    return out.getvalue()


def _contact_sheet(images: list[Image.Image], columns: int) -> Image.Image:
    """Lay the pages out in a grid on white, each framed in grey with its number beneath."""
    font = ImageFont.load_default()
    # Every cell is as big as the largest page, so rows and columns line up even if a PDF
    # mixes page sizes; smaller pages sit centred in their cell.
    page_width = max(image.width for image in images) + 2 * BORDER
    page_height = max(image.height for image in images) + 2 * BORDER
    label_height = _text_size(font, str(len(images)))[1]
    cell_height = page_height + LABEL_GAP + label_height
    used_columns = min(columns, len(images))
    rows = -(-len(images) // used_columns)  # ceiling division
    sheet = Image.new(
        "RGB",
        (
            GAP + used_columns * (page_width + GAP),
            GAP + rows * (cell_height + GAP),
        ),
        BACKGROUND,
    )
    draw = ImageDraw.Draw(sheet)
    for index, image in enumerate(images):
        row, column = divmod(index, used_columns)
        cell_x = GAP + column * (page_width + GAP)
        cell_y = GAP + row * (cell_height + GAP)
        # Integer centring keeps the layout (and so the bytes) identical on every run.
        x = cell_x + (page_width - image.width - 2 * BORDER) // 2
        y = cell_y + (page_height - image.height - 2 * BORDER) // 2
        draw.rectangle(
            (x, y, x + image.width + 2 * BORDER - 1, y + image.height + 2 * BORDER - 1),
            outline=BORDER_COLOUR,
            width=BORDER,
        )
        sheet.paste(image, (x + BORDER, y + BORDER))
        label = str(index + 1)
        label_width = _text_size(font, label)[0]
        draw.text(
            (cell_x + (page_width - label_width) // 2, cell_y + page_height + LABEL_GAP),
            label,
            fill=LABEL_COLOUR,
            font=font,
        )
    return sheet


def _text_size(font: ImageFont.ImageFont | ImageFont.FreeTypeFont, text: str) -> tuple[int, int]:
    """Width and height of ``text``'s ink, measured from the drawing origin."""
    _, _, right, bottom = font.getbbox(text)
    return int(right), int(bottom)


def _remove_stale_pages(pdf: Path, out_dir: Path, count: int) -> None:
    """Delete previews of pages past ``count`` left by an earlier, longer version of the PDF.

    Otherwise a reviewer would see the old page 5 beside a new 4-page leaflet. Only files
    named exactly as this module names pages of this PDF are touched.
    """
    pattern = re.compile(re.escape(pdf.stem) + r"-page-(\d+)\.png")
    for path in out_dir.iterdir():
        match = pattern.fullmatch(path.name)
        if match and int(match.group(1)) > count:
            path.unlink(missing_ok=True)
