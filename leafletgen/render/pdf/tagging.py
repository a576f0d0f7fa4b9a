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

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pikepdf

from leafletgen.errors import RenderError
from leafletgen.render.pdf.tree import Element as TreeElement
from leafletgen.render.pdf.tree import (
    Tree,
    is_dict,
    kids_of,
    parent_tree_entry,
    unreached_content,
)

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
            if isinstance(kid, int) or (is_dict(kid) and kid.get("/Type") == "/MCR")
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


def _is_element(value: object) -> bool:
    return is_dict(value) and "/S" in value  # type: ignore[operator]


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
    return [item for item in items if is_dict(item)]  # an array may hold revision numbers


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
    """Apply every repair, in the order they depend on each other, to one copy of the tree
    (``tree.Tree``), then write it back."""
    if "/StructTreeRoot" not in pdf.Root:
        raise RenderError("the renderer wrote no structure tree")
    tree = Tree(pdf)
    holders = tree.content_in_order()  # the repairs below that pair content with the layout
    mark_margin_artifacts(tree, layout)
    mark_languages(holders, layout)
    names = join_split_elements(tree, holders, layout)  # before the tables: its pairing
    number_lists(tree, layout, names)
    merge_split_tables(tree, layout)
    add_scope(tree)
    build_id_tree(tree)  # after the repeated headers and their IDs are gone
    tree.write()
    group_outline(pdf)  # the bookmarks, not the tree: independent of the repairs above


def mark_margin_artifacts(tree: Tree, layout: Layout) -> None:
    """Make the margin boxes' content pagination artifacts, off the tree and its ParentTree.

    WeasyPrint tags a running header or footer as marked content whose element names the
    Document as its parent while the Document does not list it: neither in the tree nor an
    artifact, which PDF/UA-1 forbids, and which readers then read aloud on every page. Those
    elements are the ParentTree's entries the tree does not reach; WeasyPrint creates them
    in layout order, so in order of their object numbers they pair one to one with the
    layout's margin content, which says whether each is a header or a footer.
    """
    orphans = sorted(
        ((holder.objgen, page.objgen, mcid, page) for page, mcid, holder in tree.stray_content()),
        key=lambda orphan: orphan[:3],
    )
    if len(orphans) != len(layout.margins):
        raise RenderError(
            f"{len(orphans)} pieces of content are outside the structure tree, the layout "
            f"has {len(layout.margins)} in its margins: cannot make them artifacts"
        )
    for (_, _, mcid, page), subtype in zip(orphans, layout.margins, strict=True):
        tree.mark_artifact(page, mcid, subtype)


def stray_content(pdf: pikepdf.Pdf) -> Iterator[tuple[tuple[int, int], int, Element]]:
    """(page, MCID, element) of each piece of marked content the ParentTree gives to an
    element the structure tree does not reach: content that is neither in the tree nor an
    artifact."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return
    reached = {node.element.objgen for node in walk(pdf)}
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    entries = functools.partial(parent_tree_entry, parent_tree)
    for page, mcid, holder in unreached_content(pdf, reached, entries):
        yield page.objgen, mcid, holder


def mark_languages(holders: list[TreeElement], layout: Layout) -> None:
    """Give ``/Lang`` to the element holding each run of text whose HTML ``lang`` differs.

    WeasyPrint sets only the document's language, so a reader speaks an untranslated English
    passage in an Arabic leaflet with the Arabic voice. Every run of text becomes its own
    element (a Span, or the Link holding it), and those come in the layout's order, so the
    runs (``holders``: the element holding each, in reading order) are paired one to one;
    the pairing must cover the tree exactly, or it is refused.
    """
    if len(holders) != len(layout.languages):
        raise RenderError(
            f"structure tree has {len(holders)} pieces of content, the layout "
            f"{len(layout.languages)}: cannot mark their languages"
        )
    by_element: dict[TreeElement, list[str | None]] = {}
    for element, lang in zip(holders, layout.languages, strict=True):
        by_element.setdefault(element, []).append(lang)
    for element, langs in by_element.items():
        if langs[0] is not None and len(set(langs)) == 1:  # a Link may mix languages: leave it
            element.obj.Lang = pikepdf.String(langs[0])


def join_split_elements(
    tree: Tree, holders: list[TreeElement], layout: Layout
) -> dict[TreeElement, tuple[str, int]]:
    """Make each element that breaks across pages (``JOINED``) one structure element again.

    WeasyPrint builds the tree page by page: the main part becomes one Part per page, a
    section broken by a page two sections (a reader's list of sections shows the second
    without its heading), a list two lists (a reader announces 1 item, then 4), and an item
    a second, bullet-less item.
    Each piece of content is paired with the HTML elements the layout says it is in (as
    ``mark_languages`` pairs it), which names each structure element above it; the parts of
    one HTML element then move into its first part, in order. Returns that naming: each
    structure element's (type, HTML element number).
    """
    if len(holders) != len(layout.blocks):
        raise RenderError(
            f"structure tree has {len(holders)} pieces of content, the layout "
            f"{len(layout.blocks)}: cannot join elements split across pages"
        )
    names: dict[TreeElement, tuple[str, int]] = {}
    for holder, within in zip(holders, layout.blocks, strict=True):
        seen: dict[str, int] = {}
        element: TreeElement | None = holder
        # An element named already was named by an earlier piece of content, which went on
        # up to the top: so were all the elements above it.
        while element is not None and element not in names:
            numbers = [number for other, number in within if other == element.type]
            rank = seen[element.type] = seen.get(element.type, -1) + 1
            if rank < len(numbers):
                names[element] = (element.type, numbers[rank])
            element = element.parent
    # One reading serves every kind: a join moves a part's kids to the end of its first part,
    # which comes before it, so the reading order of what is left to join stays the same.
    named = [element for element in tree.elements() if element in names]
    for kind in dict.fromkeys(JOINED.values()):  # outermost first
        first: dict[tuple[str, int], TreeElement] = {}
        for element in named:
            if element.type != kind:
                continue
            if names[element] in first:
                _absorb(tree, first[names[element]], element)
            else:
                first[names[element]] = element
    return names


def number_lists(tree: Tree, layout: Layout, names: dict[TreeElement, tuple[str, int]]) -> None:
    """Give each list that is an ``<ol>`` the attribute ``/ListNumbering /Decimal`` (PDF 1.7,
    14.8.5.5): without it a reader announces a bulleted list and the numbers as mere labels."""
    for element in tree.elements():
        name = names.get(element)
        if element.type == "L" and name is not None and name[1] in layout.ordered:
            _owned_attributes(element.obj, "List").ListNumbering = pikepdf.Name.Decimal


def _absorb(tree: Tree, into: TreeElement, part: TreeElement) -> None:
    """Move the kids of ``part`` to the end of ``into`` and remove ``part``.

    A list item's continuation brings its body's kids into the first part's body; a label
    it has (a second bullet) becomes an artifact.
    """
    target = into
    kids = list(part.kids)
    if into.type == "LI":
        target = next((kid for kid in into.elements if kid.name == "/LBody"), into)
        for label in (kid for kid in part.elements if kid.name == "/Lbl"):
            tree.make_artifact(label)
        bodies = [kid for kid in part.elements if kid.name == "/LBody"]
        kids = [kid for body in bodies for kid in body.kids] + [
            kid
            for kid in part.kids
            if not (isinstance(kid, TreeElement) and kid.name in ("/Lbl", "/LBody"))
        ]
    tree.adopt(target, kids)
    tree.remove(part)


def merge_split_tables(tree: Tree, layout: Layout) -> None:
    """Make each table that breaks across pages one Table again, its header row tagged once.

    The continuation's body rows move into the first part's body; its repeated header row
    becomes a pagination artifact (drawn, not read again), and its data cells name the first
    part's header cells. A container left empty by the move is removed.
    """
    tables = [element for element in tree.elements() if element.type == "Table"]
    if len(tables) != len(layout.tables):
        raise RenderError(
            f"structure tree has {len(tables)} tables, the layout {len(layout.tables)}: "
            "cannot join the parts of split tables"
        )
    first_part: dict[int, TreeElement] = {}
    for table, number in zip(tables, layout.tables, strict=True):
        if number not in first_part:
            first_part[number] = table
        else:
            _join(tree, first_part[number], table)


def _join(tree: Tree, first: TreeElement, part: TreeElement) -> None:
    # The repeated header cells go; the continuation's cells name the first part's instead.
    renamed = dict(zip(_column_header_ids(part), _column_header_ids(first), strict=False))
    for cell in part.descendants():
        headers = Node(cell.obj, "", ()).attribute("/Headers", "/Table")
        if headers is not None:
            for index, name in enumerate(headers):
                headers[index] = renamed.get(bytes(name), name)
    body = next((kid for kid in reversed(first.elements) if kid.name == "/TBody"), first)
    for section in part.elements:
        if section.name == "/THead":
            tree.make_artifact(section)
        else:
            tree.adopt(body, section.elements if section.name == "/TBody" else [section])
    tree.remove(part)


def _column_header_ids(table: TreeElement) -> list[bytes]:
    heads = [kid for kid in table.elements if kid.name == "/THead"]
    return [cell.id for head in heads for cell in head.descendants() if cell.id is not None]


def descendants(element: Element) -> Iterator[Element]:
    """The structure elements below ``element`` (a StructTreeRoot too), depth first."""
    for kid in kids_of(element):
        if _is_element(kid):
            yield kid
            yield from descendants(kid)


def add_scope(tree: Tree) -> None:
    """Give each header cell a ``/Scope``, as its HTML ``scope`` says.

    Our tables have one header row (``scope="col"``) and may name each body row by its first
    cell (``scope="row"``); WeasyPrint uses these to fill ``/Headers`` but drops the scope
    itself, which PDF/UA-1 (7.5) expects for header cells that readers pair by scope.
    """
    for cell in tree.elements():
        row = cell.parent
        if cell.type != "TH" or row is None:
            continue
        group = row.parent.name if row.parent is not None else ""
        scope = "/Column" if group == "/THead" or row.kids[0] is not cell else "/Row"
        _owned_attributes(cell.obj, "Table").Scope = pikepdf.Name(scope)


def _owned_attributes(element: Element, owner: str) -> pikepdf.Dictionary:
    """The element's attribute dictionary of ``owner`` ("Table", "List"), added if missing."""
    for attributes in attribute_dicts(element):
        if attributes.get("/O") == f"/{owner}":
            return attributes
    attributes = pikepdf.Dictionary(O=pikepdf.Name(f"/{owner}"))
    element.A = attributes
    return attributes


def build_id_tree(tree: Tree) -> None:
    """Index every element's ``/ID`` in the StructTreeRoot's ``/IDTree``.

    Data cells name their header cells in ``/Headers`` by ID; ISO 32000-1 (14.7.2) resolves
    an ID only through the IDTree, which WeasyPrint does not write.
    """
    identified = [element for element in tree.elements() if element.id is not None]
    if not identified:
        return
    ids = pikepdf.NameTree.new(tree.pdf)
    for element in identified:
        ids[str(element.obj.ID)] = element.obj
    tree.pdf.Root.StructTreeRoot.IDTree = ids.obj


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
    first = outlines.get("/First") if is_dict(outlines) else None
    deepest = 0
    stack = [(first, 0)] if first is not None else []  # the outline's first item: step 0
    seen: set[tuple[int, int]] = set()
    while stack:
        item, depth = stack.pop()
        if not is_dict(item) or item.objgen in seen:
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
    while is_dict(item) and item.objgen not in seen:
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
