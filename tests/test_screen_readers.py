"""Every shipped PDF as Firefox (pdf.js) and poppler read it to a screen reader, against its
HTML twin: the same words in every heading, paragraph, list item and table cell; the running
headers and footers as artifacts only; lists whole across page breaks."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import tinyhtml5

from leafletgen.content.loader import load_leaflet
from leafletgen.i18n.localization import localize
from leafletgen.render.pdf.tagging import kids_of, walk
from leafletgen.variants import VARIANTS as SHIPPED_VARIANTS
from tests.conftest import ROOT, SEED
from tests.readers import (
    Comparison,
    Unit,
    compare,
    compare_words,
    html_units,
    pdfjs_available,
    pdfjs_units,
    poppler_units,
    poppler_words,
    read_pdfjs,
    words_of,
)

LANGUAGES = ("en", "es", "ru", "ar")
VARIANTS = tuple(SHIPPED_VARIANTS)  # the summaries too
VERSION = load_leaflet(SEED).version_label
OUTPUTS = [f"{SEED.stem}.{lang}.{variant}.a4.pdf" for lang in LANGUAGES for variant in VARIANTS]

# pdf.js still misreads some Arabic words in its own text layer, where the fix is out of the
# ToUnicode maps' hands (the font's kerning gaps, read as spaces, are gone: the Arabic layer
# turns kerning off): a word-final mark (a tanwin, a fatha) is drawn first after the space
# before its word, and pdf.js, which never measures a mark's position, reads that gap on
# both sides of the mark ("علامةً" as "علامة ً"); a mark inside a lam-alef ligature comes
# after both letters ("مثلًا" as "مثلاً"); a range drawn right to left ("%10–5") comes out
# reversed ("10–5%"); a bracket glyph maps to one character in every direction, so the
# English note's brackets read mirrored. Poppler's page text does the same, and also sets
# punctuation beside a Latin word apart (the shares below, per language).
ARABIC_IN_PDFJS = pytest.mark.xfail(
    reason="pdf.js splits Arabic words at word-final marks, reverses ranges", strict=True
)
# The shares of words that match the twin, at least: the floor under what is measured today.
PDFJS_SHARE = {"en": 1.0, "es": 1.0, "ru": 1.0, "ar": 0.987}
POPPLER_SHARE = {"en": 1.0, "es": 1.0, "ru": 1.0, "ar": 0.795}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not pdfjs_available(), reason="pdf.js: npm install in tests/readers"),
]


def _poppler(pdf: Path, html: list[Unit]) -> Comparison:
    if ".ar." in pdf.name:  # its tree reader leaves right-to-left text in drawing order
        return compare_words(html, poppler_words(pdf))
    return compare(html, poppler_units(pdf))


def _output(shipped: Path, name: str) -> Path:
    return shipped / SEED.stem / name


def _param(name: str) -> object:
    marks = [ARABIC_IN_PDFJS] if ".ar." in name else []
    return pytest.param(name, marks=marks, id=name.split(".", 1)[1].removesuffix(".a4.pdf"))


@pytest.mark.parametrize("name", [_param(name) for name in OUTPUTS])
def test_pdfjs_reads_each_element_as_its_twin(shipped: Path, name: str) -> None:
    pdf = _output(shipped, name)
    found = compare(html_units(pdf.with_suffix(".html")), pdfjs_units(pdf))
    assert not found.mismatches, "\n".join(
        f"HTML {html.type}: {' '.join(html.words)}\nPDF  {other and ' '.join(other.words)}"
        for html, other in found.mismatches[:5]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_words_that_match_stay_above_their_floor(shipped: Path, lang: str) -> None:
    """Per language, the share of the twin's words each reader gives back, in place."""
    for reader, share, floor in (
        ("pdf.js", lambda pdf, html: compare(html, pdfjs_units(pdf)), PDFJS_SHARE[lang]),
        ("poppler", _poppler, POPPLER_SHARE[lang]),
    ):
        matched = total = 0
        for name in (n for n in OUTPUTS if f".{lang}." in n):
            pdf = _output(shipped, name)
            found = share(pdf, html_units(pdf.with_suffix(".html")))
            matched, total = matched + found.matched_words, total + found.html_words
        assert total > 1000
        assert matched / total >= floor, f"{reader}: {matched}/{total} words match the twin"


@pytest.mark.parametrize("name", [n for n in OUTPUTS if ".ar." not in n])
def test_poppler_reads_each_element_as_its_twin(shipped: Path, name: str) -> None:
    # Poppler's own tree reader (pdfinfo -struct-text) gives each element's text as drawn,
    # left to right: for a right-to-left leaflet, its page text is compared (the floor above).
    pdf = _output(shipped, name)
    found = compare(html_units(pdf.with_suffix(".html")), poppler_units(pdf))
    assert not found.mismatches, found.mismatches[:5]


@pytest.mark.parametrize("name", OUTPUTS)
def test_running_headers_and_footers_are_artifacts_only(shipped: Path, name: str) -> None:
    pdf = _output(shipped, name)
    pages = read_pdfjs(pdf)
    with pikepdf.open(pdf) as document:
        reached = {node.element.objgen for node in walk(document)}
        tree = pikepdf.NumberTree(document.Root.StructTreeRoot.ParentTree)
        for number, (page, read) in enumerate(zip(document.pages, pages, strict=True), start=1):
            assert not read.stray.strip(), f"page {number}: text in no marked content"
            # The footer (the version, the page number) is on every page, as an artifact.
            assert VERSION in read.artifacts, f"page {number}: {read.artifacts!r}"
            entries = tree[int(page.StructParents)]
            for mcid, text in read.marked.items():
                holder = entries[mcid] if mcid < len(entries) else None
                assert isinstance(holder, pikepdf.Dictionary), (number, mcid, text)
                assert holder.objgen in reached, f"page {number}: {text!r} is outside the tree"
        # Page 1 has no running header (the masthead shows the title): a one-page summary none.
        kinds = {"/Header", "/Footer"} if len(document.pages) > 1 else {"/Footer"}
        assert kinds <= set(_artifact_kinds(document))


def _is_dict(value: object) -> bool:
    return isinstance(value, pikepdf.Dictionary)


def _draft_notice(html: Path) -> str | None:
    root = tinyhtml5.parse(html.read_text(encoding="utf-8"), namespace_html_elements=False)
    for element in root.iter("div"):
        if "draft-notice" in (element.get("class") or "").split():
            return " ".join(words_of("".join(element.find("p").itertext())))
    return None


def _artifact_kinds(pdf: pikepdf.Pdf) -> list[str]:
    kinds = []
    for page in pdf.pages:
        for instruction in pikepdf.parse_content_stream(page):
            operands = instruction.operands
            if str(instruction.operator) == "BDC" and str(operands[0]) == "/Artifact":
                kinds.append(str(operands[1].get("/Subtype", "")))
    return kinds


@pytest.mark.parametrize("name", OUTPUTS)
def test_the_draft_notice_is_read_once_at_the_start(shipped: Path, name: str) -> None:
    pdf = _output(shipped, name)
    notice = _draft_notice(pdf.with_suffix(".html"))
    if notice is None:
        pytest.skip("a reviewed translation or the original: no draft notice")
    pages = read_pdfjs(pdf)
    body = " ".join(words_of(" ".join(" ".join(page.marked.values()) for page in pages)))
    assert body.count(notice) == 1  # the notice box at the start of the text
    assert body.index(notice) < 300
    # Marked on every later page's margin (drawn, not read); page 1 has the box.
    mark = localize(name.split(".")[1], ROOT / "locales").translations.gettext("Draft translation")
    for number, page in enumerate(pages, start=1):
        margin = " ".join(words_of(page.artifacts))
        assert (" ".join(words_of(mark)) in margin) == (number > 1), f"page {number}: {margin}"


@pytest.mark.parametrize("name", OUTPUTS)
def test_lists_are_whole_across_page_breaks(shipped: Path, name: str) -> None:
    pdf = _output(shipped, name)
    twin = [unit for unit in html_units(pdf.with_suffix(".html")) if unit.type == "LI"]
    with pikepdf.open(pdf) as document:
        nodes = list(walk(document))
        items = [node for node in nodes if node.type == "LI"]
        lists = [node for node in nodes if node.type == "L"]
        assert len(items) == len(twin)
        assert sum(len(node.kids) for node in lists) == len(items)
        # No item lost its bullet to a page break: a list's items are all labelled or none.
        for node in lists:
            labels = {
                any(str(kid.get("/S")) == "/Lbl" for kid in kids_of(item) if _is_dict(kid))
                for item in node.kids
            }
            assert len(labels) == 1, node
