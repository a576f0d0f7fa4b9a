"""Page previews for reviewers: every page of a built PDF as a PNG, plus one contact sheet.

A reviewer checking a leaflet's layout wants to glance at all its pages at once without a PDF
viewer; a contact sheet (the pages in a grid, numbered) does that in one image. Pages are
rasterized by poppler's ``pdftoppm`` (a Debian package the project already installs, see
scripts/install-system-deps.sh) and laid out with Pillow (already installed for WeasyPrint).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from leafletgen.errors import OutputError, RenderError
from leafletgen.files import check_output_folder

PDFTOPPM = "pdftoppm"
# A broken or hostile PDF must not hang a build forever; a leaflet renders in about a second.
PDFTOPPM_TIMEOUT = 300

# Contact sheet layout, in pixels.
GAP = 16  # between cells and around the sheet's edge
BORDER = 1  # the thin frame that shows where a (white) page ends on the white sheet
BORDER_COLOUR = (160, 160, 160)
LABEL_GAP = 4  # between a page's frame and its number
BACKGROUND = (255, 255, 255)
LABEL_COLOUR = (0, 0, 0)

# What pdftoppm names its output when given the prefix "page": "page-1.png" or "page-01.png"
# (it pads to the number of digits in the page count, so the width is not fixed).
_RENDERED = re.compile(r"page-(\d+)\.png")


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

    Raises RenderError (a clean one-line message naming the PDF) when pdftoppm is missing or
    cannot render the file, OutputError when ``out_dir`` cannot be written. Same PDF, same
    options → byte-identical PNGs.
    """
    if dpi < 1:
        raise ValueError(f"dpi must be at least 1, not {dpi}")
    if columns < 1:
        raise ValueError(f"columns must be at least 1, not {columns}")
    # Checked before anything is written: a missing tool must leave out_dir untouched.
    tool = shutil.which(PDFTOPPM)
    if tool is None:
        raise RenderError(
            f"{pdf.name}: cannot render previews: {PDFTOPPM} not found "
            "(install Debian's poppler-utils: scripts/install-system-deps.sh)"
        )
    if not pdf.is_file():
        raise RenderError(f"{pdf.name}: cannot render previews: no such file: {pdf}")
    check_output_folder(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Inside out_dir so os.replace is a rename on one filesystem, hence atomic: a reviewer
        # never opens a half-written PNG, and a failed render leaves the old previews whole.
        temp_dir = Path(tempfile.mkdtemp(prefix=f".{pdf.stem}-preview.", dir=out_dir))
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot write previews: {error.strerror}") from None
    try:
        rendered = _render_pages(tool, pdf, temp_dir, dpi)
        staged: list[tuple[Path, Path]] = []  # (temporary file, final path)
        for number, image in enumerate(rendered, start=1):
            staged.append((image, out_dir / page_name(pdf, number)))
        sheet = temp_dir / "contact-sheet.png"
        staged.append((sheet, out_dir / contact_sheet_name(pdf)))
        try:
            _write_contact_sheet(rendered, sheet, columns)
            for temp, final in staged:
                os.replace(temp, final)
        except OSError as error:
            raise OutputError(f"{out_dir}: cannot write previews: {error.strerror}") from None
        _remove_stale_pages(pdf, out_dir, len(rendered))
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    return Preview(pages=[final for _, final in staged[:-1]], contact_sheet=staged[-1][1])


def _render_pages(tool: str, pdf: Path, folder: Path, dpi: int) -> list[Path]:
    """Run pdftoppm once for the whole PDF; return its PNGs in page order."""
    # An absolute path can never be mistaken for an option, even if the name starts with "-".
    command = [tool, "-png", "-r", str(dpi), str(pdf.absolute()), str(folder / "page")]
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PDFTOPPM_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{pdf.name}: cannot render previews: {PDFTOPPM} took over {PDFTOPPM_TIMEOUT} s"
        ) from None
    except OSError as error:
        raise RenderError(
            f"{pdf.name}: cannot render previews: cannot run {PDFTOPPM}: {error.strerror}"
        ) from None
    if result.returncode != 0:
        # pdftoppm's first error says why ("Syntax Error: Couldn't find trailer dictionary");
        # warnings before it ("May not be a PDF file (continuing anyway)") do not.
        lines = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines()]
        lines = [line for line in lines if line]
        errors = [line for line in lines if "error" in line.lower()]
        detail = (errors or lines or [f"exit status {result.returncode}"])[0]
        raise RenderError(f"{pdf.name}: cannot render previews: {PDFTOPPM} failed: {detail}")
    numbered = sorted(
        (int(match.group(1)), path)
        for path in folder.iterdir()
        if (match := _RENDERED.fullmatch(path.name))
    )
    if not numbered:
        raise RenderError(f"{pdf.name}: cannot render previews: {PDFTOPPM} produced no pages")
    return [path for _, path in numbered]


def _write_contact_sheet(pages: list[Path], target: Path, columns: int) -> None:
    """Lay the pages out in a grid on white, each framed in grey with its number beneath."""
    images: list[Image.Image] = []
    for path in pages:
        with Image.open(path) as image:
            images.append(image.convert("RGB"))  # convert() loads it: the file can close
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
    # No pnginfo and no dpi: nothing that varies between runs goes into the file.
    sheet.save(target, format="PNG")


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


def write_previews_of(
    data: bytes, name: str, out_dir: Path, *, dpi: int = 50, columns: int = 4
) -> Preview:
    """Previews of a PDF rendered in memory, named after ``name`` as a built file would be."""
    with tempfile.TemporaryDirectory(prefix="leafletgen-preview.") as folder:
        pdf = Path(folder) / name
        pdf.write_bytes(data)
        return write_previews(pdf, out_dir, dpi=dpi, columns=columns)
