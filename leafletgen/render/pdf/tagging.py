"""Repair the structure tree WeasyPrint 70 writes, where the PDF/UA validators do not look.

WeasyPrint tags a leaflet well enough to pass PDF/UA-1 validation, but a screen reader still
misses these things, each repaired here by one function over the finished file:

- ``mark_margin_artifacts``: running headers and footers are tagged content the tree does
  not reach: neither real content nor artifacts, and read aloud on every page;
- ``add_scope``: header cells carry no ``/Scope``, though the HTML says ``scope``;
- ``build_id_tree``: header cells carry ``/ID`` and data cells name them in ``/Headers``, but
  without the structure tree's ``/IDTree`` no reader can resolve those names;
- ``mark_languages``: an element's own ``lang`` (an English passage left in an Arabic leaflet)
  never reaches the structure tree, so it is read with the document's voice;
- ``merge_split_tables``: WeasyPrint builds the tree page by page, so a table that breaks
  across pages becomes two tables, the second with a repeated, re-tagged header row;
  ``join_split_elements`` does the same for the document's main part, its sections, lists,
  list items and paragraphs;
- ``number_lists``: an ordered list (``<ol>``) is an ``L`` like any other, its items' numbers
  only labels: ``/ListNumbering /Decimal`` tells a reader the list is numbered.

Some need facts only the layout knows (which text came from which ``lang`` or margin box,
which fragments on two pages are one HTML element): ``read_layout`` takes them from the
WeasyPrint document, in the order WeasyPrint writes the tree. ``walk`` and
``stray_content`` are small public readers of the tree, meant for the repairs here and for
checks that read the tree.

One more repair is for the validator itself: ``group_outline`` nests the bookmarks of a
leaflet with hundreds of headings, whose long flat list the validator refuses to walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pikepdf

from leafletgen.errors import RenderError

Element = pikepdf.Dictionary


# -- Reading the tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One structure element as a reader of the tree meets it.

    ``type`` is the standard type after the RoleMap (``"TH"``, ``"P"``…); ``parents`` runs
    from the tree's top element down to this element's parent.
    """

    element: Element
    type: str
    parents: tuple[Element, ...]

    @property
    def parent(self) -> Element | None:
        return self.parents[-1] if self.parents else None

    @property
    def kids(self) -> list[Element]:
        """The structure elements directly below, in order."""
        return [kid for kid in kids_of(self.element) if _is_element(kid)]

    @property
    def mcids(self) -> list[tuple[pikepdf.Object | None, int]]:
        """(page, MCID) of the marked content this element holds itself, in order."""
        return [
            _content_item(self.element, kid)
            for kid in kids_of(self.element)
            if isinstance(kid, int) or (_is_dict(kid) and kid.get("/Type") == "/MCR")
        ]

    def attribute(self, name: str, owner: str | None = None) -> Any:
        """A standard attribute (``"/Scope"``, ``"/Headers"``…) of any or of one owner."""
        for attributes in attribute_dicts(self.element):
            if name in attributes and (owner is None or attributes.get("/O") == owner):
                return attributes[name]
        return None


def walk(pdf: pikepdf.Pdf) -> Iterator[Node]:
    """Every structure element below the StructTreeRoot, depth first, in reading order."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    role_map = root.get("/RoleMap", pikepdf.Dictionary())

    def visit(element: Element, parents: tuple[Element, ...]) -> Iterator[Node]:
        yield Node(element, _standard_type(element, role_map), parents)
        for kid in kids_of(element):
            if _is_element(kid):
                yield from visit(kid, (*parents, element))

    for top in kids_of(root):
        if _is_element(top):
            yield from visit(top, ())


def kids_of(element: pikepdf.Object) -> list[Any]:
    """An element's ``/K`` as a list (it may be one kid, an array or absent)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_dict(value: object) -> bool:
    return isinstance(value, pikepdf.Dictionary)


def _is_element(value: object) -> bool:
    return _is_dict(value) and "/S" in value  # type: ignore[operator]


def _standard_type(element: Element, role_map: pikepdf.Dictionary) -> str:
    name = str(element.S)
    seen = set()
    while name in role_map and name not in seen:  # a RoleMap may chain, never loop
        seen.add(name)
        name = str(role_map[name])
    return name[1:]


def attribute_dicts(element: Element) -> list[pikepdf.Dictionary]:
    attributes = element.get("/A")
    if attributes is None:
        return []
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [item for item in items if _is_dict(item)]  # an array may hold revision numbers


def _content_item(element: Element, kid: Any) -> tuple[pikepdf.Object | None, int]:
    if isinstance(kid, int):
        return element.get("/Pg"), int(kid)
    return kid.get("/Pg", element.get("/Pg")), int(kid.MCID)


# -- What the layout knows ------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Facts from WeasyPrint's layout, in the order WeasyPrint writes the structure tree.

    ``languages``: for each piece of marked content (a run of text or an image), its language
    when an element's ``lang`` makes it differ from the document's, else None.
    ``tables``: for each Table element, a number naming the HTML table it came from; a number
    seen before means a continuation of that table on a later page.
    ``margins``: for each piece of content in a page's margin boxes (running title, footer,
    page number, draft notice), the pagination artifact it is: ``"Header"`` or ``"Footer"``.
    ``blocks``: for each piece of content in the tree (as ``languages``), the paragraphs,
    list items and lists it is in, innermost first, as (structure type, a number naming the
    HTML element): the same number on two pages means one element broken across them.
    ``ordered``: the numbers (as in ``blocks``) of the lists that are ``<ol>``.
    """

    languages: tuple[str | None, ...]
    tables: tuple[int, ...]
    margins: tuple[str, ...] = ()
    blocks: tuple[tuple[tuple[str, int], ...], ...] = ()
    ordered: frozenset[int] = frozenset()


# The HTML elements whose parts on several pages are joined into one structure element, and
# their structure types (WeasyPrint's), outermost first: an outer element is joined before
# the ones inside it, whose parts then share one parent.
JOINED = {
    "main": "Part",
    "article": "Art",
    "section": "Sect",
    "blockquote": "BlockQuote",
    "div": "Div",
    "ul": "L",
    "ol": "L",
    "dl": "L",
    "li": "LI",
    "dt": "LI",
    "dd": "LI",
    "p": "P",
}


def read_layout(document: Any) -> Layout:
    """Read ``Layout`` from a rendered WeasyPrint document (before it is written)."""
    from weasyprint.formatting_structure import boxes  # slow to import: only when rendering
    from weasyprint.layout.absolute import AbsolutePlaceholder

    languages: list[str | None] = []
    tables: list[int] = []
    margins: list[str] = []
    blocks: list[tuple[tuple[str, int], ...]] = []
    ordered: set[int] = set()
    table_numbers: dict[int, int] = {}
    element_numbers: dict[int, int] = {}
    root_lang = document.metadata.lang or ""

    def visit_margin(box: Any, subtype: str) -> None:
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            margins.append(subtype)
        for child in getattr(box, "children", ()):
            visit_margin(child, subtype)

    def visit(box: Any, lang: str, within: tuple[tuple[str, int], ...]) -> None:
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):  # running headers and footers: not in the tree
            visit_margin(box, "Footer" if box.at_keyword.startswith("@bottom") else "Header")
            return
        if box.element is not None and box.element.get("lang"):
            lang = box.element.get("lang")
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            languages.append(None if lang.lower() == root_lang.lower() else lang)
            blocks.append(within)
            return
        if box.element is not None and box.element_tag in JOINED:
            number = element_numbers.setdefault(id(box.element), len(element_numbers))
            if not within or within[0][1] != number:  # anonymous boxes share their element
                within = ((JOINED[box.element_tag], number), *within)
            if box.element_tag == "ol":
                ordered.add(number)
        if box.element_tag == "table" and box.is_table_wrapper:
            number = table_numbers.setdefault(id(box.element), len(table_numbers))
            tables.append(number)
        for child in getattr(box, "children", ()):
            visit(child, lang, within)

    for page in document.pages:
        visit(page._page_box, root_lang, ())
    return Layout(
        languages=tuple(languages),
        tables=tuple(tables),
        margins=tuple(margins),
        blocks=tuple(blocks),
        ordered=frozenset(ordered),
    )


# -- The repairs ----------------------------------------------------------------------------


def repair(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Apply every repair, in the order they depend on each other."""
    mark_margin_artifacts(pdf, layout)
    mark_languages(pdf, layout)  # first: it pairs content with the layout in original order
    names = join_split_elements(pdf, layout)  # before the tables: pairs content in order
    number_lists(pdf, layout, names)
    merge_split_tables(pdf, layout)
    joined = list(walk(pdf))  # one walk of the joined tree serves the last two repairs
    add_scope(joined)
    build_id_tree(pdf, joined)  # last: after the repeated headers and their IDs are gone
    group_outline(pdf)  # the bookmarks, not the tree: independent of the repairs above


def mark_margin_artifacts(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Make the margin boxes' content pagination artifacts, off the tree and its ParentTree.

    WeasyPrint tags a running header or footer as marked content whose element names the
    Document as its parent while the Document does not list it: neither in the tree nor an
    artifact, which PDF/UA-1 forbids, and which readers then read aloud on every page. Those
    elements are the ParentTree's entries the tree does not reach; WeasyPrint creates them
    in layout order, so in order of their object numbers they pair one to one with the
    layout's margin content, which says whether each is a header or a footer.
    """
    orphans = sorted((holder.objgen, page, mcid) for page, mcid, holder in stray_content(pdf))
    if len(orphans) != len(layout.margins):
        raise RenderError(
            f"{len(orphans)} pieces of content are outside the structure tree, the layout "
            f"has {len(layout.margins)} in its margins: cannot make them artifacts"
        )
    artifacts: dict[tuple[int, int], dict[int, str]] = {}
    pages = {page.obj.objgen: page for page in pdf.pages}
    for (_, page_key, mcid), subtype in zip(orphans, layout.margins, strict=True):
        artifacts.setdefault(page_key, {})[mcid] = subtype
    for key, mcids in artifacts.items():
        _mark_artifacts(pdf, pages[key], mcids)


def stray_content(pdf: pikepdf.Pdf) -> Iterator[tuple[tuple[int, int], int, Element]]:
    """(page, MCID, element) of each piece of marked content the ParentTree gives to an
    element the structure tree does not reach: content that is neither in the tree nor an
    artifact."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return
    reached = {node.element.objgen for node in walk(pdf)}
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    for page in pdf.pages:
        if "/StructParents" not in page.obj:
            continue
        entries = parent_tree.get(int(page.obj.StructParents))
        if not isinstance(entries, pikepdf.Array):
            continue
        for mcid, holder in enumerate(entries):
            if _is_dict(holder) and holder.objgen not in reached:
                yield page.obj.objgen, mcid, holder


def mark_languages(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Give ``/Lang`` to the element holding each run of text whose HTML ``lang`` differs.

    WeasyPrint sets only the document's language, so a reader speaks an untranslated English
    passage in an Arabic leaflet with the Arabic voice. Every run of text becomes its own
    element (a Span, or the Link holding it), and those come in the layout's order, so the
    runs are paired one to one; the pairing must cover the tree exactly, or it is refused.
    """
    holders = list(_content_in_order(pdf))
    if len(holders) != len(layout.languages):
        raise RenderError(
            f"structure tree has {len(holders)} pieces of content, the layout "
            f"{len(layout.languages)}: cannot mark their languages"
        )
    by_element: dict[tuple[int, int], list[str | None]] = {}
    elements: dict[tuple[int, int], Element] = {}
    for element, lang in zip(holders, layout.languages, strict=True):
        by_element.setdefault(element.objgen, []).append(lang)
        elements[element.objgen] = element
    for key, langs in by_element.items():
        if langs[0] is not None and len(set(langs)) == 1:  # a Link may mix languages: leave it
            elements[key].Lang = pikepdf.String(langs[0])


def _content_in_order(pdf: pikepdf.Pdf) -> Iterator[Element]:
    """The element holding each piece of marked content, in the tree's reading order."""

    def visit(element: Element) -> Iterator[Element]:
        for kid in kids_of(element):
            if _is_element(kid):
                yield from visit(kid)
            elif isinstance(kid, int) or (_is_dict(kid) and kid.get("/Type") == "/MCR"):
                yield element

    yield from visit(pdf.Root.StructTreeRoot)


def join_split_elements(pdf: pikepdf.Pdf, layout: Layout) -> dict[tuple[int, int], tuple[str, int]]:
    """Make each element that breaks across pages (``JOINED``) one structure element again.

    WeasyPrint builds the tree page by page: the main part becomes one Part per page, a
    section broken by a page two sections (a reader's list of sections shows the second
    without its heading), a list two lists (a reader announces 1 item, then 4), and an item
    a second, bullet-less item.
    Each piece of content is paired with the HTML elements the layout says it is in (as
    ``mark_languages`` pairs it), which names each structure element above it; the parts of
    one HTML element then move into its first part, in order. Returns that naming: each
    structure element's (type, HTML element number), by its object id.
    """
    holders = list(_content_in_order(pdf))
    if len(holders) != len(layout.blocks):
        raise RenderError(
            f"structure tree has {len(holders)} pieces of content, the layout "
            f"{len(layout.blocks)}: cannot join elements split across pages"
        )
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap", pikepdf.Dictionary())
    names: dict[tuple[int, int], tuple[str, int]] = {}
    for holder, within in zip(holders, layout.blocks, strict=True):
        seen: dict[str, int] = {}
        element: Any = holder
        # An element named already was named by an earlier piece of content, which went on
        # up to the top: so were all the elements above it.
        while _is_element(element) and element.objgen not in names:
            kind = _standard_type(element, role_map)
            numbers = [number for other, number in within if other == kind]
            rank = seen[kind] = seen.get(kind, -1) + 1
            if rank < len(numbers):
                names.setdefault(element.objgen, (kind, numbers[rank]))
            element = element.get("/P")
    # One walk serves every kind: a join moves a part's kids to the end of its first part,
    # which comes before it, so the reading order of what is left to join stays the same.
    named = [node for node in walk(pdf) if node.element.objgen in names]
    for kind in dict.fromkeys(JOINED.values()):  # outermost first
        first: dict[tuple[str, int], Node] = {}
        parts: list[tuple[Node, Node]] = []
        for node in named:
            if node.type != kind:
                continue
            name = names[node.element.objgen]
            if name in first:
                parts.append((first[name], node))
            else:
                first[name] = node
        for into, part in parts:
            _absorb(pdf, into, part)
    return names


def number_lists(
    pdf: pikepdf.Pdf, layout: Layout, names: dict[tuple[int, int], tuple[str, int]]
) -> None:
    """Give each list that is an ``<ol>`` the attribute ``/ListNumbering /Decimal`` (PDF 1.7,
    14.8.5.5): without it a reader announces a bulleted list and the numbers as mere labels."""
    for node in walk(pdf):
        name = names.get(node.element.objgen)
        if node.type == "L" and name is not None and name[1] in layout.ordered:
            _owned_attributes(node.element, "List").ListNumbering = pikepdf.Name.Decimal


def _absorb(pdf: pikepdf.Pdf, into: Node, part: Node) -> None:
    """Move the kids of ``part`` to the end of ``into`` and remove ``part``.

    A list item's continuation brings its body's kids into the first part's body; a label
    it has (a second bullet) becomes an artifact.
    """
    target, source = into.element, part.element
    if into.type == "LI":
        target = next((kid for kid in into.kids if str(kid.S) == "/LBody"), target)
        bodies = [kid for kid in part.kids if str(kid.S) == "/LBody"]
        for label in (kid for kid in part.kids if str(kid.S) == "/Lbl"):
            _make_artifact(pdf, label)
        kids = [kid for body in bodies for kid in kids_of(body)] + [
            kid
            for kid in kids_of(source)
            if not (_is_element(kid) and str(kid.S) in ("/Lbl", "/LBody"))
        ]
    else:
        kids = kids_of(source)
    moved = pikepdf.Array(kids_of(target))
    parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    for kid in kids:
        if _is_element(kid):
            kid.P = target
        elif isinstance(kid, int) or (_is_dict(kid) and kid.get("/Type") == "/MCR"):
            page, mcid = _content_item(source, kid)
            kid = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=mcid))
            parent_tree[int(page.StructParents)][mcid] = target
        moved.append(kid)
    target.K = moved
    _remove(source, _parents(source))  # not ``part.parents``: an outer join may have moved it


def _parents(element: Element) -> tuple[Element, ...]:
    """The elements above ``element``, from the tree's top element down, by their ``/P``."""
    parents: list[Element] = []
    parent = element.get("/P")
    while _is_element(parent):
        parents.append(parent)
        parent = parent.get("/P")
    return tuple(reversed(parents))


def merge_split_tables(pdf: pikepdf.Pdf, layout: Layout) -> None:
    """Make each table that breaks across pages one Table again, its header row tagged once.

    The continuation's body rows move into the first part's body; its repeated header row
    becomes a pagination artifact (drawn, not read again), and its data cells name the first
    part's header cells. A container left empty by the move is removed.
    """
    tables = [node for node in walk(pdf) if node.type == "Table"]
    if len(tables) != len(layout.tables):
        raise RenderError(
            f"structure tree has {len(tables)} tables, the layout {len(layout.tables)}: "
            "cannot join the parts of split tables"
        )
    first_part: dict[int, Node] = {}
    for node, number in zip(tables, layout.tables, strict=True):
        if number not in first_part:
            first_part[number] = node
        else:
            _join(pdf, first_part[number], node)


def _join(pdf: pikepdf.Pdf, first: Node, part: Node) -> None:
    # The repeated header cells go; the continuation's cells name the first part's instead.
    renamed = dict(zip(_column_header_ids(part), _column_header_ids(first), strict=False))
    body = next((kid for kid in reversed(first.kids) if str(kid.S) == "/TBody"), first.element)
    for section in part.kids:
        if str(section.S) == "/THead":
            _make_artifact(pdf, section)
            continue
        rows = kids_of(section) if str(section.S) == "/TBody" else [section]
        for row in rows:
            row.P = body
            body.K.append(row)
    for cell in descendants(part.element):
        headers = Node(cell, "", ()).attribute("/Headers", "/Table")
        if headers is not None:
            for index, name in enumerate(headers):
                headers[index] = renamed.get(bytes(name), name)
    _remove(part.element, part.parents)


def _column_header_ids(table: Node) -> list[bytes]:
    heads = [kid for kid in table.kids if str(kid.S) == "/THead"]
    return [bytes(cell.ID) for head in heads for cell in descendants(head) if "/ID" in cell]


def descendants(element: Element) -> Iterator[Element]:
    """The structure elements below ``element`` (a StructTreeRoot too), depth first."""
    for kid in kids_of(element):
        if _is_element(kid):
            yield kid
            yield from descendants(kid)


def _remove(element: Element, parents: tuple[Element, ...]) -> None:
    """Take ``element`` out of its parent, and each ancestor the removal leaves empty."""
    for parent in reversed(parents):
        parent.K = pikepdf.Array(
            [kid for kid in kids_of(parent) if not (_is_dict(kid) and kid.objgen == element.objgen)]
        )
        if kids_of(parent) or parent.objgen == parents[0].objgen:
            return  # the top element (Document) stays, even empty
        element = parent


def _make_artifact(pdf: pikepdf.Pdf, element: Element) -> None:
    """Turn the marked content below ``element`` into pagination artifacts, off the tree."""
    pages: dict[tuple[int, int], dict[int, str | None]] = {}
    page_objects: dict[tuple[int, int], pikepdf.Object] = {}
    for holder in [element, *descendants(element)]:
        for page, mcid in Node(holder, "", ()).mcids:
            pages.setdefault(page.objgen, {})[mcid] = None
            page_objects[page.objgen] = page
    for key, mcids in pages.items():
        _mark_artifacts(pdf, pikepdf.Page(page_objects[key]), mcids)


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: dict[int, str | None]) -> None:
    """Re-mark the page's content ``mcids`` as pagination artifacts (of the subtype each
    names, if any) and take them out of the ParentTree, whose page entry is indexed by MCID."""
    contents = _remarked(page, mcids)
    if contents is None:
        contents = _remarked_by_parsing(page, mcids)
    page.obj.Contents = pdf.make_stream(contents)
    parent_tree = pdf.Root.StructTreeRoot.ParentTree
    entries = pikepdf.NumberTree(parent_tree)[int(page.obj.StructParents)]
    for mcid in mcids:
        entries[mcid] = None


# How WeasyPrint opens a piece of marked content: "/Span <</MCID 3>> BDC" (its text is in hex
# strings, so these bytes cannot occur inside one).
_MARKED_CONTENT = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _remarked(page: pikepdf.Page, mcids: dict[int, str | None]) -> bytes | None:
    """The page's content with those ``mcids`` opened as artifacts, by rewriting only their
    operators (a page's stream parsed and written again costs a hundred times more); None
    unless each was found exactly once in a single stream."""
    stream = page.obj.get("/Contents")
    if not isinstance(stream, pikepdf.Stream):
        return None
    found: list[int] = []

    def artifact(match: re.Match[bytes]) -> bytes:
        mcid = int(match.group(1))
        if mcid not in mcids:
            return match.group(0)
        found.append(mcid)
        subtype = mcids[mcid]
        return b"/Artifact <</Type /Pagination" + (
            b" /Subtype /" + subtype.encode("ascii") + b">> BDC" if subtype else b">> BDC"
        )

    data = _MARKED_CONTENT.sub(artifact, stream.read_bytes())
    return data if sorted(found) == sorted(mcids) else None


def _remarked_by_parsing(page: pikepdf.Page, mcids: dict[int, str | None]) -> bytes:
    instructions = []
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands
        if (
            str(instruction.operator) == "BDC"
            and _is_dict(operands[1])
            and int(operands[1].get("/MCID", -1)) in mcids
        ):
            properties = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
            subtype = mcids[int(operands[1].MCID)]
            if subtype is not None:
                properties.Subtype = pikepdf.Name("/" + subtype)
            instruction = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, properties], pikepdf.Operator("BDC")
            )
        instructions.append(instruction)
    return pikepdf.unparse_content_stream(instructions)


def add_scope(nodes: Iterable[Node]) -> None:
    """Give each header cell a ``/Scope``, as its HTML ``scope`` says.

    Our tables have one header row (``scope="col"``) and may name each body row by its first
    cell (``scope="row"``); WeasyPrint uses these to fill ``/Headers`` but drops the scope
    itself, which PDF/UA-1 (7.5) expects for header cells that readers pair by scope.
    """
    for node in nodes:
        if node.type != "TH" or node.parent is None:
            continue
        row = node.parent
        group = str(row.P.S) if "/P" in row and "/S" in row.P else ""
        first_in_row = kids_of(row)[0].objgen == node.element.objgen
        scope = "/Column" if group == "/THead" or not first_in_row else "/Row"
        _owned_attributes(node.element, "Table").Scope = pikepdf.Name(scope)


def _owned_attributes(element: Element, owner: str) -> pikepdf.Dictionary:
    """The element's attribute dictionary of ``owner`` ("Table", "List"), added if missing."""
    for attributes in attribute_dicts(element):
        if attributes.get("/O") == f"/{owner}":
            return attributes
    attributes = pikepdf.Dictionary(O=pikepdf.Name(f"/{owner}"))
    element.A = attributes
    return attributes


def build_id_tree(pdf: pikepdf.Pdf, nodes: Iterable[Node]) -> None:
    """Index every element's ``/ID`` in the StructTreeRoot's ``/IDTree``.

    Data cells name their header cells in ``/Headers`` by ID; ISO 32000-1 (14.7.2) resolves
    an ID only through the IDTree, which WeasyPrint does not write.
    """
    identified = [node.element for node in nodes if "/ID" in node.element]
    if not identified:
        return
    tree = pikepdf.NameTree.new(pdf)
    for element in identified:
        tree[str(element.ID)] = element
    pdf.Root.StructTreeRoot.IDTree = tree.obj


# -- The bookmarks ----------------------------------------------------------------------------

# page-validation walks the outline recursively, one step deeper for each /First (a child) and
# each /Next (the following sibling): the 300th bookmark of a flat list is 300 steps deep. Past
# its SafetyLimits.DEFAULT_MAX_REFERENCE_DEPTH it raises SafetyLimitError instead of a report,
# and raising that limit is no way out: at about 20,000 steps its recursion overflows the stack
# and kills the process (tests/test_limits.py checks this number against page's).
OUTLINE_DEPTH_LIMIT = 256
OUTLINE_GROUP_SIZE = 20  # bookmarks per group: a level's list stays short enough to scan


def outline_depth(pdf: pikepdf.Pdf) -> int:
    """The deepest step of the outline as page-validation counts it, the first bookmark 0."""
    outlines = pdf.Root.get("/Outlines")
    first = outlines.get("/First") if _is_dict(outlines) else None
    deepest = 0
    stack = [(first, 0)] if first is not None else []  # the outline's first item: step 0
    seen: set[tuple[int, int]] = set()
    while stack:
        item, depth = stack.pop()
        if not _is_dict(item) or item.objgen in seen:
            continue  # a cycle or a broken link: the validator reports those itself
        seen.add(item.objgen)
        deepest = max(deepest, depth)
        if "/First" in item:
            stack.append((item.First, depth + 1))
        if "/Next" in item:
            stack.append((item.Next, depth + 1))
    return deepest


def group_outline(pdf: pikepdf.Pdf) -> None:
    """Nest a level's bookmarks in closed groups of ``OUTLINE_GROUP_SIZE`` when the outline is
    too deep for the validator (hundreds of sections or questions).

    Each group is named after its first and last bookmark ("Section 1 – Section 20") and
    opens at the first one. An outline the validator can walk is left exactly as WeasyPrint
    wrote it, so only a leaflet that could not be checked before changes.
    """
    if outline_depth(pdf) <= OUTLINE_DEPTH_LIMIT:
        return
    root = pdf.Root.Outlines
    parents = [root]
    while parents:
        parent = parents.pop()
        items = outline_children(parent)
        while len(items) > OUTLINE_GROUP_SIZE:
            items = [
                _outline_group(pdf, parent, items[start : start + OUTLINE_GROUP_SIZE])
                for start in range(0, len(items), OUTLINE_GROUP_SIZE)
            ]
        link_outline_children(parent, items)
        parents.extend(item for item in outline_children(parent) if "/First" in item)
    count_outline(root)


def outline_children(parent: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    children: list[pikepdf.Dictionary] = []
    item = parent.get("/First")
    seen: set[tuple[int, int]] = set()
    while _is_dict(item) and item.objgen not in seen:
        seen.add(item.objgen)
        children.append(item)
        item = item.get("/Next")
    return children


def link_outline_children(parent: pikepdf.Dictionary, items: list[pikepdf.Dictionary]) -> None:
    for before, after in pairwise(items):
        before.Next, after.Prev = after, before
    for item in items:
        item.Parent = parent
    for item, key in ((items[0], "/Prev"), (items[-1], "/Next")):
        if key in item:
            del item[key]
    parent.First, parent.Last = items[0], items[-1]


def _outline_group(
    pdf: pikepdf.Pdf, parent: pikepdf.Dictionary, items: list[pikepdf.Dictionary]
) -> pikepdf.Dictionary:
    """A closed bookmark holding ``items``, named after the first and the last of them."""
    if len(items) == 1:
        return items[0]
    first, last = _first_leaf(items[0]), _last_leaf(items[-1])
    group = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(f"{first.get('/Title', '')} – {last.get('/Title', '')}"),
            Parent=parent,
            Count=-1,  # closed: counted again below
        )
    )
    for key in ("/Dest", "/A"):  # opens where its first bookmark opens
        if key in first:
            group[key] = first[key]
    link_outline_children(group, items)
    group[_GROUP] = True
    return group


_GROUP = "/LeafletgenGroup"  # marks a group while the outline is rebuilt: removed by the count


def _first_leaf(item: pikepdf.Dictionary) -> pikepdf.Dictionary:
    while _GROUP in item:
        item = item.First
    return item


def _last_leaf(item: pikepdf.Dictionary) -> pikepdf.Dictionary:
    while _GROUP in item:
        item = item.Last
    return item


def count_outline(root: pikepdf.Dictionary) -> None:
    """Set each ``/Count``: the bookmarks shown below an open item, negated for a closed one."""

    def shown_below(item: pikepdf.Dictionary) -> int:
        shown = 0
        for child in outline_children(item):
            below = shown_below(child)  # as deep as the headings and groups nest: a few levels
            shown += 1 + (below if int(child.get("/Count", 0)) >= 0 else 0)
        if item.objgen == root.objgen:
            item.Count = shown
        elif _GROUP in item:
            del item[_GROUP]
            item.Count = -shown  # a group starts closed
        elif shown or "/Count" in item:
            item.Count = shown if int(item.get("/Count", 0)) >= 0 else -shown
        return shown

    shown_below(root)
