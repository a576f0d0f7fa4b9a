"""The structure tree as Python objects: read from the file once, edited, written back once.

The repairs in ``tagging`` pair, move, join and remove hundreds of elements. Every look at a
pikepdf object crosses into C++, and walking the file's tree again for each repair was most of
their time (six walks of 600 elements: 40 ms of a 650 ms render). ``Tree(pdf)`` makes one
pass over the file; the repairs read and edit the copy; ``Tree.write`` sets ``/K`` and ``/P``
where an edit changed them and rewrites each page's content once for the content that became
artifacts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from leafletgen.errors import RenderError

Key = tuple[int, int]  # a PDF object's number and generation


@dataclass(eq=False)
class Content:
    """A piece of marked content an element holds: the kid as the file has it (an MCID or an
    MCR dictionary), and the page and MCID it names."""

    obj: Any
    page: pikepdf.Object
    mcid: int


@dataclass(eq=False)
class Other:
    """A kid that is neither an element nor marked content (an annotation's OBJR): kept."""

    obj: Any


@dataclass(eq=False)
class Element:
    """One structure element: ``name`` is its ``/S`` as written (``"/LBody"``), ``type`` the
    standard type the RoleMap makes of it (``"LBody"``); ``parent`` is None for a top
    element (a kid of the StructTreeRoot)."""

    obj: pikepdf.Dictionary
    key: Key
    name: str
    type: str
    parent: Element | None
    id: bytes | None = None  # its /ID, which header cells carry
    kids: list[Element | Content | Other] = field(default_factory=list)
    changed: bool = False  # its kids as the file has them are no longer ``kids``

    @property
    def elements(self) -> list[Element]:
        return [kid for kid in self.kids if isinstance(kid, Element)]

    @property
    def contents(self) -> list[Content]:
        return [kid for kid in self.kids if isinstance(kid, Content)]

    def descendants(self) -> Iterator[Element]:
        """The elements below this one, depth first, in reading order."""
        for kid in self.elements:
            yield kid
            yield from kid.descendants()


class Tree:
    """The StructTreeRoot's elements, with the ParentTree's entries they are named in."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        roles = root.get("/RoleMap")
        self._roles = {str(k): str(v) for k, v in roles.items()} if is_dict(roles) else {}
        self.tops: list[Element] = []
        for kid in kids_of(root):
            if is_dict(kid) and "/S" in kid:
                self.tops.append(self._read(kid, None))
        self._parent_tree = pikepdf.NumberTree(root.ParentTree) if "/ParentTree" in root else None
        self._entries: dict[Key, pikepdf.Array | None] = {}
        # page → (the page, MCID → subtype) of the content to re-mark as artifacts
        self._artifacts: dict[Key, tuple[pikepdf.Object, dict[int, str | None]]] = {}

    def _read(self, obj: pikepdf.Dictionary, parent: Element | None) -> Element:
        # Each look into a pikepdf object costs about a microsecond, a missing key's ``get``
        # several: this reads each element with as few as its kids allow.
        name = str(obj.get("/S"))
        kind, seen = name, set()
        while kind in self._roles and kind not in seen:  # a RoleMap may chain, never loop
            seen.add(kind)
            kind = self._roles[kind]
        ident = bytes(obj.ID) if "/ID" in obj else None
        element = Element(obj, obj.objgen, name, kind[1:], parent, ident)
        page = None
        for kid in kids_of(obj):
            if isinstance(kid, int):
                page = obj.get("/Pg") if page is None else page
                element.kids.append(Content(kid, page, int(kid)))
            elif not is_dict(kid):
                element.kids.append(Other(kid))
            elif "/S" in kid:
                element.kids.append(self._read(kid, element))
            elif kid.get("/Type") == "/MCR":
                own = kid.get("/Pg")
                if own is None:
                    page = obj.get("/Pg") if page is None else page
                element.kids.append(Content(kid, own if own is not None else page, int(kid.MCID)))
            else:
                element.kids.append(Other(kid))
        return element

    # -- Reading ---------------------------------------------------------------------------

    def elements(self) -> Iterator[Element]:
        """Every element, depth first, in reading order."""
        for top in self.tops:
            yield top
            yield from top.descendants()

    def content_in_order(self) -> list[Element]:
        """The element holding each piece of marked content, in the tree's reading order."""
        holders: list[Element] = []

        def visit(element: Element) -> None:
            for kid in element.kids:
                if isinstance(kid, Element):
                    visit(kid)
                elif isinstance(kid, Content):
                    holders.append(element)

        for top in self.tops:
            visit(top)
        return holders

    def entries(self, page: pikepdf.Object) -> pikepdf.Array | None:
        """The ParentTree's entry of ``page`` (kept: the repairs edit it)."""
        key = page.objgen
        if key not in self._entries:
            self._entries[key] = parent_tree_entry(self._parent_tree, page)
        return self._entries[key]

    def stray_content(self) -> Iterator[tuple[pikepdf.Object, int, pikepdf.Dictionary]]:
        """``unreached_content`` of this tree's elements."""
        yield from unreached_content(
            self.pdf, {element.key for element in self.elements()}, self.entries
        )

    # -- Editing ---------------------------------------------------------------------------

    def adopt(self, parent: Element, kids: list[Element | Content | Other]) -> None:
        """Append ``kids`` (taken from elsewhere in the tree) to ``parent``'s kids. Marked
        content becomes an MCR naming its page, and the ParentTree names its new holder."""
        for kid in kids:
            if isinstance(kid, Element):
                kid.parent = parent
            elif isinstance(kid, Content):
                reference = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=kid.page, MCID=kid.mcid)
                kid = Content(self.pdf.make_indirect(reference), kid.page, kid.mcid)
                entries = self.entries(kid.page)
                if entries is None:
                    raise RenderError("marked content on a page the ParentTree does not list")
                entries[kid.mcid] = parent.obj
            parent.kids.append(kid)
        parent.changed = True

    def remove(self, element: Element) -> None:
        """Take ``element`` out of its parent, and each ancestor the removal leaves empty;
        a top element (the Document) stays, even empty."""
        parent = element.parent
        while parent is not None:
            parent.kids = [kid for kid in parent.kids if kid is not element]
            parent.changed = True
            if parent.kids or parent.parent is None:
                return
            element, parent = parent, parent.parent

    def make_artifact(self, element: Element, subtype: str | None = None) -> None:
        """Make the marked content of ``element`` and below pagination artifacts, off the
        ParentTree (the content itself is rewritten by ``write``)."""
        for holder in (element, *element.descendants()):
            for content in holder.contents:
                self.mark_artifact(content.page, content.mcid, subtype)

    def mark_artifact(self, page: pikepdf.Object, mcid: int, subtype: str | None) -> None:
        entries = self.entries(page)
        if entries is not None:
            entries[mcid] = None
        self._artifacts.setdefault(page.objgen, (page, {}))[1][mcid] = subtype

    # -- Writing ---------------------------------------------------------------------------

    def write(self) -> None:
        """Write every edit into the file."""
        for element in self.elements():
            if element.changed:
                element.obj.K = pikepdf.Array([kid.obj for kid in element.kids])
                for kid in element.elements:
                    kid.obj.P = element.obj
                element.changed = False
        for page, mcids in self._artifacts.values():
            _mark_artifacts(self.pdf, pikepdf.Page(page), mcids)
        self._artifacts.clear()


def parent_tree_entry(
    parent_tree: pikepdf.NumberTree | None, page: pikepdf.Object
) -> pikepdf.Array | None:
    """The ParentTree's entry of ``page``: the element holding each of its MCIDs, by MCID."""
    if parent_tree is None or "/StructParents" not in page:
        return None
    found = parent_tree.get(int(page.StructParents))
    return found if isinstance(found, pikepdf.Array) else None


def unreached_content(
    pdf: pikepdf.Pdf,
    reached: set[Key],
    entries: Callable[[pikepdf.Object], pikepdf.Array | None],
) -> Iterator[tuple[pikepdf.Object, int, pikepdf.Dictionary]]:
    """(page, MCID, element) of each piece of marked content that ``entries`` (a page's
    ParentTree entry) gives to an element not among ``reached``: neither in the tree nor an
    artifact."""
    for page in pdf.pages:
        for mcid, holder in enumerate(entries(page.obj) or ()):
            if is_dict(holder) and holder.objgen not in reached:
                yield page.obj, mcid, holder


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: dict[int, str | None]) -> None:
    """Re-mark the page's content ``mcids`` as pagination artifacts (of the subtype each
    names, if any)."""
    contents = _remarked(page, mcids)
    if contents is None:
        contents = _remarked_by_parsing(page, mcids)
    page.obj.Contents = pdf.make_stream(contents)


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
            and is_dict(operands[1])
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


def kids_of(element: pikepdf.Object) -> list[Any]:
    """An element's ``/K`` as a list (it may be one kid, an array or absent)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def is_dict(value: object) -> bool:
    return isinstance(value, pikepdf.Dictionary)
