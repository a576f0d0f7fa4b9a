"""A personal counter print is laid out in two halves and joined (render/pdf/halves.py): the
file must read, number its pages and hold its tags as one leaflet does, byte for byte the
same whether the rest was kept in memory or laid out again, and keep nothing personal."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, time
from pathlib import Path

import pikepdf
import pytest

from leafletgen.counter import Pharmacy, PharmacyProfile, PrintDetails, Schedule, TimedDose
from leafletgen.engine import Request, render
from leafletgen.render.pdf import halves, tagging
from leafletgen.render.pdf.memo import FileMemo
from tests.conftest import make_project
from tests.pdfutil import margin_text, page_text, squeezed, tagged_text

PATIENT = "Ingrid Halvorsen"
NOTE = "Take the evening dose with food."
SEED = "clonazepam-emotional-effects"


def details(**changes: object) -> PrintDetails:
    values: dict[str, object] = {
        "pharmacy": Pharmacy(PharmacyProfile(name="Riverside Pharmacy"), None),
        "patient": PATIENT,
        "note": NOTE,
        "printed_on": date(2026, 12, 1),
    }
    values.update(changes)
    return PrintDetails(**values)  # type: ignore[arg-type]


def counter_print(tmp_path: Path, name: str, language: str = "en", variant: str = "standard",
                  counter: PrintDetails | None = None) -> Path:  # fmt: skip
    request = Request(SEED, language, variant, counter=counter or details(), allow_incomplete=True)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render(make_project(), request).data)
    return path


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return counter_print(tmp_path_factory.mktemp("halves"), "en")


def test_the_front_is_page_1_and_the_leaflet_starts_on_page_2(english: Path) -> None:
    pages = page_text(english)
    first = squeezed(pages[1])
    for shown in (PATIENT, NOTE, "Get help now", "Key takeaways", "Can Klonopin Make You Cry?"):
        assert squeezed(shown) in first
    assert squeezed("Understanding Klonopin and Its Emotional Impact") in squeezed(pages[2])
    assert squeezed("Understanding Klonopin") not in first
    assert squeezed("About this leaflet") in squeezed(pages[len(pages)])


def test_every_page_counts_the_whole_print(english: Path) -> None:
    footers = margin_text(english)
    total = len(footers)
    assert total >= 6
    for number, text in footers.items():
        assert f"Page {number} of {total}" in text, (number, text)
        assert "Version 1.0" in text and "Riverside Pharmacy" in text


def test_the_joined_tree_is_one_leaflet(english: Path) -> None:
    with pikepdf.open(english) as pdf:
        nodes = list(tagging.walk(pdf))
        kinds = Counter(node.type for node in nodes)
        assert kinds["Document"] == 1 and kinds["Part"] == 1
        # Every page's content is owned by the tree, through a ParentTree entry of its own.
        root = pdf.Root.StructTreeRoot
        parents = dict(pikepdf.NumberTree(root.ParentTree).items())
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(keys)) == len(keys) and all(key in parents for key in keys)
        reached = {node.element.objgen for node in nodes}
        for key in keys:
            holders = [holder for holder in parents[key] if holder is not None]  # artifacts
            assert holders and all(holder.objgen in reached for holder in holders)
        # Pages of elements are pages of this file; no element is left without content.
        page_ids = {page.obj.objgen for page in pdf.pages}
        assert all(node.element.Pg.objgen in page_ids for node in nodes if "/Pg" in node.element)
        # Table header IDs: each once, and every data cell's header resolves.
        ids = [bytes(node.element.ID) for node in nodes if "/ID" in node.element]
        assert ids and len(set(ids)) == len(ids)
        indexed = {str(name) for name, _ in pikepdf.NameTree(root.IDTree).items()}
        assert indexed == {i.decode() for i in ids}
        for node in nodes:
            for name in node.attribute("/Headers", "/Table") or ():
                assert str(name) in indexed
        # The bookmarks: the title holds page 1's parts and every section after them.
        outline = [str(item.Title) for item in tagging.outline_children(pdf.Root.Outlines)]
        assert len(outline) == 1
        below = [str(i.Title) for i in tagging.outline_children(pdf.Root.Outlines.First)]
        assert below[:2] == ["Get help now", "Key takeaways"]
        assert "Understanding Klonopin and Its Emotional Impact" in below
        assert below[-1] == "About this leaflet"
        assert int(pdf.Root.Outlines.First.Count) >= len(below)  # open, counting all shown


def test_a_screen_reader_reads_the_print_in_order(english: Path) -> None:
    text = tagged_text(english)
    order = [PATIENT, "Get help now", "Key takeaways", "Understanding Klonopin", "Frequently asked",
             "The bottom line", "About this leaflet"]  # fmt: skip
    positions = [text.find(needle) for needle in order]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "Page 1 of" not in text  # footers stay artifacts


def test_kept_or_laid_out_again_the_bytes_are_the_same(tmp_path: Path, english: Path) -> None:
    again = counter_print(tmp_path, "again")  # the rest from memory
    halves._rests.clear()
    halves._totals.clear()
    fresh = counter_print(tmp_path, "fresh")
    assert again.read_bytes() == english.read_bytes() == fresh.read_bytes()


def test_nothing_personal_is_kept(tmp_path: Path) -> None:
    schedule = Schedule(times=(TimedDose(time(8, 0), "1 tablet"),))
    counter_print(tmp_path, "with-schedule", counter=details(schedule=schedule))
    assert halves._rests.values()
    for rendered in halves._rests.values():
        kept = tmp_path / "kept.pdf"
        kept.write_bytes(rendered.data)
        words = " ".join(page_text(kept).values())
        assert "About this leaflet" in words  # a real rest, with its text
        for personal in ("Ingrid", "Halvorsen", "evening dose", "1 tablet", "December 1"):
            assert personal not in words


def test_a_two_page_front_numbers_pages_right(tmp_path: Path) -> None:
    pdf = counter_print(tmp_path, "ru-large", "ru", "large-print")
    pages = page_text(pdf)
    footers = margin_text(pdf)
    total = len(pages)
    takeaways = next(n for n, text in pages.items() if "Главное" in text)
    assert takeaways == 2  # this front takes two pages
    assert "Главное" not in pages[3] and "Что такое Klonopin" in pages[3]
    for number, text in footers.items():
        assert re.search(rf"Страница\s*{number}\s*из\s*{total}", text), (number, text)


def test_a_summary_is_laid_out_whole(tmp_path: Path) -> None:
    document_pages = page_text(counter_print(tmp_path, "summary", variant="summary"))
    assert len(document_pages) == 1 and PATIENT in document_pages[1]


def test_a_kept_value_is_dropped_when_a_file_it_was_made_from_changes(tmp_path: Path) -> None:
    font = tmp_path / "font.ttf"
    font.write_bytes(b"one")
    memo: FileMemo[str] = FileMemo(2)
    memo.keep("a", "laid out", (font,))
    assert memo.get("a") == "laid out"
    font.write_bytes(b"other")  # another size: changed even within the clock's resolution
    assert memo.get("a") is None
    memo.keep("a", "laid out again", (font,))
    font.unlink()
    assert memo.get("a") is None
    for n in range(3):
        memo.keep(n, "x", ())
    assert len(memo.items) == 2 and memo.get(0) is None and memo.get(2) == "x"


def test_header_ids_both_halves_use_are_told_apart(tmp_path: Path) -> None:
    from leafletgen.project import PACKAGE_TEMPLATES, Assets
    from leafletgen.render.pdf.join import join
    from leafletgen.render.pdf.validate import check_pdfua
    from leafletgen.render.pdf.weasy import render_pdf

    html = (
        '<html lang="en"><head><title>Doses</title></head><body><main><h1>Doses</h1>'
        "<table><caption>Doses</caption><thead><tr><th scope=col>Time</th>"
        "<th scope=col>Amount</th></tr></thead><tbody><tr><td>8:00</td><td>1 tablet</td></tr>"
        "</tbody></table></main></body></html>"
    )
    half = render_pdf(html, name="t.pdf", assets=Assets.of(PACKAGE_TEMPLATES)).data
    path = tmp_path / "joined.pdf"
    path.write_bytes(join(half, half))  # the same IDs on both sides
    with pikepdf.open(path) as pdf:
        nodes = list(tagging.walk(pdf))
        ids = [str(node.element.ID) for node in nodes if "/ID" in node.element]
        assert len(ids) == 4 and len(set(ids)) == 4
        indexed = {
            str(name) for name, _ in pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items()
        }
        assert indexed == set(ids)
        headers = [str(h) for n in nodes for h in (n.attribute("/Headers", "/Table") or ())]
        assert len(headers) == 4 and set(headers) == set(ids)  # each cell its own table's
        second = [str(n.element.ID) for n in nodes if "/ID" in n.element][2:]
        assert all("~" in name for name in second)
    assert check_pdfua(path.read_bytes()).ok
