"""Audit a built PDF: what PDF/UA-1 validation proves, and what the leaflet promises beyond it.

The validator (page-validation) proves the file is tagged PDF/UA-1. It does not know which
language the leaflet is in, which title it has, that large print means 18 pt everywhere, or
that an unreviewed translation must say so. Those promises are checked here, against what
the build would print from the current sources and catalogs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import pikepdf

from leafletgen.engine import Prepared, document_of, prepare
from leafletgen.errors import LeafletError, RenderError
from leafletgen.plural import counted, verb
from leafletgen.project import Project
from leafletgen.publish.inputs import changed_inputs
from leafletgen.publish.manifest import Manifest
from leafletgen.publish.names import OutputName, parse_output_name
from leafletgen.render import FORMATS
from leafletgen.render.pdf.tagging import Node, kids_of, stray_content, walk
from leafletgen.render.templates import draft_notice
from leafletgen.variants import PAPERS, VARIANTS, Variant

# PDF font descriptor flag for italic (PDF 32000-1, table 123, bit 7).
_ITALIC_FLAG = 1 << 6
_HEADING = re.compile(r"H([1-6])")


@dataclass(frozen=True)
class Expected:
    """What the build prints for one output, from the current sources and catalogs."""

    output: OutputName
    title: str
    variant: Variant
    draft_notice: str | None  # the notice's text, when the source or translation is a draft
    prepared: Prepared  # what the engine would print today
    draft: str = "unreviewed translation"  # or "draft source": what the notice is for
    lists: tuple[int, ...] = ()  # the number of items of each list printed, in order


@dataclass(frozen=True)
class RuleResult:
    rule: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class OutputAudit:
    path: Path
    results: list[RuleResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)


class Finding(NamedTuple):
    ok: bool
    detail: str


@dataclass(frozen=True)
class Subject:
    """One PDF as the rules read it."""

    name: str  # the file's name, for messages
    data: bytes
    pdf: pikepdf.Pdf
    text: _Text
    expected: Expected


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Subject], Finding]
    optional: bool = False  # applies only to the variants that name it (Variant.rules)

    def applied(self, subject: Subject) -> Finding:
        if self.optional and self.name not in subject.expected.variant.rules:
            # Still listed, so that every output is judged on the same list of rules.
            return Finding(True, f"not a rule of the {subject.expected.variant.name} variant")
        return self.check(subject)

    def result(self, finding: Finding) -> RuleResult:
        return RuleResult(self.name, *finding)


def expected_for(project: Project, path: Path) -> Expected:
    """Work out from an output's name and the current sources what it must contain: what
    the engine would print today."""
    name = parse_output_name(path)
    if name.variant not in VARIANTS:
        raise LeafletError(f"{path}: unknown variant '{name.variant}' in the file name")
    if name.paper not in PAPERS:
        raise LeafletError(f"{path}: unknown paper '{name.paper}' in the file name")
    prepared = prepare(project, name.leaflet_id, name.language, name.variant)
    l10n, text = prepared.localization, prepared.edition
    document = document_of(project, prepared, PAPERS[name.paper], FORMATS["pdf"])
    return Expected(
        output=name,
        title=text.document_title,
        variant=text.variant,
        draft_notice=(
            draft_notice(l10n, project.assets, source=prepared.source.draft is not None)
            if l10n.draft or prepared.source.draft
            else None
        ),
        prepared=prepared,
        draft="draft source" if prepared.source.draft else "unreviewed translation",
        lists=_list_sizes(document.fill(standalone=False).html),
    )


def _list_sizes(html: str) -> tuple[int, ...]:
    """The number of items of each list in the HTML the PDF is laid out from, in order."""
    import tinyhtml5

    root = tinyhtml5.parse(html, namespace_html_elements=False)
    items = {"ul": ("li",), "ol": ("li",), "dl": ("dt", "dd")}
    return tuple(
        sum(1 for kid in element if kid.tag in items[element.tag])
        for element in root.iter()
        if element.tag in items
    )


def audit_outputs(
    project: Project, paths: list[Path], manifest: Manifest | None = None
) -> Iterator[OutputAudit]:
    """Audit each PDF, and each output of another format by that format's own check; one
    that cannot be matched to its source fails, the others go on. With the manifest that
    lists them, each is also held against today's inputs."""
    for path in paths:
        try:
            expected = expected_for(project, path)
        except LeafletError as error:
            yield OutputAudit(path, [RuleResult("source", False, error.format_message())])
            continue
        if expected.output.format == "pdf":
            audit = audit_pdf(path, expected)
        else:
            audit = audit_by_format(project, path, expected)
        entry = manifest.entry(path) if manifest is not None else None
        if entry is not None:
            audit.results.append(_up_to_date(project, entry))
        yield audit


def _up_to_date(project: Project, entry: dict[str, object]) -> RuleResult:
    """Built from today's source, catalogs, templates and fonts: what a build would write."""
    changed = changed_inputs(project, entry)
    if changed:
        detail = (
            f"stale: {', '.join(changed)} changed since it was built (leaflet build rebuilds it)"
        )
        return RuleResult(UP_TO_DATE, False, detail)
    return RuleResult(UP_TO_DATE, True, "built from today's inputs")


UP_TO_DATE = "up-to-date"  # with --built: the manifest's record against today's inputs


def audit_by_format(project: Project, path: Path, expected: Expected) -> OutputAudit:
    """An output that is not a PDF (braille, e-book, audio, the HTML twin), judged by its
    format's own check against what the engine would render from today's sources."""
    name = expected.output
    fmt = FORMATS.get(name.format)
    if fmt is None:
        return OutputAudit(path, [_unreadable(f"not a format leafletgen builds: {name.format!r}")])
    if name.paper not in PAPERS:
        return OutputAudit(path, [_unreadable(f"unknown paper '{name.paper}' in the file name")])
    try:
        data = path.read_bytes()
    except OSError as error:
        return OutputAudit(path, [_unreadable(f"cannot read the file: {error.strerror}")])
    document = document_of(project, expected.prepared, PAPERS[name.paper], fmt)
    try:
        verdict = fmt.check(data, document)
    except LeafletError as error:
        return OutputAudit(path, [RuleResult(fmt.name, False, error.format_message())])
    return OutputAudit(
        path, [RuleResult(fmt.name, verdict.ok, str(verdict) + _first(verdict.failures))]
    )


def audit_pdf(path: Path, expected: Expected) -> OutputAudit:
    """Run every rule of RULES on one PDF; a file that is missing, not a PDF, encrypted or
    broken fails the audit with the reason, and never stops it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return OutputAudit(path, [_unreadable(f"cannot read the file: {error.strerror}")])
    if not data.startswith(b"%PDF-"):
        return OutputAudit(path, [_unreadable("not a PDF file (it does not start with %PDF-)")])
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return OutputAudit(path, [_unreadable("encrypted: a leaflet is never encrypted")])
    except pikepdf.PdfError as error:
        unreadable = _unreadable(f"not a readable PDF: {error}")
        return OutputAudit(path, [RULES[0].result(_pdf_ua(data, path.name)), unreadable])
    with pdf:
        if pdf.is_encrypted:  # opened with an empty password: still not a leaflet
            return OutputAudit(path, [_unreadable("encrypted: a leaflet is never encrypted")])
        try:
            text = _read_text(data)
        except Exception as error:  # pdfminer's errors have no common base class
            unreadable = _unreadable(f"its text cannot be read: {type(error).__name__}: {error}")
            return OutputAudit(path, [RULES[0].result(_pdf_ua(data, path.name)), unreadable])
        subject = Subject(path.name, data, pdf, text, expected)
        return OutputAudit(path, [rule.result(rule.applied(subject)) for rule in RULES])


def _unreadable(detail: str) -> RuleResult:
    return RuleResult("readable", False, detail)


def _pdf_ua(data: bytes, name: str) -> Finding:
    import page

    from leafletgen.render.pdf.validate import check_pdfua  # loads the validator's native module

    try:
        verdict = check_pdfua(data, name=name)
    except RenderError as error:  # past the validator's limits: this rule fails, the audit goes on
        return Finding(False, error.format_message())
    except page.PageError as error:  # a file the validator cannot parse at all
        return Finding(False, f"the validator cannot read it: {error}")
    return Finding(verdict.ok, str(verdict) + _first(verdict.failures))


def _first(failures: tuple[str, ...]) -> str:
    if not failures:
        return ""
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    return f": {failures[0]}{more}"


# --- The document ---------------------------------------------------------------------


def _language(pdf: pikepdf.Pdf, expected: Expected) -> Finding:
    found = str(pdf.Root.get("/Lang", ""))
    want = expected.output.language
    if not found:
        return Finding(False, "the document has no /Lang")
    ok = found.lower() == want.lower()
    return Finding(ok, f"/Lang {found}" + ("" if ok else f", expected {want}"))


def _title(pdf: pikepdf.Pdf, expected: Expected) -> Finding:
    with pdf.open_metadata() as xmp:
        title = str(xmp.get("dc:title", "")) or str(pdf.docinfo.get("/Title", ""))
    shows_title = bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))
    if title != expected.title:
        return Finding(False, f"title {title!r}, expected {expected.title!r}")
    if not shows_title:
        return Finding(False, "viewers are not told to show the title")
    return Finding(True, repr(title))


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary | None]]:
    """(name, font descriptor) of every font the pages and their forms use, once each."""
    seen: set[tuple[int, int]] = set()

    def in_resources(resources: pikepdf.Object) -> Iterator[tuple[str, pikepdf.Dictionary | None]]:
        for font in resources.get("/Font", {}).values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            if font.get("/Subtype") == "/Type3":
                continue  # drawn by content streams inside the file: nothing to embed
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            yield str(font.get("/BaseFont", "?"))[1:], described.get("/FontDescriptor")
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from in_resources(xobject.get("/Resources", {}))

    for page in pdf.pages:
        yield from in_resources(page.obj.get("/Resources", {}))


def _fonts_embedded(pdf: pikepdf.Pdf) -> Finding:
    names, missing = [], []
    for name, descriptor in _fonts(pdf):
        names.append(name)
        if descriptor is None or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            missing.append(name)
    if missing:
        return Finding(False, "not embedded: " + ", ".join(missing))
    return Finding(True, f"{counted(len(names), 'font')}, all embedded")


def _no_italic(pdf: pikepdf.Pdf) -> Finding:
    italic = sorted(
        {
            name
            for name, descriptor in _fonts(pdf)
            if re.search(r"Italic|Oblique", name)
            or (
                descriptor is not None
                and (
                    float(descriptor.get("/ItalicAngle", 0)) != 0
                    or int(descriptor.get("/Flags", 0)) & _ITALIC_FLAG
                )
            )
        }
    )
    if italic:
        return Finding(False, "italic fonts in large print: " + ", ".join(italic))
    return Finding(True, "no italic font")


# --- The structure tree ---------------------------------------------------------------


def _untagged(pdf: pikepdf.Pdf) -> Finding | None:
    if "/StructTreeRoot" not in pdf.Root:
        return Finding(False, "the PDF is not tagged (no structure tree)")
    return None


def _heading_levels(pdf: pikepdf.Pdf) -> Finding:
    if untagged := _untagged(pdf):
        return untagged
    levels = [int(m[1]) for node in walk(pdf) if (m := _HEADING.fullmatch(node.type))]
    if not levels:
        return Finding(False, "no headings")
    if levels[0] != 1:
        return Finding(False, f"the first heading is H{levels[0]}, not H1")
    for number, (before, after) in enumerate(pairwise(levels), start=2):
        if after > before + 1:
            return Finding(False, f"heading {number} skips from H{before} to H{after}")
    return Finding(True, f"{counted(len(levels), 'heading')}, none skipped")


def _table_headers(pdf: pikepdf.Pdf) -> Finding:
    if untagged := _untagged(pdf):
        return untagged
    nodes = list(walk(pdf))
    tables = {node.element.objgen for node in nodes if node.type == "Table"}
    headed = {p.objgen for node in nodes if node.type == "TH" for p in node.parents} & tables
    if without := len(tables - headed):
        detail = f"{without} of {counted(len(tables), 'table')} {verb(without, 'has', 'have')} no TH cell"
        return Finding(False, detail)
    detail = f"{counted(len(tables), 'table')}, each with header cells" if tables else "no tables"
    return Finding(True, detail)


def _alt_text(pdf: pikepdf.Pdf) -> Finding:
    if untagged := _untagged(pdf):
        return untagged
    figures = [node.element for node in walk(pdf) if node.type in ("Figure", "Formula")]
    bare = [e for e in figures if not str(e.get("/Alt", "")).strip() and "/ActualText" not in e]
    if bare:
        return Finding(
            False,
            f"{len(bare)} of {counted(len(figures), 'image')} {verb(len(bare), 'has', 'have')} no /Alt",
        )
    return Finding(
        True, f"{counted(len(figures), 'image')}, each with /Alt" if figures else "no images"
    )


def _structure_complete(pdf: pikepdf.Pdf) -> Finding:
    """Every structure element the ParentTree names is in the tree: none is orphaned."""
    if untagged := _untagged(pdf):
        return untagged
    orphans = list(stray_content(pdf))
    listed_elsewhere = [
        node.type
        for node in walk(pdf)
        if node.parent is not None
        and "/P" in node.element
        and node.element.P.objgen != node.parent.objgen
    ]
    if orphans:
        page = 1 + [p.obj.objgen for p in pdf.pages].index(orphans[0][0])
        return Finding(
            False,
            f"{counted(len(orphans), 'structure element')} {verb(len(orphans), 'holds', 'hold')} content "
            f"but {verb(len(orphans), 'is', 'are')} not in the tree "
            f"(the first on page {page}): a reader neither reads them in order nor skips them",
        )
    if listed_elsewhere:
        return Finding(
            False,
            f"{counted(len(listed_elsewhere), 'element')} {verb(len(listed_elsewhere), 'names', 'name')} "
            "another parent than its own",
        )
    return Finding(True, "every element that holds content is in the tree")


_SHOWS_TEXT = frozenset({"Tj", "TJ", "'", '"'})


def _content_in_tree(pdf: pikepdf.Pdf) -> Finding:
    """Every piece of text is real content in the tree or an artifact, nothing in between."""
    if untagged := _untagged(pdf):
        return untagged
    reached = {node.element.objgen for node in walk(pdf)}
    tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    parent_tree = pikepdf.NumberTree(tree) if tree is not None else {}
    problems: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        entries = None
        if "/StructParents" in page.obj:
            entries = parent_tree.get(int(page.obj.StructParents))
        stack: list[str] = []  # "artifact", "content" or "stray" for each open marked section
        loose = 0  # text shown in no marked content at all
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                stack.append(_marked_as(instruction.operands, entries, reached, stack))
            elif operator == "EMC" and stack:
                stack.pop()
            elif operator in _SHOWS_TEXT and not stack:
                loose += 1
            elif operator in _SHOWS_TEXT and stack[-1] == "stray":
                problems.append(f"page {number}")
                stack[-1] = "reported"
        if loose:
            problems.append(f"page {number}: {loose} text runs in no marked content")
    if problems:
        return Finding(
            False,
            f"text outside the tree and not an artifact, read on every page: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
        )
    return Finding(True, "all text in the tree or marked as artifacts")


def _marked_as(
    operands: list[pikepdf.Object],
    entries: pikepdf.Object | None,
    reached: set[tuple[int, int]],
    stack: list[str],
) -> str:
    """What a marked-content section is: inside an artifact or real content, it is that too."""
    if stack and stack[-1] in ("artifact", "content"):
        return stack[-1]
    if str(operands[0]) == "/Artifact":
        return "artifact"
    properties = operands[1] if len(operands) > 1 else None
    if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
        return stack[-1] if stack else "stray"  # a span without MCID belongs to what holds it
    mcid = int(properties.MCID)
    holder = entries[mcid] if isinstance(entries, pikepdf.Array) and mcid < len(entries) else None
    if isinstance(holder, pikepdf.Dictionary) and holder.objgen in reached:
        return "content"
    return "stray"


def _lists_whole(pdf: pikepdf.Pdf, expected: Expected) -> Finding:
    """Each list is one L with as many items as the leaflet prints, each item with its label:
    a list broken by a page is not read as two shorter lists."""
    if untagged := _untagged(pdf):
        return untagged
    lists = [node for node in walk(pdf) if node.type == "L"]
    sizes = tuple(sum(1 for kid in node.kids if str(kid.S) == "/LI") for node in lists)
    # A list drawn without bullets (list-style: none) has no labels; one whose other items
    # have them has an item broken by a page and read as a second, bullet-less one.
    unlabelled = sum(
        labels.count(False) for labels in map(_labels, lists) if any(labels) and not all(labels)
    )
    if sizes != expected.lists:
        return Finding(
            False,
            f"{counted(len(sizes), 'list')} of {list(sizes)} items; the leaflet prints "
            f"{len(expected.lists)} of {list(expected.lists)}",
        )
    if unlabelled:
        return Finding(
            False,
            f"{counted(unlabelled, 'list item')} {verb(unlabelled, 'has', 'have')} no label (bullet) "
            "beside ones that do",
        )
    total = sum(sizes)
    return Finding(
        True, f"{counted(len(sizes), 'list')}, {counted(total, 'item')}, each whole and labelled"
    )


def _labels(node: Node) -> list[bool]:
    """For each item of a list, whether it has a label (its bullet)."""
    return [
        any(
            str(part.get("/S")) == "/Lbl"
            for part in kids_of(item)
            if isinstance(part, pikepdf.Dictionary)
        )
        for item in node.kids
        if str(item.S) == "/LI"
    ]


# --- The printed text -----------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    lines: list[str]  # every text line in logical order, page by page
    smallest: float  # pt, of any visible character
    smallest_at: str  # where it was found


def _read_text(data: bytes) -> _Text:
    from pdfminer.high_level import extract_pages  # slow to import: only when auditing
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    lines: list[str] = []
    smallest, smallest_at = float("inf"), ""
    for number, page in enumerate(extract_pages(io.BytesIO(data)), start=1):
        for box in (e for e in page if isinstance(e, LTTextContainer)):
            for line in (x for x in box if isinstance(x, LTTextLine)):
                chars = [c for c in line if isinstance(c, LTChar)]
                lines.append(_logical(chars))
                for char in chars:
                    if char.get_text().strip() and char.size < smallest - 0.01:
                        smallest = char.size
                        smallest_at = f"page {number}: {line.get_text().strip()[:40]!r}"
    return _Text(lines, smallest, smallest_at)


def _logical(chars: list) -> str:  # type: ignore[type-arg]
    # A PDF stores glyphs in visual order; a line that runs right to left reads back reversed,
    # as every reader reverses it: character by character (a ligature's letters are mapped in
    # visual order for this, leafletgen/render/pdf/text_layer.py).
    text = "".join(c.get_text() for c in chars)
    rtl = any("\u0590" <= char <= "\u08ff" for char in text)  # Hebrew to Arabic
    return text[::-1] if rtl else text


def _font_size(text: _Text, expected: Expected) -> Finding:
    floor = expected.variant.min_font_pt
    if text.smallest == float("inf"):
        return Finding(False, "no text found")
    detail = f"smallest {text.smallest:.1f} pt (at least {floor:g} pt)"
    if text.smallest < floor - 0.05:
        return Finding(False, f"{detail}, at {text.smallest_at}")
    return Finding(True, detail)


def _squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _draft_notice(text: _Text, expected: Expected) -> Finding:
    printed = _squeezed("".join(text.lines))
    if expected.draft_notice is None:
        return Finding(True, "reviewed or original: no notice needed")
    if _squeezed(expected.draft_notice) not in printed:
        return Finding(
            False,
            f"{expected.draft} without the notice {expected.draft_notice!r}",
        )
    return Finding(True, f"{expected.draft}: notice printed")


# Every rule, named once; pdf-ua-1 first (it is the one an unreadable file still gets).
RULES: tuple[Rule, ...] = (
    Rule("pdf-ua-1", lambda s: _pdf_ua(s.data, s.name)),
    Rule("language", lambda s: _language(s.pdf, s.expected)),
    Rule("title", lambda s: _title(s.pdf, s.expected)),
    Rule("fonts-embedded", lambda s: _fonts_embedded(s.pdf)),
    Rule("heading-levels", lambda s: _heading_levels(s.pdf)),
    Rule("table-headers", lambda s: _table_headers(s.pdf)),
    Rule("alt-text", lambda s: _alt_text(s.pdf)),
    Rule("tree-complete", lambda s: _structure_complete(s.pdf)),
    Rule("content-in-tree", lambda s: _content_in_tree(s.pdf)),
    Rule("lists-whole", lambda s: _lists_whole(s.pdf, s.expected)),
    Rule("font-size", lambda s: _font_size(s.text, s.expected)),
    Rule("no-italic", lambda s: _no_italic(s.pdf), optional=True),
    Rule("draft-notice", lambda s: _draft_notice(s.text, s.expected)),
)
