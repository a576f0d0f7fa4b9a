"""Read back what a patient (or a screen reader) gets from a PDF."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pikepdf
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.utils import decode_text

MM = 72 / 25.4
# Page margins (top, bottom) in mm, as in templates/css: what lies outside is header and footer.
STANDARD_MARGINS = (20, 22)
LARGE_PRINT_MARGINS = (24, 25)
FIRST_PAGE_TOP = 10  # no running header on page 1
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _lines(path: Path) -> Iterator[tuple[int, bool, LTTextLine]]:
    """(page number, in the page body?, line) for every text line."""
    top, bottom = LARGE_PRINT_MARGINS if "large-print" in path.name else STANDARD_MARGINS
    for number, page in enumerate(extract_pages(path), start=1):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine):
                        page_top = FIRST_PAGE_TOP if number == 1 else top
                        in_body = bottom * MM <= line.y0 <= page.height - page_top * MM
                        yield number, in_body, line


def body_text(path: Path) -> str:
    """The text of the page bodies in order, without running headers and footers."""
    parts = [line.get_text() for _, in_body, line in _lines(path) if in_body]
    return normalize(" ".join(parts))


def _line_text(line: LTTextLine, rtl: bool) -> str:
    # PDF text is in visual order: a right-to-left line reads back reversed, character by
    # character (a ligature's letters are mapped in visual order, as readers expect).
    if not rtl:
        return line.get_text()
    return "".join(c.get_text() for c in line if isinstance(c, LTChar))[::-1]


def margin_text(path: Path, rtl: bool = False) -> dict[int, str]:
    """Running header and footer text, per page number."""
    pages: dict[int, list[str]] = {}
    for number, in_body, line in _lines(path):
        if not in_body:
            pages.setdefault(number, []).append(_line_text(line, rtl))
    return {number: normalize(" ".join(parts)) for number, parts in pages.items()}


def char_sizes(path: Path) -> set[float]:
    sizes = set()
    for *_, line in _lines(path):
        for char in line:
            if isinstance(char, LTChar) and char.get_text().strip():
                sizes.add(round(char.size, 2))
    return sizes


def struct_types(pdf: pikepdf.Pdf) -> list[str]:
    """Structure element types in document order (depth first)."""
    found: list[str] = []

    def walk(node: pikepdf.Object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(str(node.S)[1:])
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Every needle occurs in the haystack, each after the previous one.

    Whitespace is ignored: a line may break after a dash, where the PDF has no space.
    """
    haystack = re.sub(r"\s", "", haystack)
    position = 0
    for needle in (re.sub(r"\s", "", n) for n in needles):
        found = haystack.find(needle, position)
        assert found >= 0, f"not found after position {position}: {needle!r}"
        position = found + len(needle)


def last_body_line_sizes(path: Path) -> list[float]:
    """Per page, the largest font size on the lowest line of the page body."""
    lowest: dict[int, tuple[float, float]] = {}
    for number, in_body, line in _lines(path):
        if in_body and (number not in lowest or line.y0 < lowest[number][0]):
            size = max((c.size for c in line if isinstance(c, LTChar)), default=0.0)
            lowest[number] = (line.y0, size)
    return [round(size, 1) for _, (_, size) in sorted(lowest.items())]


def space_stretch(path: Path) -> float:
    """The largest amount (pt) by which a space between two words is wider than the font's
    own space. Justified text stretches spaces to fill lines; left-aligned text never does."""
    worst = 0.0
    for *_, line in _lines(path):
        chars = [c for c in line if isinstance(c, LTChar)]
        for before, space, after in zip(chars, chars[1:], chars[2:], strict=False):
            if space.get_text() == " " and before.get_text() != " " and after.get_text() != " ":
                worst = max(worst, (after.x0 - before.x1) - space.width)
    return round(worst, 2)


class _MarkedText(PDFLayoutAnalyzer):
    """Collects the text drawn in each marked-content id (MCID), as a reader does: a span with
    /ActualText stands for its text, and the glyphs inside it are not read."""

    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.stack: list[tuple[int | None, str | None]] = []  # (MCID, ActualText) per level
        self.page = 0
        self.texts: dict[tuple[int, int], str] = {}

    @property
    def mcid(self) -> int | None:
        return next((mcid for mcid, _ in reversed(self.stack) if mcid is not None), None)

    def begin_tag(self, tag: object, props: object = None) -> None:
        props = props if isinstance(props, dict) else {}
        actual = props.get("ActualText")
        if isinstance(actual, bytes):
            actual = decode_text(actual)
        self.stack.append((props.get("MCID"), actual))
        if actual is not None:
            self._add(actual)

    def end_tag(self) -> None:
        if self.stack:
            self.stack.pop()

    def _add(self, text: str) -> None:
        if (mcid := self.mcid) is not None:
            key = (self.page, mcid)
            self.texts[key] = self.texts.get(key, "") + text

    def render_char(self, *args: object, **kwargs: object) -> float:
        width = super().render_char(*args, **kwargs)  # type: ignore[arg-type]
        if not any(actual is not None for _, actual in self.stack):
            self._add(list(self.cur_item)[-1].get_text())
        return width


def marked_text(path: Path) -> dict[tuple[int, int], str]:
    """The text drawn in each piece of tagged content: {(page index, MCID): text}.

    Text drawn outside tagged content (artifacts, say) is not in it. A span with /ActualText
    (shaped scripts: Arabic, Devanagari) reads as its text; other right-to-left text comes in
    drawing order, glyph by glyph.
    """
    resources = PDFResourceManager()
    device = _MarkedText(resources)
    interpreter = PDFPageInterpreter(resources, device)
    with path.open("rb") as file:
        for index, page in enumerate(PDFPage.get_pages(file)):
            device.page = index
            interpreter.process_page(page)
    return device.texts


def tagged_text(path: Path) -> str:
    """The text of the tagged content in structure-tree order: what a screen reader reads,
    without running headers and footers (they are not in the tree)."""
    from leafletgen.render.pdf.tagging import walk

    texts = marked_text(path)
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        parts = [
            texts.get((pages[page.objgen], mcid), "")
            for node in walk(pdf)
            for page, mcid in node.mcids
            if page is not None
        ]
    return normalize(" ".join(parts))


def page_text(path: Path) -> dict[int, str]:
    """The tagged text of each page (from 1), as a screen reader reads it: page furniture is
    not in it. A right-to-left leaflet is read by pdf.js, which puts its letters in logical
    order (pdfminer gives them in drawing order)."""
    with pikepdf.open(path) as pdf:
        rtl = str(pdf.Root.get("/Lang", "")).split("-")[0] in RTL_LANGUAGES
    if rtl:
        from tests.readers import join_lines, read_pdfjs

        return {
            number: normalize(
                " ".join(join_lines(text.split("\n")) for _, text in sorted(page.marked.items()))
            )
            for number, page in enumerate(read_pdfjs(path), start=1)
        }
    pages: dict[int, list[str]] = {}
    for (index, _), text in sorted(marked_text(path).items()):
        pages.setdefault(index + 1, []).append(text)
    return {number: normalize(" ".join(parts)) for number, parts in pages.items()}


def squeezed(text: str) -> str:
    """The letters, marks and digits of ``text`` in order: enough to tell that a text is on
    a page. Where a reader places a neutral character (a dash, a full stop) between runs of
    two directions is for the screen-reader tests to judge."""
    return "".join(c for c in normalize(text) if unicodedata.category(c)[0] in "LMN")


def body_line_counts(path: Path) -> dict[int, int]:
    """How many lines of text the body of each page holds."""
    counts: dict[int, set[float]] = {}
    for number, in_body, line in _lines(path):
        counts.setdefault(number, set())
        if in_body and line.get_text().strip():
            counts[number].add(round(line.y0))
    return {number: len(ys) for number, ys in counts.items()}


def footer_lines(path: Path) -> dict[int, list[float]]:
    """The baselines (pt from the page's foot) of the footer's lines, per page: one line
    means one baseline, whatever the boxes."""
    _, bottom = LARGE_PRINT_MARGINS if "large-print" in path.name else STANDARD_MARGINS
    found: dict[int, set[float]] = {}
    for number, in_body, line in _lines(path):
        if not in_body and line.y0 < bottom * MM and line.get_text().strip():
            found.setdefault(number, set()).add(round(line.y0))
    return {number: sorted(ys) for number, ys in found.items()}


def body_line_lengths(path: Path) -> list[int]:
    """The length in characters of every full body line (a paragraph's last line, a heading
    or a short list item is left out: only lines of 40 characters or more count)."""
    lengths = (len(line.get_text().strip()) for _, in_body, line in _lines(path) if in_body)
    return sorted(length for length in lengths if length >= 40)


def table_pages(path: Path) -> list[list[int]]:
    """For each Table of the structure tree, the pages its cells are on (one page: the table
    is not continued)."""
    from leafletgen.render.pdf.tagging import walk

    with pikepdf.open(path) as pdf:
        numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        found = []
        for node in walk(pdf):
            if node.type != "Table":
                continue
            pages: set[int] = set()
            stack = [node.element]
            while stack:
                element = stack.pop()
                if "/Pg" in element and element.get("/S") in ("/TH", "/TD"):
                    pages.add(numbers[element.Pg.objgen])
                kids = element.get("/K")
                kids = kids if isinstance(kids, pikepdf.Array) else [kids]
                stack += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
            found.append(sorted(pages))
    return found
