"""Join two finished, tagged PDFs into one: the pages of the second after the first's, one
structure tree, one outline.

Each half of a counter print (``halves.py``) is rendered and repaired on its own; what makes
them one PDF/UA-1 file is here. The second half's marked content keeps its MCIDs (they are
per page) while its ParentTree entries move past the first's; its top-level elements join the
first's Document, and where the first ends and the second begins with a ``Part`` (each half
has one ``<main>``) the two become one; its table header IDs are renamed where the first uses
the same; its bookmarks go under the first's last top-level bookmark (the title, when the
second half has none of its own); a destination name both define keeps the first's.
"""

from __future__ import annotations

import io

import pikepdf

from leafletgen.errors import RenderError
from leafletgen.render.pdf import tagging


def join(first: bytes, second: bytes, skip: int = 0) -> bytes:
    """The PDF of ``first``'s pages, then ``second``'s; the first's metadata and language.

    ``skip``: the second's first pages are blank stand-ins for the first's, laid out only so
    that its page numbers count the whole file ("Page 2 of 8"); they are left out.
    """
    pdf = pikepdf.open(io.BytesIO(first))
    other = pikepdf.open(io.BytesIO(second))
    root, other_root = _tree_root(pdf), _tree_root(other)
    left_out = _leave_out(other, other_root, skip)
    offset = _next_key(root)
    count = len(pdf.pages)
    pdf.pages.extend(other.pages)  # copies each page; later copies from `other` reuse them
    for page in pdf.pages[count:]:
        _shift_struct_parents(page.obj, offset)
    copied = _copy(pdf, other, other_root)  # its elements, their pages the copies above
    parents = pikepdf.NumberTree(root.ParentTree)
    for key, value in pikepdf.NumberTree(copied.ParentTree).items():
        if int(key) not in left_out:
            parents[int(key) + offset] = value
    _join_ids(pdf, root, copied)
    _join_trees(pdf, root, tagging.kids_of(copied))
    _join_destinations(pdf, other)
    _join_outlines(pdf, other)
    tagging.group_outline(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _copy(pdf: pikepdf.Pdf, other: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """``value`` of ``other`` copied into ``pdf``; a direct object is made indirect first (it
    is copied with what it refers to, mapped as everything else copied from ``other``)."""
    return pdf.copy_foreign(value if value.is_indirect else other.make_indirect(value))


def _tree_root(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary) or "/ParentTree" not in root:
        raise RenderError("a half of the print has no structure tree to join")
    return root


def _leave_out(pdf: pikepdf.Pdf, root: pikepdf.Dictionary, skip: int) -> set[int]:
    """Remove the first ``skip`` pages and the empty elements that stood on them; return
    their ParentTree keys."""
    if skip >= len(pdf.pages):
        raise RenderError("the rest of the print has no pages of its own")
    blank = [pdf.pages[n].obj for n in range(skip)]
    if any(_has_content(page) for page in blank):
        raise RenderError("a page the print leaves out is not blank")
    objgens = {page.objgen for page in blank}
    keys = {int(page.StructParents) for page in blank if "/StructParents" in page}
    for top in tagging.kids_of(root):
        if isinstance(top, pikepdf.Dictionary):
            top.K = pikepdf.Array(
                kid
                for kid in tagging.kids_of(top)
                if not (_is_on(kid, objgens) and not tagging.kids_of(kid))
            )
    for _ in range(skip):
        del pdf.pages[0]
    return keys


def _has_content(page: pikepdf.Dictionary) -> bool:
    """Whether a page holds anything but its running header and footer (artifacts)."""
    for operands, operator in pikepdf.parse_content_stream(pikepdf.Page(page)):
        if operator == pikepdf.Operator("BDC") and operands[0] != pikepdf.Name.Artifact:
            return True
    return False


def _is_on(element: object, pages: set[tuple[int, int]]) -> bool:
    page = element.get("/Pg") if isinstance(element, pikepdf.Dictionary) else None
    return page is not None and page.objgen in pages


def _next_key(root: pikepdf.Dictionary) -> int:
    keys = [int(key) for key, _ in pikepdf.NumberTree(root.ParentTree).items()]
    return max(int(root.get("/ParentTreeNextKey", 0)), max(keys, default=-1) + 1)


def _shift_struct_parents(page: pikepdf.Dictionary, offset: int) -> None:
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + offset
    for annotation in page.get("/Annots", pikepdf.Array()):
        if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
            annotation.StructParent = int(annotation.StructParent) + offset


def _join_trees(pdf: pikepdf.Pdf, root: pikepdf.Dictionary, tops: list[pikepdf.Object]) -> None:
    """Put the second half's top elements below the first's: a Document in a Document, and
    the Part that ends the first with the Part that starts the second."""
    mine = [kid for kid in tagging.kids_of(root) if isinstance(kid, pikepdf.Dictionary)]
    if len(mine) != 1 or not all(isinstance(top, pikepdf.Dictionary) for top in tops):
        raise RenderError("a half of the print does not have one Document element")
    document = mine[0]
    arriving: list[pikepdf.Object] = []
    for top in tops:
        arriving += tagging.kids_of(top) if top.get("/S") == document.get("/S") else [top]
    kids = tagging.kids_of(document)
    if kids and arriving and _is_part(kids[-1]) and _is_part(arriving[0]):
        part = kids[-1]
        joined = tagging.kids_of(part) + tagging.kids_of(arriving[0])
        _adopt(part, joined[len(tagging.kids_of(part)) :])
        part.K = pikepdf.Array(joined)
        arriving = arriving[1:]
    _adopt(document, arriving)
    document.K = pikepdf.Array(kids + arriving)
    root.K = document


def _is_part(element: object) -> bool:
    return isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/Part"


def _adopt(parent: pikepdf.Dictionary, kids: list[pikepdf.Object]) -> None:
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = parent


def _join_ids(pdf: pikepdf.Pdf, root: pikepdf.Dictionary, copied: pikepdf.Dictionary) -> None:
    """One IDTree for both halves (``tagging.build_id_tree`` made each): a header cell of the
    second half whose ID the first uses gets a new one, and its data cells' ``/Headers``."""
    mine = _ids(root)
    theirs = _ids(copied)
    renamed: dict[str, str] = {}
    for old in sorted(set(mine) & set(theirs)):
        n = 2
        while f"{old}~{n}" in mine or f"{old}~{n}" in theirs:
            n += 1
        renamed[old] = f"{old}~{n}"
    if renamed:
        for element in tagging.descendants(copied):
            if "/ID" in element and str(element.ID) in renamed:
                element.ID = pikepdf.String(renamed[str(element.ID)])
            for attributes in tagging.attribute_dicts(element):
                headers = attributes.get("/Headers")
                if isinstance(headers, pikepdf.Array):
                    attributes.Headers = pikepdf.Array(
                        [pikepdf.String(renamed.get(str(h), str(h))) for h in headers]
                    )
    joined = {**mine, **{renamed.get(name, name): element for name, element in theirs.items()}}
    if not joined:
        return
    tree = pikepdf.NameTree.new(pdf)
    for name in sorted(joined):
        tree[name] = joined[name]
    root.IDTree = tree.obj


def _ids(root: pikepdf.Dictionary) -> dict[str, pikepdf.Object]:
    tree = root.get("/IDTree")
    return {} if tree is None else {str(k): v for k, v in pikepdf.NameTree(tree).items()}


def _join_destinations(pdf: pikepdf.Pdf, other: pikepdf.Pdf) -> None:
    theirs = other.Root.get("/Names", {}).get("/Dests")
    if theirs is None:
        return
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in pdf.Root.Names:
        pdf.Root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    mine = pikepdf.NameTree(pdf.Root.Names.Dests)
    for name, destination in pikepdf.NameTree(theirs).items():
        if name not in mine:  # both halves name their <main> "main": the first one counts
            mine[name] = _copy(pdf, other, destination)


def _join_outlines(pdf: pikepdf.Pdf, other: pikepdf.Pdf) -> None:
    theirs = other.Root.get("/Outlines")
    if not isinstance(theirs, pikepdf.Dictionary) or "/First" not in theirs:
        return
    items = tagging.outline_children(_copy(pdf, other, theirs))
    outlines = pdf.Root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary):
        outlines = pdf.Root.Outlines = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Outlines)
        )
    tops = tagging.outline_children(outlines)
    parent = tops[-1] if tops else outlines  # the title's bookmark holds the sections'
    tagging.link_outline_children(parent, tagging.outline_children(parent) + items)
    tagging.count_outline(outlines)
