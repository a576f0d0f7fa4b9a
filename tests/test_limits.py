"""Leaflets past the PDF/UA validator's safety limits still build and pass, or fail located.

page-validation stops with SafetyLimitError, not a report, when it walks more than 256 steps
through the bookmarks (one per /First and one per /Next: the 257th heading of a level) or
meets a table of more than 1,024 rows. ``tagging.group_outline`` nests a long level of
bookmarks in groups, ``check_pdfua`` lets a table have more rows, and any limit still crossed
becomes a RenderError that names it.
"""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest

from leafletgen.errors import RenderError
from leafletgen.render.pdf import tagging
from leafletgen.render.pdf.validate import check_pdfua
from tests.conftest import build_files, minimal_leaflet, write_leaflet

MANY = 300  # more headings at one level than the validator's 256 steps
LONG = 1030  # more rows than the validator's 1,024 per table


def _section(number: int) -> dict[str, Any]:
    return {"heading": f"Section {number}", "blocks": [{"paragraph": f"Text {number}."}]}


def _table_section(header: list[str], rows: list[list[str]]) -> dict[str, Any]:
    table = {"caption": "Dose by day", "header": header, "rows": rows}
    return {"heading": "How much to take", "blocks": [{"table": table}]}


def _build_pdf(folder: Path, **changes: Any) -> Path:
    report = build_files([write_leaflet(folder, minimal_leaflet(**changes))], folder / "out")
    assert not report.failed, report.failed
    (built,) = report.built
    assert built.verdict == "PDF/UA-1 pass"
    return built.path


def _validate(path: Path) -> page.ValidationReport:
    """The validator at its own defaults, as any reader of the file would run it."""
    return page.validate_pdf(path, profile=page.ValidationProfile.PDF_UA_1)


def _leaves(items: list[pikepdf.OutlineItem]) -> list[str]:
    """The titles of the bookmarks that are no group, in order."""
    titles: list[str] = []
    for item in items:
        if item.children and " – " in item.title:
            titles += _leaves(item.children)
        else:
            titles.append(item.title)
    return titles


def _levels(items: list[pikepdf.OutlineItem]) -> list[int]:
    """The length of every level's list of bookmarks."""
    return [len(items)] + [n for item in items if item.children for n in _levels(item.children)]


def _with_flat_outline(data: bytes, count: int) -> bytes:
    """``data`` with its outline replaced by ``count`` bookmarks in one list."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=count))
    items = [
        pdf.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(f"Heading {n}"),
                Parent=root,
                Dest=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]),
            )
        )
        for n in range(1, count + 1)
    ]
    for before, after in pairwise(items):
        before.Next, after.Prev = after, before
    root.First, root.Last = items[0], items[-1]
    pdf.Root.Outlines = root
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _build_pdf(tmp_path_factory.mktemp("small")).read_bytes()


def test_the_limits_are_the_validators() -> None:
    assert tagging.OUTLINE_DEPTH_LIMIT == page.SafetyLimits.DEFAULT_MAX_REFERENCE_DEPTH == 256
    assert page.SafetyLimits.DEFAULT_MAX_TABLE_GRID_ROWS == 1024


@pytest.mark.parametrize(("count", "grouped"), [(257, False), (258, True)])
def test_the_outline_is_grouped_only_past_the_limit(
    small: bytes, count: int, grouped: bool
) -> None:
    # 257 bookmarks in one list: the last is step 256, the most the validator walks.
    pdf = pikepdf.open(io.BytesIO(_with_flat_outline(small, count)))
    assert tagging.outline_depth(pdf) == count - 1
    before = [(item.objgen, dict(item.items())) for item in _outline_objects(pdf)]
    tagging.group_outline(pdf)
    after = [(item.objgen, dict(item.items())) for item in _outline_objects(pdf)]
    assert (before != after) is grouped
    assert tagging.outline_depth(pdf) <= tagging.OUTLINE_DEPTH_LIMIT
    with pdf.open_outline() as outline:
        assert _leaves(list(outline.root)) == [f"Heading {n}" for n in range(1, count + 1)]


def _outline_objects(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found, item = [], pdf.Root.Outlines.get("/First")
    while item is not None:
        found.append(item)
        item = item.get("/Next")
    return found


def test_a_limit_still_crossed_is_a_located_render_error(small: bytes) -> None:
    # An outline group_outline never saw: the validator's own SafetyLimitError, in words.
    with pytest.raises(RenderError) as caught:
        check_pdfua(_with_flat_outline(small, MANY), name="sample.en.standard.a4.pdf")
    assert caught.value.format_message() == (
        "sample.en.standard.a4.pdf: cannot be checked against PDF/UA-1: the PDF/UA "
        "validator's limit of 256 steps through the bookmarks was exceeded: the leaflet's "
        f"bookmarks need {MANY - 1} (too many headings at one level)"
    )


@pytest.mark.slow
def test_300_sections_build_and_pass(tmp_path: Path) -> None:
    path = _build_pdf(tmp_path, sections=[_section(n) for n in range(1, MANY + 1)])
    assert _validate(path).is_compliant
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        (title,) = outline.root
        headings = _leaves(title.children)
        # "Get help now" and the key takeaways come first.
        assert headings[2 : MANY + 2] == [f"Section {n}" for n in range(1, MANY + 1)]
        assert max(_levels(title.children)) <= tagging.OUTLINE_GROUP_SIZE
        groups = [item for item in title.children if item.children]
        assert groups and all(group.is_closed for group in groups)
        assert groups[1].title == "Section 19 – Section 38"  # after a first group of 20
        assert groups[1].destination == groups[1].children[0].destination


@pytest.mark.slow
def test_300_questions_build_and_pass(tmp_path: Path) -> None:
    faqs = [{"question": f"Question {n}?", "answer": [f"Answer {n}."]} for n in range(1, MANY + 1)]
    path = _build_pdf(tmp_path, faqs=faqs)
    assert _validate(path).is_compliant
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        (title,) = outline.root
        (questions,) = [item for item in title.children if item.title.startswith("Frequently")]
        assert not questions.is_closed
        assert _leaves(questions.children) == [f"Question {n}?" for n in range(1, MANY + 1)]
        assert len(questions.children) == MANY // tagging.OUTLINE_GROUP_SIZE


@pytest.mark.slow
def test_a_table_of_1030_rows_builds_and_passes(tmp_path: Path) -> None:
    rows = [[f"Day {n}", f"{n} mg"] for n in range(1, LONG + 1)]
    path = _build_pdf(tmp_path, sections=[_table_section(["Day", "Dose"], rows)])
    with pytest.raises(page.SafetyLimitError, match="at most 1024 rows"):
        _validate(path)  # the validator's defaults stop at 1,024 rows...
    assert check_pdfua(path.read_bytes()).ok  # ...the build's check reads them all
    with pikepdf.open(path) as pdf:
        (table,) = [node for node in tagging.walk(pdf) if node.type == "Table"]
        body = table.kids[-1]
        assert len(tagging.kids_of(body)) == LONG  # still one table, its rows in one body


@pytest.mark.slow
def test_a_table_of_1025_columns_fails_located(tmp_path: Path) -> None:
    header = [f"C{n}" for n in range(1025)]
    source = write_leaflet(
        tmp_path, minimal_leaflet(sections=[_table_section(header, [list(header)])])
    )
    report = build_files([source], tmp_path / "out")
    assert not report.built
    (failure,) = report.failed
    assert failure.message == (
        "sample.en.standard.a4.pdf: cannot be checked against PDF/UA-1: the PDF/UA validator's "
        "limit of 1,024 columns and 1,000,000 cells per table was exceeded: the leaflet's "
        "largest table has 1,025 columns and 2 rows"
    )


@pytest.mark.slow
def test_a_batch_of_big_leaflets_builds_them_and_reports_the_one_past_a_limit(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    header = [f"C{n}" for n in range(1025)]
    sources = {
        "sections": minimal_leaflet(id="sections", sections=[_section(n) for n in range(MANY)]),
        "rows": minimal_leaflet(
            id="rows",
            sections=[_table_section(["Day", "Dose"], [[f"Day {n}", "1 mg"] for n in range(LONG)])],
        ),
        "wide": minimal_leaflet(id="wide", sections=[_table_section(header, [list(header)])]),
        "good": minimal_leaflet(id="good"),
    }
    for data in sources.values():
        write_leaflet(folder, data)
    report = build_files(
        ["all"], tmp_path / "out", leaflets_dir=folder, jobs=2, formats=("pdf", "html")
    )
    assert sorted(b.path.name for b in report.built) == sorted(
        f"{name}.en.standard.a4.{fmt}"
        for name in ("good", "rows", "sections")
        for fmt in ("pdf", "html")
    )
    (failure,) = report.failed
    assert failure.message.startswith(
        "wide.en.standard.a4.pdf: cannot be checked against PDF/UA-1:"
    )
    assert "Traceback" not in failure.message
    assert (tmp_path / "out" / "index.html").is_file()
