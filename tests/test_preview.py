"""Page previews: real PNGs from a real leaflet PDF, laid out on a numbered contact sheet."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from leafletgen.errors import RenderError
from leafletgen.preview import Preview, write_previews
from tests.conftest import build_files, minimal_leaflet, write_leaflet

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
A4_RATIO = 297 / 210  # height / width, ≈ √2


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A leaflet long enough to need several A4 pages, built once by the real engine."""
    folder = tmp_path_factory.mktemp("preview")
    paragraphs = [
        {"paragraph": f"Paragraph {n}: take this medicine with a full glass of water."}
        for n in range(40)
    ]
    source = write_leaflet(
        folder, minimal_leaflet(sections=[{"heading": "What it is", "blocks": paragraphs}])
    )
    report = build_files([source], folder / "out")
    assert not report.failed, report.failed
    (built,) = report.built
    return built.path


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def non_white_pixels(image: Image.Image) -> int:
    histogram = image.convert("L").histogram()
    return sum(histogram[:255])


def test_one_png_per_page_named_after_the_pdf(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path)

    count = page_count(long_pdf)
    assert count >= 2
    assert [page.name for page in preview.pages] == [
        f"{long_pdf.stem}-page-{number:02d}.png" for number in range(1, count + 1)
    ]
    assert preview.contact_sheet == tmp_path / f"{long_pdf.stem}-contact-sheet.png"


def test_pages_are_valid_pngs_with_the_a4_shape(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path, dpi=50)

    for page in preview.pages:
        assert page.read_bytes().startswith(PNG_SIGNATURE)
        with Image.open(page) as image:
            image.verify()  # checks the chunks' CRCs and structure
        with Image.open(page) as image:
            assert image.format == "PNG"
            width, height = image.size
            # 50 dpi: an A4 page (8.27 × 11.69 in) is about 413 × 585 pixels.
            assert width == pytest.approx(210 / 25.4 * 50, abs=2)
            assert height / width == pytest.approx(A4_RATIO, rel=0.02)
            assert non_white_pixels(image) > 0, f"{page.name} is blank"


def test_dpi_sets_the_page_size(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path, dpi=100)

    with Image.open(preview.pages[0]) as image:
        assert image.width == pytest.approx(210 / 25.4 * 100, abs=2)


def test_contact_sheet_shows_every_page_side_by_side(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path)

    with Image.open(preview.pages[0]) as first:
        page_width, page_height = first.size
    count = len(preview.pages)
    with Image.open(preview.contact_sheet) as sheet:
        assert sheet.format == "PNG"
        # Up to 4 pages in one row: at least as wide as those pages, and one row high.
        assert sheet.width > min(count, 4) * page_width
        assert page_height < sheet.height < 2 * page_height
        # The pages' text is on it, not just their grey frames on white.
        ink_on_pages = 0
        for page in preview.pages:
            with Image.open(page) as image:
                ink_on_pages += non_white_pixels(image)
        assert non_white_pixels(sheet) > ink_on_pages
        assert sheet.convert("L").getextrema()[0] < 64  # black text


def test_columns_wraps_the_grid(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path, columns=1)

    with Image.open(preview.pages[0]) as first:
        page_width, page_height = first.size
    with Image.open(preview.contact_sheet) as sheet:
        assert page_width < sheet.width < 2 * page_width
        assert sheet.height > len(preview.pages) * page_height


def test_output_is_byte_identical_on_every_run(long_pdf: Path, tmp_path: Path) -> None:
    first = write_previews(long_pdf, tmp_path / "first")
    second = write_previews(long_pdf, tmp_path / "second")
    again = write_previews(long_pdf, tmp_path / "first")  # over the previous run's files

    def contents(preview: Preview) -> list[tuple[str, bytes]]:
        files = [*preview.pages, preview.contact_sheet]
        return [(path.name, path.read_bytes()) for path in files]

    assert contents(first) == contents(second) == contents(again)


def test_leaves_only_the_previews_behind(long_pdf: Path, tmp_path: Path) -> None:
    preview = write_previews(long_pdf, tmp_path)
    write_previews(long_pdf, tmp_path)

    expected = {path.name for path in [*preview.pages, preview.contact_sheet]}
    assert {path.name for path in tmp_path.iterdir()} == expected
    assert all(path.is_file() for path in tmp_path.iterdir())  # no temporary folder


def test_removes_pages_left_by_a_longer_earlier_version(long_pdf: Path, tmp_path: Path) -> None:
    stale = tmp_path / f"{long_pdf.stem}-page-99.png"
    stale.write_bytes(b"old")
    unrelated = tmp_path / "other-page-99.png"
    unrelated.write_bytes(b"keep")

    write_previews(long_pdf, tmp_path)

    assert not stale.exists()
    assert unrelated.read_bytes() == b"keep"


def test_needs_no_tool_on_the_path(
    long_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are rasterized in this process (PDFium), not by a program it would start."""
    monkeypatch.setenv("PATH", "")

    preview = write_previews(long_pdf, tmp_path / "out")

    assert len(preview.pages) == page_count(long_pdf)


def test_unreadable_pdf_is_a_clean_render_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a PDF")
    out = tmp_path / "out"

    with pytest.raises(RenderError, match=r"broken\.pdf") as caught:
        write_previews(broken, out)

    assert "\n" not in caught.value.format_message()
    assert not out.exists()  # nothing written: the pages are rendered before any file is


def test_missing_pdf_is_a_clean_render_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"absent\.pdf"):
        write_previews(tmp_path / "absent.pdf", tmp_path / "out")


@pytest.mark.parametrize("options", [{"dpi": 0}, {"columns": 0}])
def test_rejects_nonsense_options(long_pdf: Path, tmp_path: Path, options: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        write_previews(long_pdf, tmp_path, **options)
