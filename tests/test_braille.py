"""The braille-ready file: liblouis' braille laid out in 40 cells by 25 lines, read back by
liblouis, its words, headings and numbers held against the edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from leafletgen.engine import Request, prepare, render
from leafletgen.errors import RenderError
from leafletgen.render.braille import braille_code, check, layout, louis
from leafletgen.render.format import Document
from leafletgen.render.outline import outline_of
from leafletgen.render.readback import read_back
from leafletgen.variants import PAPERS
from tests.conftest import SEED, make_project, minimal_leaflet, write_leaflet

SEED_ID = SEED.stem


def _document(project, language: str, variant: str = "standard") -> Document:  # type: ignore[no-untyped-def]
    prepared = prepare(project, SEED_ID, language, variant)
    return Document(
        prepared.edition,
        prepared.localization,
        project.assets,
        PAPERS["a4"],
        "test.brf",
        braille=project.config.braille,
    )


def _pages(data: bytes) -> list[list[str]]:
    return layout.from_brf(data)


@pytest.mark.parametrize("language", ["en", "es", "ar", "ru"])
def test_every_language_is_laid_out_and_reads_back(language: str) -> None:
    project = make_project()
    rendered = render(project, Request(SEED_ID, language, format="brf"))
    (verdict,) = rendered.checks
    assert verdict.ok, verdict.failures
    pages = _pages(rendered.data)
    assert rendered.pages == len(pages) > 5
    for number, lines in enumerate(pages, start=1):
        assert len(lines) == layout.LINES
        assert all(len(line) <= layout.CELLS for line in lines)
        assert lines[-1].strip(layout.BLANK) == louis.to_braille(
            braille_code(_document(project, language)).table, str(number)
        )
    # Read back by liblouis on its own, the title and a heading of the edition are there.
    document = _document(project, language)
    outline = outline_of(document)
    table = braille_code(document).table
    back = louis.from_braille(table, layout.BLANK.join(line for page in pages for line in page))
    result = read_back(outline.text(), outline.headings, back, language)
    assert result.word_coverage >= 0.9
    assert outline.headings[2].split()[-1].casefold() in back.casefold()


def _sample_project(root: Path, settings: str = ""):  # type: ignore[no-untyped-def]
    (root / "leaflets").mkdir(parents=True)
    write_leaflet(root / "leaflets", minimal_leaflet())
    (root / "leaflet.toml").write_text(settings, encoding="utf-8")
    return make_project(root=root)


def test_english_is_contracted_unless_grade_1_is_asked_for(tmp_path: Path) -> None:
    grade2 = render(_sample_project(tmp_path / "a"), Request("sample", format="brf"))
    grade1 = render(
        _sample_project(tmp_path / "b", "[braille]\ngrade = 1\n"), Request("sample", format="brf")
    )
    assert str(grade2.checks[0]).startswith("BRF (UEB grade 2) pass")
    assert str(grade1.checks[0]).startswith("BRF (UEB grade 1) pass")
    # "Take it with water.": grade 2 writes "it" as X and "with" as one cell, ")".
    assert ",TAKE X ) WAT]4" in grade2.data.decode("ascii")
    assert ",TAKE IT WITH WATER4" in grade1.data.decode("ascii")


def test_a_grade_other_than_1_or_2_is_refused(tmp_path: Path) -> None:
    from leafletgen.errors import SourceError

    with pytest.raises(SourceError, match=r"braille\.grade"):
        _sample_project(tmp_path, "[braille]\ngrade = 3\n")


def test_headings_are_centred_and_never_end_a_page() -> None:
    project = make_project()
    data = render(project, Request(SEED_ID, "en", format="brf")).data
    pages = _pages(data)
    key = louis.to_braille("en-ueb-g2.ctb", "Key takeaways")
    line = next(line for page in pages for line in page if line.strip(layout.BLANK) == key)
    left = len(line) - len(line.lstrip(layout.BLANK))
    assert left >= 3 and abs(left - (layout.CELLS - len(line))) <= 1
    headings = {
        cells
        for heading in outline_of(_document(project, "en")).headings
        for cells in layout.wrap(louis.to_braille("en-ueb-g2.ctb", heading), 0, 0, 34)
    }
    for lines in pages:
        text = [line.strip(layout.BLANK) for line in lines[:-1] if line.strip(layout.BLANK)]
        assert text[-1] not in headings, "a page ends with a heading"


@pytest.mark.parametrize(("items", "heading_page"), [(20, 0), (22, 1)])
def test_a_heading_keeps_with_its_first_line(items: int, heading_page: int) -> None:
    from leafletgen.render.outline import Chapter, Heading, ItemList, Outline, Paragraph

    blocks = (ItemList(("item",) * items), Heading(2, "Next part"), Paragraph("after"))
    outline = Outline("en", "ltr", "T", (Chapter("T", blocks),))
    pages = layout.paginate(outline, lambda text: louis.to_braille("en-ueb-g1.ctb", text))
    cells = [[line.strip(layout.BLANK) for line in page] for page in pages]
    heading = louis.to_braille("en-ueb-g1.ctb", "Next part")
    assert heading in cells[heading_page]
    index = cells[heading_page].index(heading)
    # 20 items, a blank line, the heading and its first line: 23 of the 24 lines of text.
    assert cells[heading_page][index + 1] == louis.to_braille("en-ueb-g1.ctb", "after")
    assert index == (21 if heading_page == 0 else 0)


def test_wrap_breaks_at_blank_cells_with_indents() -> None:
    cells = layout.BLANK.join(["⠁" * 10] * 6)
    lines = layout.wrap(cells, first=2, runover=0)
    assert lines[0].startswith(layout.BLANK * 2 + "⠁")
    assert all(len(line) <= layout.CELLS for line in lines)
    assert "".join(lines).replace(layout.BLANK, "") == "⠁" * 60
    long_word = layout.wrap("⠃" * 100, first=0, runover=2)
    assert [len(line) for line in long_word] == [40, 40, 24]


def _tampered(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.fixture(scope="module")
def english() -> tuple[bytes, Document]:
    project = make_project()
    return render(project, Request(SEED_ID, "en", format="brf")).data, _document(project, "en")


def test_the_check_finds_a_missing_heading(english: tuple[bytes, Document]) -> None:
    data, document = english
    verdict = check(_tampered(data, b",KEY TAKEAWAYS", b",KEY"), document)
    assert not verdict.ok
    assert any("heading: 'Key takeaways'" in failure for failure in verdict.failures)


def test_the_check_finds_a_changed_number(english: tuple[bytes, Document]) -> None:
    data, document = english
    # "about 5–10% of patients" in UEB: #E,-#AJ.0; 10% becomes 19%.
    verdict = check(_tampered(data, b"#E,-#AJ.0", b"#E,-#AI.0"), document)
    assert not verdict.ok
    assert "brf-readback-number: 10% is not in what came back; it has 19%" in verdict.failures
    assert check(data, document).ok


def test_the_check_finds_long_lines_long_pages_and_foreign_bytes(
    english: tuple[bytes, Document],
) -> None:
    data, document = english
    long_line = check(_tampered(data, b"\r\n", b" " * 41 + b"A\r\n"), document)
    assert any(f.startswith("brf-cells: page 1, line 1") for f in long_line.failures)
    long_page = check(_tampered(data, b"\f", b"\r\n\f"), document)
    assert any(f.startswith("brf-lines: page 1") for f in long_page.failures)
    assert any(f.startswith("brf-page-number: page 1") for f in long_page.failures)
    foreign = check(_tampered(data, b"A", b"a"), document)
    assert not foreign.ok and foreign.failures[0].startswith("brf-cells: not a BRF file")


def test_the_check_wants_most_words_back(english: tuple[bytes, Document]) -> None:
    data, document = english
    pages = data.split(b"\f")
    half = b"\f".join(pages[: len(pages) // 2])
    verdict = check(half, document)
    assert any("brf-readback-words" in failure for failure in verdict.failures)


def test_same_source_same_bytes() -> None:
    project = make_project()
    first = render(project, Request(SEED_ID, "ru", variant="plain", format="brf")).data
    second = render(project, Request(SEED_ID, "ru", variant="plain", format="brf")).data
    assert first == second


def test_a_language_without_a_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", minimal_leaflet(language="de"))
    with pytest.raises(RenderError, match="no braille table for the language 'de'"):
        render(make_project(root=tmp_path), Request("sample", format="brf"))


def test_the_read_back_is_held_by_the_fact_lock() -> None:
    """One comparison for translations, braille and audio (leafletgen.content.facts): numbers
    as values in the language's spelling, doses with their units, and the negations."""
    result = read_back("Take 2 tablets of 0.5 mg", (), "take 2 tablets of 5 mg", "en")
    assert [str(f) for f in result.lost_facts] == [
        "number: 0.5 mg is not in the translation; it has 5 mg"
    ]
    assert result.word_coverage == 1.0
    assert read_back("Tome 0,5 mg y 1.000 ml", (), "tome 0,5 mg y 1.000 ml", "es").lost_facts == ()
    assert read_back("خذ ٠٫٥ ملغ", (), "خذ 0.5 ملغ", "ar").lost_facts == ()
    dropped = read_back("Do not stop suddenly.", (), "Do stop suddenly.", "en")
    assert dropped.word_coverage < 1 and [f.rule for f in dropped.lost_facts] == ["negation"]
    assert dropped.failures(min_coverage=0.5, prefix="brf-readback") == [
        "brf-readback-negation: 1 of the source's negations did not come back (not)"
    ]
    assert read_back("No. Do not.", (), "No. Do.", "en").lost_facts != ()  # counted
    # Web addresses are compared unless the format spells them its own way (braille).
    changed = ("See https://a.example/dose now.", (), "See https://a.example/dse now.", "en")
    assert [f.rule for f in read_back(*changed).lost_facts] == ["url"]
    assert read_back(*changed, urls=False).lost_facts == ()


def test_a_lost_not_fails_the_braille(english: tuple[bytes, Document]) -> None:
    """Every "not" of the text dropped from the braille (UEB writes it as the letter n
    standing alone): the check names the lost negation."""
    data, document = english
    tampered = data.replace(b" N ", b" ")
    assert tampered != data
    verdict = check(tampered, document)
    assert not verdict.ok
    assert any(f.startswith("brf-readback-negation: ") for f in verdict.failures), verdict
