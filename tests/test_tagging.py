"""The structure-tree repairs (leafletgen/tagging.py), read back from a built leaflet.

One small leaflet shows every case: built in Arabic with ``--allow-incomplete``, all of its
own text stays English (``lang="en"`` inside an Arabic document), and its one long table
breaks across pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from leafletgen.errors import RenderError
from leafletgen.i18n.store import catalog_path
from leafletgen.render.pdf.tagging import Layout, Node, kids_of, repair, walk
from tests.conftest import build_files, minimal_leaflet, write_leaflet
from tests.pdfutil import marked_text

HEADER = ["Week", "Dose", "Advice"]
ROWS = [[f"Week {n}", f"{n} mg", "Take it with food"] for n in range(1, 41)]
ARABIC = re.compile("[\u0600-\u06ff]")


def _build(folder: Path) -> Path:
    source = write_leaflet(
        folder,
        minimal_leaflet(
            sections=[
                {
                    "heading": "How much to take",
                    "blocks": [
                        {"paragraph": "Your dose goes up **slowly**."},
                        {"table": {"caption": "Dose by week", "header": HEADER, "rows": ROWS}},
                    ],
                }
            ]
        ),
    )
    # An Arabic catalog with nothing translated yet: the leaflet's text is printed in English,
    # marked as such, around the Arabic chrome.
    locales = folder / "locales"
    catalog = catalog_path(locales, "ar", "sample")
    catalog.parent.mkdir(parents=True)
    with catalog.open("wb") as handle:
        write_po(handle, Catalog(locale="ar", domain="sample"))
    report = build_files(
        [source], folder / "out", languages=("ar",), allow_incomplete=True, locales_dir=locales
    )
    assert not report.failed, report.failed
    (built,) = report.built
    assert built.verdict == "PDF/UA-1 pass"
    return built.path


@pytest.fixture(scope="module")
def leaflet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("tagging"))


@pytest.fixture(scope="module")
def pdf(leaflet: Path) -> pikepdf.Pdf:
    return pikepdf.open(leaflet)


def _nodes(pdf: pikepdf.Pdf, kind: str) -> list[Node]:
    return [node for node in walk(pdf) if node.type == kind]


def _text(pdf: pikepdf.Pdf, texts: dict[tuple[int, int], str], element: pikepdf.Object) -> str:
    """The tagged text below a structure element."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    node = Node(element, "", ())
    own = "".join(texts.get((pages[page.objgen], mcid), "") for page, mcid in node.mcids)
    return own + "".join(_text(pdf, texts, kid) for kid in node.kids)


def test_a_table_split_across_pages_is_one_table(pdf: pikepdf.Pdf) -> None:
    (table,) = _nodes(pdf, "Table")
    assert [str(kid.S) for kid in table.kids] == ["/Caption", "/THead", "/TBody"]
    body = table.kids[2]
    rows = Node(body, "TBody", ()).kids
    assert len(rows) == len(ROWS)
    assert all(row.P.objgen == body.objgen for row in rows)
    row_pages = {pdf.pages.index(pikepdf.Page(row.Pg)) for row in rows}
    assert len(row_pages) > 1, "the table must break across pages for this test to mean anything"


def test_the_repeated_header_row_is_an_artifact(leaflet: Path, pdf: pikepdf.Pdf) -> None:
    (head,) = _nodes(pdf, "THead")
    assert [_text(pdf, marked_text(leaflet), th) for th in Node(head.kids[0], "", ()).kids] == [
        *HEADER
    ]
    tagged = list(marked_text(leaflet).values())
    assert tagged.count("Dose") == 1  # drawn again on the next page, but not read again
    artifacts = [
        instruction
        for page in pdf.pages
        for instruction in pikepdf.parse_content_stream(page)
        if str(instruction.operator) == "BDC" and instruction.operands[0] == "/Artifact"
    ]
    assert artifacts


def test_header_cells_have_scope(pdf: pikepdf.Pdf) -> None:
    scopes = {"THead": [], "TBody": []}
    for node in _nodes(pdf, "TH"):
        group = str(node.parents[-2].S)[1:]
        scopes[group].append(str(node.attribute("/Scope", "/Table")))
    assert scopes["THead"] == ["/Column"] * len(HEADER)
    assert scopes["TBody"] == ["/Row"] * len(ROWS)


def test_every_header_a_data_cell_names_resolves_through_the_id_tree(pdf: pikepdf.Pdf) -> None:
    ids = dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())
    assert len(ids) == len(HEADER) + len(ROWS)
    (head,) = _nodes(pdf, "THead")
    column_headers = [th.objgen for th in Node(head.kids[0], "", ()).kids]
    for row in [row for body in _nodes(pdf, "TBody") for row in body.kids]:
        row_header, *cells = kids_of(row)
        for column, cell in enumerate(cells, start=1):
            names = Node(cell, "", ()).attribute("/Headers", "/Table")
            resolved = [ids[str(name)].objgen for name in names]
            assert resolved == [row_header.objgen, column_headers[column]]


def test_text_in_another_language_carries_it(leaflet: Path, pdf: pikepdf.Pdf) -> None:
    texts = marked_text(leaflet)
    english = [
        _text(pdf, texts, node.element) for node in walk(pdf) if node.element.get("/Lang") == "en"
    ]
    arabic = [
        _text(pdf, texts, node.element)
        for node in walk(pdf)
        if node.mcids and "/Lang" not in node.element
    ]
    assert not [text for text in english if ARABIC.search(text)]
    assert [text for text in arabic if ARABIC.search(text)]
    assert not [text for text in arabic if not ARABIC.search(text) and re.search("[A-Za-z]", text)]
    assert "Your dose goes up" in "".join(english)
    assert "slowly" in english  # bold text inside the passage, a run of its own


def test_the_repaired_file_is_reproducible(leaflet: Path, tmp_path: Path) -> None:
    assert _build(tmp_path).read_bytes() == leaflet.read_bytes()


def test_a_layout_that_does_not_match_the_tree_is_refused(leaflet: Path) -> None:
    with pikepdf.open(leaflet) as pdf, pytest.raises(RenderError, match="pieces of content"):
        repair(pdf, Layout(languages=(), tables=()))


def test_walk_follows_the_role_map_and_the_parent_chain(pdf: pikepdf.Pdf) -> None:
    nodes = list(walk(pdf))
    assert nodes[0].type == "Document" and nodes[0].parents == ()
    for node in nodes[1:]:
        assert node.element.P.objgen == node.parent.objgen  # type: ignore[union-attr]
    custom = pikepdf.new()
    element = custom.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S="/Note"))
    custom.Root.StructTreeRoot = custom.make_indirect(
        pikepdf.Dictionary(K=pikepdf.Array([element]), RoleMap=pikepdf.Dictionary(Note="/P"))
    )
    assert [node.type for node in walk(custom)] == ["P"]


@pytest.mark.parametrize("split", [False, True], ids=["one stream", "two streams"])
def test_margin_content_is_re_marked_in_place(split: bool) -> None:
    from leafletgen.render.pdf.tree import Tree

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    parts = [b"/Span <</MCID 0>> BDC BT ET EMC\n", b"/P <</MCID 1>>\nBDC BT ET EMC\n"]
    streams = [pdf.make_stream(part) for part in parts]
    page.obj.Contents = pikepdf.Array(streams) if split else pdf.make_stream(b"".join(parts))
    page.obj.StructParents = 0
    element = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem))
    entries = pikepdf.NumberTree.new(pdf)
    entries[0] = pikepdf.Array([element, element])
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(ParentTree=entries.obj))
    tree = Tree(pdf)
    tree.mark_artifact(page.obj, 1, "Footer")
    tree.write()
    marks = [
        (str(i.operands[0]), dict(i.operands[1]))
        for i in pikepdf.parse_content_stream(page)
        if str(i.operator) == "BDC"
    ]
    assert marks[0] == ("/Span", {"/MCID": 0})
    assert marks[1] == ("/Artifact", {"/Type": "/Pagination", "/Subtype": "/Footer"})
    entries = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)[0]
    assert entries[0] is not None and entries[1] is None
