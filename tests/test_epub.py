"""The e-book: EPUB 3 that W3C's epubcheck passes with no error or warning, a chapter per
section, the language and direction, header cells, fonts, accessibility metadata, and the
same bytes from the same inputs."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import lxml.etree
import pytest

from leafletgen.engine import Request, document_of, prepare, render
from leafletgen.render import FORMATS, epub
from leafletgen.render.format import Document
from leafletgen.render.outline import outline_of
from leafletgen.variants import PAPERS
from tests.conftest import ROOT, SEED, make_project

SEED_ID = SEED.stem
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def _document(language: str) -> Document:
    project = make_project()
    prepared = prepare(project, SEED_ID, language, "standard")
    return document_of(project, prepared, PAPERS["a4"], FORMATS["epub"])


@pytest.fixture(scope="module")
def books() -> dict[str, bytes]:
    """The seed's e-book in English and Arabic, each passed by epubcheck as it was rendered."""
    project = make_project()
    rendered = {
        lang: render(project, Request(SEED_ID, lang, format="epub")) for lang in ("en", "ar")
    }
    for output in rendered.values():
        assert str(output.checks[0]) == "EPUB 3 pass (epubcheck: 0 errors, 0 warnings)"
    return {lang: output.data for lang, output in rendered.items()}


def _xml(book: bytes, name: str) -> lxml.etree._Element:
    return lxml.etree.fromstring(zipfile.ZipFile(io.BytesIO(book)).read(name))


@pytest.mark.slow
def test_a_chapter_per_section_in_the_navigation(books: dict[str, bytes]) -> None:
    nav = _xml(books["en"], "EPUB/nav.xhtml")
    titles = [a.text for a in nav.iterfind(".//x:nav//x:a", XHTML)]
    outline = outline_of(_document("en"))
    assert titles == [chapter.title for chapter in outline.chapters]
    assert titles[1:4] == [
        "Get help now",
        "Key takeaways",
        "Understanding Klonopin and Its Emotional Impact",
    ]
    assert nav.find(".//x:nav/x:h2", XHTML).text == "Contents"
    # Each chapter starts with its section's heading.
    third = _xml(books["en"], "EPUB/chapter-03.xhtml")
    assert third.find(".//x:h2", XHTML).text == titles[2]


@pytest.mark.slow
def test_language_direction_and_header_cells(books: dict[str, bytes]) -> None:
    arabic = _xml(books["ar"], "EPUB/chapter-05.xhtml")
    assert arabic.get("lang") == "ar" and arabic.find("x:body", XHTML).get("dir") == "rtl"
    opf = _xml(books["ar"], "EPUB/content.opf")
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.find(".//dc:language", ns).text == "ar"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert (opf.get(xml_lang), opf.get("dir")) == ("ar", "rtl")  # the package's own
    assert opf.find(".//opf:spine", ns).get("page-progression-direction") == "rtl"
    tables = [
        table
        for name in zipfile.ZipFile(io.BytesIO(books["en"])).namelist()
        if name.startswith("EPUB/chapter-")
        for table in _xml(books["en"], name).iterfind(".//x:table", XHTML)
    ]
    assert tables
    for table in tables:
        assert table.find("x:caption", XHTML) is not None
        assert {th.get("scope") for th in table.iterfind(".//x:thead//x:th", XHTML)} == {"col"}


@pytest.mark.slow
def test_accessibility_metadata_and_conformance(books: dict[str, bytes]) -> None:
    opf = _xml(books["en"], "EPUB/content.opf")
    properties: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//{http://www.idpf.org/2007/opf}meta"):
        if meta.get("property"):
            properties.setdefault(meta.get("property"), []).append(meta.text)
    assert properties["schema:accessMode"] == ["textual"]
    assert "structuralNavigation" in properties["schema:accessibilityFeature"]
    assert properties["schema:accessibilityHazard"] == ["none"]
    assert properties["schema:accessibilitySummary"][0]
    assert properties["dcterms:conformsTo"] == [epub.CONFORMANCE]
    assert properties["dcterms:modified"] == ["2026-11-25T00:00:00Z"]  # the review date


@pytest.mark.slow
def test_the_bundled_fonts_cut_down_to_the_text(books: dict[str, bytes]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(books["ar"]))
    fonts = [name for name in archive.namelist() if name.startswith("EPUB/fonts/")]
    assert "EPUB/fonts/IBMPlexSansArabic-Regular.ttf" in fonts
    original = (ROOT / "templates" / "fonts" / "IBMPlexSansArabic-Regular.ttf").stat().st_size
    assert archive.getinfo("EPUB/fonts/IBMPlexSansArabic-Regular.ttf").file_size < original / 2
    css = archive.read("EPUB/css/base.css").decode()
    assert "@page" not in css and "@font-face" in css


@pytest.mark.slow
def test_same_inputs_same_bytes(books: dict[str, bytes]) -> None:
    again = render(make_project(), Request(SEED_ID, "en", format="epub")).data
    assert again == books["en"]
    archive = zipfile.ZipFile(io.BytesIO(again))
    assert archive.namelist()[0] == "mimetype"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _without(book: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
    return out.getvalue()


@pytest.mark.slow
def test_epubcheck_fails_a_broken_book(books: dict[str, bytes]) -> None:
    verdict = epub.check(_without(books["en"], "EPUB/chapter-04.xhtml"), _document("en"))
    assert not verdict.ok
    assert any(
        "epubcheck: ERROR" in failure and "chapter-04" in failure for failure in verdict.failures
    )


@pytest.mark.slow
def test_the_check_wants_the_sections_of_the_leaflet(books: dict[str, bytes]) -> None:
    # The English book held against the Spanish leaflet: other chapters, another language.
    failures = epub.check(books["en"], _document("es")).failures
    assert any(f.startswith("epub-chapters:") for f in failures)
    assert any(f.startswith("epub-language: not 'es'") for f in failures)


# DAISY Ace, installed with the tests' readers (npm ci in tests/readers); a user's check runs it
# when `ace` or `ace-cli` is on the PATH.
ACE_BIN = ROOT / "tests" / "readers" / "node_modules" / ".bin"


def _replaced(book: bytes, name: str, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.replace(old, new) if info.filename == name else data)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(not (ACE_BIN / "ace-cli").exists(), reason="DAISY Ace: npm ci in tests/readers")
def test_daisy_ace_passes_the_book_and_finds_what_it_lacks(
    books: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ace (axe-core in Debian's Chromium, on every chapter, and the package's metadata)
    finds no violation in the books as rendered, and names one it should: a package without
    its language."""
    monkeypatch.setenv("PATH", f"{ACE_BIN}{os.pathsep}{os.environ['PATH']}")
    for language in ("en", "ar"):
        verdict = epub.check(books[language], _document(language))
        assert verdict.ok, verdict.failures
        assert verdict.detail == "epubcheck: 0 errors, 0 warnings; DAISY Ace: no violations"
    no_language = _replaced(books["en"], "EPUB/content.opf", b'xml:lang="en" ', b"")
    verdict = epub.check(no_language, _document("en"))
    assert not verdict.ok
    assert any(
        f.startswith("ace: EPUB/content.opf: epub-lang (serious): The language must be specified")
        for f in verdict.failures
    ), verdict.failures


def test_without_ace_the_check_is_epubcheck_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(epub.shutil, "which", lambda name: None)
    assert epub._ace() is None
    monkeypatch.setattr(epub.shutil, "which", lambda name: f"/opt/bin/{name}")
    assert epub._ace() == ["/opt/bin/ace"]
    broken = epub._ace_violations([str(Path("/nonexistent/ace"))], b"")
    assert broken and broken[0].startswith("DAISY Ace did not run")
