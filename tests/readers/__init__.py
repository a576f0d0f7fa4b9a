"""Independent readers of a leaflet: what Firefox (pdf.js) and poppler give a screen reader,
element by element, beside the HTML twin's elements.

The structure tree is read with pikepdf (it is data in the file, the same for every reader);
the text of each piece of marked content comes from the reader itself: pdf.js (``npm
install`` in this folder, run with Node) or poppler (``pdfinfo -struct-text``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import tinyhtml5

from leafletgen.content.text import without_direction_formatting
from leafletgen.render.pdf import tagging

HERE = Path(__file__).parent
PDFJS_SCRIPT = HERE / "read_pdf.mjs"

# The elements a reader announces as one unit, in PDF and in HTML; the outermost one counts
# (a paragraph inside a list item is read as part of the item).
PDF_UNITS = frozenset({"H1", "H2", "H3", "H4", "H5", "H6", "P", "LI", "TH", "TD", "Caption"})
HTML_UNITS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "th", "td", "caption"}
)
HTML_TYPE = {"dt": "LI", "dd": "LI", "caption": "Caption"}
# The bullets the leaflets' lists draw (templates/css): a list item's label, not its text.
LIST_LABELS = frozenset({"•"})
# What the twin shows on screen only (templates/css/html.css, ``@media print``).
SCREEN_ONLY = frozenset({"skip-link", "contents", "formats"})


def pdfjs_available() -> bool:
    return shutil.which("node") is not None and (HERE / "node_modules" / "pdfjs-dist").is_dir()


@dataclass(frozen=True)
class Unit:
    """One element as read: its standard type and its words, in reading order."""

    type: str
    words: tuple[str, ...]


def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text``. A dash attached to its word ("tristeza— puede") keeps what
    follows it as the next word, space or none: a line broken there cannot tell, and a
    reader says the same. Direction marks and isolates are formatting, never said."""
    text = unicodedata.normalize("NFC", without_direction_formatting(text).replace("\u00ad", ""))
    text = re.sub(r"(?<=[^\s—–][—–])\s+", "", text)
    return tuple(re.sub(r"\s+", " ", text).strip().split())


# -- pdf.js ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfjsPage:
    marked: dict[int, str]  # MCID -> text
    artifacts: str
    stray: str  # text in no marked content: neither real content nor an artifact


def read_pdfjs(path: Path) -> list[PdfjsPage]:
    result = subprocess.run(
        ["node", str(PDFJS_SCRIPT), str(path)],
        capture_output=True,
        check=True,
        timeout=300,
        cwd=HERE,
    )
    pages = []
    for page in json.loads(result.stdout)["pages"]:
        marked = {int(mcid): _joined(pieces) for mcid, pieces in page["marked"].items()}
        pages.append(PdfjsPage(marked, _joined(page["artifacts"]), _joined(page["stray"])))
    return pages


def _joined(pieces: list[dict]) -> str:
    # pdf.js marks the end of a line with an empty item (hasEOL), or the next line starts
    # lower on the page: kept as a newline, so that
    # the lines of an element are joined as a reader joins them (``join_lines``).
    return "".join(
        ("\n" if piece["newLine"] else " " if piece["gap"] else "")
        + piece["str"]
        + ("\n" if piece["eol"] else "")
        for piece in pieces
    )


def join_lines(lines: list[str]) -> str:
    """Lines of one element as a reader joins them: a break is a space, except after a dash
    or hyphen attached to its word (a line may break after "carefully—" or "gamma-", where
    the text has no space; the leaflets do not hyphenate words)."""
    text = ""
    for line in (line for line in lines if line):
        attached_dash = text.endswith(("—", "–", "-")) and not text[:-1].endswith(" ")
        # A line may also break before a dash attached to the next word ("sadness" / "—may").
        attached_dash |= line.startswith(("—", "–")) and not line[1:].startswith(" ")
        # Or after an opening quote or bracket that belongs to the next word ("от «" / "когн…").
        attached_dash |= text.endswith(("«", "„", "“", "(", "["))
        if text and not attached_dash and not text.endswith(" "):
            text += " "
        text += line
    return text


def pdfjs_units(path: Path) -> list[Unit]:
    """The PDF's units as pdf.js reads their marked content."""
    pages = read_pdfjs(path)
    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: index for index, page in enumerate(pdf.pages)}

        def text(page: pikepdf.Object, mcid: int) -> str:
            return pages[numbers[page.objgen]].marked.get(mcid, "")

        return _units(pdf, text)


def _units(pdf: pikepdf.Pdf, text) -> list[Unit]:  # type: ignore[no-untyped-def]
    units = []
    for node in tagging.walk(pdf):
        if node.type not in PDF_UNITS:
            continue
        if any(_type(pdf, parent) in PDF_UNITS for parent in node.parents):
            continue
        content = [item for element in _subtree(node) for item in element.mcids]
        parts = [
            ("\n" if index and page.objgen != content[index - 1][0].objgen else "")
            + text(page, mcid)  # an element broken by a page: its next page starts a line
            for index, (page, mcid) in enumerate(content)
        ]
        units.append(Unit(node.type, words_of(join_lines("".join(parts).split("\n")))))
    return units


def _type(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> str:
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap", pikepdf.Dictionary())
    return tagging._standard_type(element, role_map)


def _subtree(node: tagging.Node) -> list[tagging.Node]:
    """The node and every element below it, but not a list item's label (its bullet)."""
    found = [node]
    for kid in node.kids:
        if str(kid.S) != "/Lbl":
            found.extend(_subtree(tagging.Node(kid, "", ())))
    return found


# -- poppler --------------------------------------------------------------------------------


def poppler_units(path: Path) -> list[Unit]:
    """The PDF's units as poppler (``pdfinfo -struct-text``) reads them: its tree, its text."""
    result = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, check=True, timeout=300
    )
    units: list[Unit] = []
    open_unit: tuple[int, str, list[str]] | None = None  # (indent, type, lines)
    label: int | None = None  # the indent of a list item's label, whose text is skipped
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if label is not None and indent > label:
            continue
        label = None
        if open_unit is not None and indent <= open_unit[0]:
            units.append(Unit(open_unit[1], words_of(_join_spans(open_unit[2]))))
            open_unit = None
        if stripped.startswith('"'):
            if open_unit is not None:
                open_unit[2].append(stripped[1:-1])
            continue
        kind = stripped.split(" ")[0].rstrip(":")  # "TD:" when attributes follow
        if kind == "Lbl":
            label = indent
        elif open_unit is None and kind in PDF_UNITS:
            open_unit = (indent, kind, [])
    if open_unit is not None:
        units.append(Unit(open_unit[1], words_of(_join_spans(open_unit[2]))))
    return units


def _join_spans(spans: list[str]) -> str:
    """The spans of one element, as poppler's tree reader lists them, without positions: a
    span's own spaces stay; between two spans with none, a line broke (a space, as in
    ``join_lines``) unless the second starts with punctuation closing an inline element
    ("**benzodiazepine**.")."""
    lines = [""]
    for span in spans:
        if lines[-1].endswith(" ") or span.startswith((" ", ".", ",", ";", ":", "!", "?", ")")):
            lines[-1] += span
        else:
            lines.append(span)
    return join_lines(lines)


def poppler_words(path: Path) -> tuple[str, ...]:
    """The words of the page bodies as poppler's text extraction (``pdftotext``) reads them,
    in its reading order (it reorders right-to-left lines itself)."""
    from tests.pdfutil import LARGE_PRINT_MARGINS, MM, STANDARD_MARGINS

    top, bottom = LARGE_PRINT_MARGINS if "large-print" in path.name else STANDARD_MARGINS
    with pikepdf.open(path) as pdf:
        boxes = [page.mediabox for page in pdf.pages]
    words: list[str] = []
    for number, box in enumerate(boxes, start=1):
        width, height = float(box[2]), float(box[3])
        crop = [str(round(v)) for v in (0, top * MM, width, height - (top + bottom) * MM)]
        result = subprocess.run(
            ["pdftotext", "-q", "-f", str(number), "-l", str(number), "-r", "72"]
            + [
                arg
                for flag, v in zip(("-x", "-y", "-W", "-H"), crop, strict=True)
                for arg in (flag, v)
            ]
            + [str(path), "-"],
            capture_output=True,
            check=True,
            timeout=300,
        )
        # Poppler wraps runs of the other direction in embedding controls: word boundaries.
        text = re.sub(r"[\u200e\u200f\u202a-\u202e]", " ", result.stdout.decode("utf-8"))
        words.extend(word for word in words_of(text) if word not in LIST_LABELS)
    return tuple(words)


def compare_words(html: list[Unit], words: tuple[str, ...]) -> Comparison:
    """The twin's words, all units in order, against one flow of words."""
    import difflib

    expected = tuple(word for unit in html for word in unit.words)
    blocks = difflib.SequenceMatcher(a=expected, b=words, autojunk=False).get_matching_blocks()
    matched = sum(block.size for block in blocks)
    mismatches = (
        [] if matched == len(expected) == len(words) else [(Unit("*", expected), Unit("*", words))]
    )
    return Comparison(len(expected), matched, mismatches)


# -- the HTML twin --------------------------------------------------------------------------


def html_units(path: Path) -> list[Unit]:
    """The HTML twin's units: its visible text, element by element."""
    root = tinyhtml5.parse(path.read_text(encoding="utf-8"), namespace_html_elements=False)
    body = root.find("body")
    units: list[Unit] = []

    def visit(element) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(element.tag, str) or _hidden_in_print(element):
            return
        if element.tag in HTML_UNITS:
            units.append(Unit(HTML_TYPE.get(element.tag, element.tag.upper()), _words(element)))
            return
        for child in element:
            visit(child)

    visit(body)
    return units


def _hidden_in_print(element) -> bool:  # type: ignore[no-untyped-def]
    classes = set((element.get("class") or "").split())
    return element.get("hidden") is not None or bool(classes & SCREEN_ONLY)


def _words(element) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    parts: list[str] = []

    def text(node) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node.tag, str) and node.tag in ("script", "style"):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                text(child)
                if child.tag in ("br",):
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    text(element)
    return words_of("".join(parts))


# -- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    html_words: int
    matched_words: int
    mismatches: list[tuple[Unit, Unit | None]]  # (the twin's unit, the PDF's, if any)

    @property
    def share(self) -> float:
        return self.matched_words / self.html_words if self.html_words else 1.0


def compare(html: list[Unit], pdf: list[Unit]) -> Comparison:
    """Pair the twin's units with the PDF's in order and count the words that match.

    Units pair one to one, in order: a missing, extra or split unit shows as a mismatch. A
    word counts as matched when it is the same word in the same place of the paired unit.
    """
    import difflib

    matched = 0
    mismatches: list[tuple[Unit, Unit | None]] = []
    keys_html = [(u.type, u.words) for u in html]
    keys_pdf = [(u.type, u.words) for u in pdf]
    opcodes = difflib.SequenceMatcher(a=keys_html, b=keys_pdf, autojunk=False).get_opcodes()
    for tag, a0, a1, b0, b1 in opcodes:
        if tag == "equal":
            matched += sum(len(u.words) for u in html[a0:a1])
            continue
        for offset, unit in enumerate(html[a0:a1]):
            other = pdf[b0 + offset] if b0 + offset < b1 else None
            if other is not None:
                words = difflib.SequenceMatcher(a=unit.words, b=other.words, autojunk=False)
                matched += sum(block.size for block in words.get_matching_blocks())
            mismatches.append((unit, other))
        for extra in pdf[b0 + (a1 - a0) : b1]:
            mismatches.append((Unit(extra.type, ()), extra))
    return Comparison(sum(len(u.words) for u in html), matched, mismatches)
