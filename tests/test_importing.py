"""`leaflet import`: plain text (the seed article), Markdown and Word become draft sources that
keep every piece of text, build at once marked as drafts, and are refused for publication."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from leafletgen.cli import main
from leafletgen.content.loader import load_leaflet
from leafletgen.content.markup import Link, parse, to_text
from leafletgen.content.model import (
    BulletList,
    Leaflet,
    NumberedList,
    Paragraph,
    Table,
    takeaway_text,
)
from leafletgen.importing import import_file
from leafletgen.importing.builder import UNPLACED_HEADING
from tests.conftest import SEED, build_files
from tests.pdfutil import assert_in_order, margin_text, tagged_text
from tests.test_seed import ARTICLE, article_lines, html_text, leaflet_strings

MEDICINE = {"medicine": {"generic": "clonazepam", "brands": ["Klonopin"]}}


@pytest.fixture(scope="module")
def imported_seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Leaflet, dict[str, Path]]:
    """The seed article imported with `leaflet import`, and its standard PDF and HTML."""
    folder = tmp_path_factory.mktemp("imported")
    source = folder / "clonazepam-imported.yaml"
    result = main.main(
        ["import", str(ARTICLE), "-o", str(source), "--medicine", "clonazepam",
         "--brand", "Klonopin"], standalone_mode=False,
    )  # fmt: skip
    assert result is None
    report = build_files([source], folder / "out", formats=("pdf", "html"))
    assert not report.failed, report.failed
    return load_leaflet(source), {built.format: built.path for built in report.built}


def _kinds(blocks: list) -> list[str]:
    return [type(b).__name__ for b in blocks]


def test_imported_seed_carries_every_line_of_the_article(imported_seed) -> None:
    leaflet, outputs = imported_seed
    text = html_text(outputs["html"])
    assert [line for line in article_lines() if line not in text] == []
    assert_in_order(tagged_text(outputs["pdf"]), leaflet_strings(leaflet))


def test_imported_seed_has_the_structure_of_the_hand_made_one(imported_seed) -> None:
    imported, _ = imported_seed
    made = load_leaflet(SEED)
    assert [s.heading for s in imported.sections] == [s.heading for s in made.sections]
    assert [[u.heading for u in s.subsections] for s in imported.sections] == [
        [u.heading for u in s.subsections] for s in made.sections
    ]

    def lists(leaflet: Leaflet) -> list[list[str]]:
        return [
            [to_text(item) for item in block.items]
            for section in leaflet.sections
            for part in (section, *section.subsections)
            for block in part.blocks
            if isinstance(block, BulletList)
        ]

    assert lists(imported) == lists(made)
    assert [(f.question, f.answer) for f in imported.faqs] == [
        (f.question, f.answer) for f in made.faqs
    ]
    # Which takeaway is a safety one is the editor's mark, not the article's.
    assert [takeaway_text(t) for t in imported.key_takeaways] == [
        takeaway_text(t) for t in made.key_takeaways
    ]
    assert imported.bottom_line == made.bottom_line
    assert (imported.title, imported.subtitle, imported.summary) == (
        made.title,
        made.subtitle,
        made.summary,
    )
    # The two tables, whose columns are separated by single spaces, are kept whole, line by
    # line, under the caption the hand-made leaflet gives them, and marked for the author.
    tables = [
        block.table
        for section in imported.sections
        for block in section.blocks
        if isinstance(block, Table)
    ]
    made_tables = [
        block.table for section in made.sections for block in section.blocks
        if isinstance(block, Table)
    ]  # fmt: skip
    assert [t.caption for t in tables] == [t.caption for t in made_tables]
    assert [len(t.rows) for t in tables] == [3, 3]
    assert all(len(t.header) == 1 and not t.row_headers for t in tables)
    assert tables[0].header == ["Symptom Description Duration"]
    assert imported.draft is not None and len(imported.draft.to_check) == 2
    assert UNPLACED_HEADING not in [s.heading for s in imported.sections]


def test_imported_seed_is_a_draft_on_every_page(imported_seed) -> None:
    leaflet, outputs = imported_seed
    assert leaflet.draft is not None
    assert leaflet.draft.to_fill == ["version", "reviewed", "source"]
    assert (leaflet.version, leaflet.reviewed) == (None, None)
    # The source's title is the article's own title line, for the author to confirm.
    assert leaflet.source is not None and leaflet.source.title == load_leaflet(SEED).source.title
    margins = margin_text(outputs["pdf"])
    assert len(margins) >= 5
    assert all("Draft — not reviewed" in text for text in margins.values()), margins
    assert "Version" not in " ".join(margins.values())
    assert "Draft — not reviewed" in html_text(outputs["html"])


def test_check_refuses_the_draft_and_lists_the_plain_text_as_missing(
    imported_seed, runner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["import", str(ARTICLE), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(main, ["check", str(tmp_path / "x.yaml")])
    assert checked.exit_code == 1
    assert "FAIL: a draft, not for publication: fill in medicine, version, reviewed, source" in (
        checked.output
    )
    assert "FAIL: no plain-language text for section 'How Klonopin Affects Brain Chemistry'" in (
        checked.output
    )
    assert checked.output.count("FAIL: draft: to check: the table") == 2


def test_the_report_says_what_was_recognised_guessed_and_left(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["import", str(ARTICLE), "-o", str(tmp_path / "seed.yaml")])
    out = result.output
    assert "9 sections, 2 subsections, 5 FAQs, 5 key takeaways, 3 bottom-line paragraphs" in out
    assert "Guessed (check these): 7" in out
    assert "Could not place (kept under “Not placed by the import”): none" in out
    assert "Kept in place as marked blocks (listed in draft: to_check): 2" in out
    assert "  - medicine: not in the input" in out


def test_import_never_replaces_a_file_without_force(runner, tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work\n", encoding="utf-8")
    refused = runner.invoke(main, ["import", str(ARTICLE), "-o", str(target)])
    assert refused.exit_code == 1 and "exists already (pass --force" in refused.output
    assert target.read_text(encoding="utf-8") == "my work\n"
    assert (
        runner.invoke(main, ["import", str(ARTICLE), "-o", str(target), "--force"]).exit_code == 0
    )
    assert load_leaflet(target).id == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temporary file left


def test_a_file_that_is_not_text_is_refused_with_its_name(runner, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9\n".encode("latin-1"))
    result = runner.invoke(main, ["import", str(bad), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert f"{bad}: not UTF-8 text (byte 4)" in result.output
    assert not (tmp_path / "x.yaml").exists()


# -- Markdown and Word: every construct ------------------------------------------------------

MARKDOWN = """\
# Taking samplex | What you need to know

Samplex treats **mild pain**. Read the [product page](https://example.org/samplex).

## How to take it

Take it with food.

1. Wash your hands.
2. Take **one** tablet.
3. Drink a glass of water.

### Doses by age

| Age | Dose | How often | Most in a day |
|-----|------|-----------|---------------|
| Adults | 1 tablet | Every 6 hours | 4 tablets |
| Children 12–17 | Half a tablet | Every 8 hours | 2 tablets |

Ask your pharmacist about children under 12.

## Side effects

- Nausea
- Headache, see [advice](https://example.org/headache)

## Key takeaways

- Take it with food.
- Never take more than four tablets a day.

## Frequently asked questions

### Can I drink alcohol?

No. Alcohol makes side effects worse.

### What if I miss a dose?

Take it when you remember.

Do not take two doses together.

## The bottom line

Samplex is safe when you follow the doses.
"""


def _check_every_construct(leaflet: Leaflet) -> None:
    assert leaflet.title == "Taking samplex"
    assert leaflet.subtitle == "What you need to know"
    assert leaflet.summary == (
        "Samplex treats **mild pain**. Read the [product page](https://example.org/samplex)."
    )
    assert [s.heading for s in leaflet.sections] == ["How to take it", "Side effects"]
    how = leaflet.sections[0]
    assert _kinds(how.blocks) == ["Paragraph", "NumberedList", "Table", "Paragraph"]
    steps = how.blocks[1]
    assert isinstance(steps, NumberedList)
    assert steps.items == ["Wash your hands.", "Take **one** tablet.", "Drink a glass of water."]
    table = how.blocks[2]
    assert isinstance(table, Table)
    assert table.table.caption == "Doses by age"
    assert table.table.header == ["Age", "Dose", "How often", "Most in a day"]
    assert table.table.rows[1] == ["Children 12–17", "Half a tablet", "Every 8 hours", "2 tablets"]
    last = how.blocks[3]
    assert isinstance(last, Paragraph) and last.text.startswith("Ask your pharmacist")
    effects = leaflet.sections[1].blocks[0]
    assert isinstance(effects, BulletList)
    assert effects.items[1] == "Headache, see [advice](https://example.org/headache)"
    assert leaflet.key_takeaways == [
        "Take it with food.",
        "Never take more than four tablets a day.",
    ]
    assert [(f.question, f.answer) for f in leaflet.faqs] == [
        ("Can I drink alcohol?", ["No. Alcohol makes side effects worse."]),
        (
            "What if I miss a dose?",
            ["Take it when you remember.", "Do not take two doses together."],
        ),
    ]
    assert leaflet.bottom_line == ["Samplex is safe when you follow the doses."]


def test_markdown_imports_every_construct(tmp_path: Path) -> None:
    path = tmp_path / "samplex.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    imported = import_file(path, "samplex")
    _check_every_construct(imported.leaflet)
    assert not any("numbered list" in g for g in imported.report.guessed), imported.report.guessed


def _word_fixture(path: Path) -> None:
    """The Markdown fixture's content as a Word document, with Word's own styles."""
    document = docx.Document()
    document.add_paragraph("Taking samplex | What you need to know", style="Title")
    summary = document.add_paragraph("Samplex treats ")
    summary.add_run("mild pain").bold = True
    summary.add_run(". Read the ")
    _hyperlink(summary, "product page", "https://example.org/samplex")
    summary.add_run(".")
    document.add_heading("How to take it", level=1)
    document.add_paragraph("Take it with food.")
    document.add_paragraph("Wash your hands.", style="List Number")
    step = document.add_paragraph("Take ", style="List Number")
    step.add_run("one").bold = True
    step.add_run(" tablet.")
    document.add_paragraph("Drink a glass of water.", style="List Number")
    document.add_paragraph("Doses by age", style="Caption")
    rows = [
        ("Age", "Dose", "How often", "Most in a day"),
        ("Adults", "1 tablet", "Every 6 hours", "4 tablets"),
        ("Children 12–17", "Half a tablet", "Every 8 hours", "2 tablets"),
    ]
    table = document.add_table(rows=3, cols=4)
    for cells, row in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, row, strict=True):
            cell.text = text
    document.add_paragraph("Ask your pharmacist about children under 12.")
    document.add_heading("Side effects", level=1)
    document.add_paragraph("Nausea", style="List Bullet")
    effect = document.add_paragraph("Headache, see ", style="List Bullet")
    _hyperlink(effect, "advice", "https://example.org/headache")
    document.add_heading("Key takeaways", level=1)
    document.add_paragraph("Take it with food.", style="List Bullet")
    document.add_paragraph("Never take more than four tablets a day.", style="List Bullet")
    document.add_heading("Frequently asked questions", level=1)
    document.add_heading("Can I drink alcohol?", level=2)
    document.add_paragraph("No. Alcohol makes side effects worse.")
    document.add_heading("What if I miss a dose?", level=2)
    document.add_paragraph("Take it when you remember.")
    document.add_paragraph("Do not take two doses together.")
    document.add_heading("The bottom line", level=1)
    document.add_paragraph("Samplex is safe when you follow the doses.")
    document.save(str(path))


def _hyperlink(paragraph, text: str, url: str) -> None:
    # python-docx writes no hyperlinks; this is the WordprocessingML a word processor writes.
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def test_word_imports_every_construct(tmp_path: Path) -> None:
    path = tmp_path / "samplex.docx"
    _word_fixture(path)
    imported = import_file(path, "samplex", known=MEDICINE)
    _check_every_construct(imported.leaflet)
    assert imported.leaflet.medicine is not None


def test_a_broken_word_file_is_refused(tmp_path: Path) -> None:
    from leafletgen.errors import SourceError

    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match=r"broken\.docx: not a Word document"):
        import_file(path, "broken")


# -- FHIR ePI: export, validate, import back ---------------------------------------------------


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed as an ePI Bundle in its own language and every shipped translation."""
    report = build_files(
        [SEED], tmp_path_factory.mktemp("epi"), formats=("epi",), languages=("all",)
    )
    assert not report.failed, report.failed
    return {built.path.name.split(".")[1]: built.path for built in report.built}


def _without_plain(value: object) -> object:
    if isinstance(value, dict):
        # summary_bottom_line is printed by the summaries only: the standard's ePI has none.
        skip = ("plain", "draft", "id", "summary_bottom_line")
        return {k: _without_plain(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list):
        return [_without_plain(v) for v in value]
    return value


def test_the_bundle_is_a_valid_fhir_r5_epi_document(bundles: dict[str, Path]) -> None:
    from fhir.resources.bundle import Bundle

    assert sorted(bundles) == ["ar", "en", "es", "ru"]
    for language, path in bundles.items():
        bundle = Bundle.model_validate_json(path.read_bytes())  # the check's own validator
        composition = bundle.entry[0].resource
        assert bundle.type == "document" and composition.get_resource_type() == "Composition"
        assert composition.language == language == bundle.language
        assert composition.version == "1.0" and str(composition.date) == "2026-11-25"
        product = bundle.entry[1].resource
        names = [(n.productName, n.type.text) for n in product.name]
        if language in ("en", "es"):
            # every market's brand: the seed lists Rivotril for Spain (with its country)
            brands = [("Klonopin", "brand"), ("Rivotril", "brand")]
            assert names == [("clonazepam", "generic"), *brands]
        # Shipped translations are drafts: a preliminary document, as the PDF says on every page.
        assert composition.status == ("final" if language == "en" else "preliminary")
        div = composition.section[2].text.div
        assert div.startswith(f'<div xmlns="http://www.w3.org/1999/xhtml" lang="{language}"')


def test_export_then_import_gives_the_same_leaflet(
    bundles: dict[str, Path], tmp_path: Path
) -> None:
    imported = import_file(bundles["en"], "back").leaflet
    seed = load_leaflet(SEED)
    assert _without_plain(imported.model_dump()) == _without_plain(seed.model_dump())
    assert leaflet_strings(imported) == leaflet_strings(seed)
    assert imported.draft is not None and imported.draft.to_fill == []


def test_a_translated_bundle_imports_as_a_source_in_its_language(bundles: dict[str, Path]) -> None:
    from leafletgen.engine import prepare
    from tests.conftest import make_project

    text = prepare(make_project(), str(SEED), "es", "standard").edition
    imported = import_file(bundles["es"], "back").leaflet
    assert imported.language == "es"
    assert (imported.title, imported.subtitle) == (text.title, text.subtitle)
    assert [s.heading for s in imported.sections] == [s.heading for s in text.sections]
    assert [s.blocks for s in imported.sections] == [s.blocks for s in text.sections]
    assert [(f.question, f.answer) for f in imported.faqs] == [
        (f.question, f.answer) for f in text.faqs
    ]


def test_the_check_refuses_a_bundle_fhir_rejects(bundles: dict[str, Path]) -> None:
    import json

    from leafletgen.engine import prepare
    from leafletgen.render import epi
    from leafletgen.render.format import Document
    from tests.conftest import make_project

    project = make_project()
    prepared = prepare(project, str(SEED), None, "standard")
    document = Document(prepared.edition, prepared.localization, project.assets,
                        __import__("leafletgen.variants").variants.PAPERS["a4"], "seed")  # fmt: skip
    good = bundles["en"].read_bytes()
    assert epi.check(good, document).ok
    for field, value in (("status", None), ("date", "last week")):
        data = json.loads(good)
        data["entry"][0]["resource"][field] = value
        verdict = epi.check(json.dumps(data).encode(), document)
        assert not verdict.ok
        assert verdict.failures[0].startswith(f"fhir: entry.0.resource.{field}: "), verdict
    data = json.loads(good)
    data["entry"][0]["resource"]["section"][2]["text"]["div"] = (
        '<div xmlns="http://www.w3.org/1999/xhtml" lang="fr"><p>x</p></div>'
    )
    verdict = epi.check(json.dumps(data).encode(), document)
    assert verdict.failures == ("section 3: not an XHTML div in 'en'",)


def test_the_audit_finds_the_draft_notice_on_the_imported_pdf(imported_seed) -> None:
    from leafletgen.checks.audit import audit_outputs
    from tests.conftest import make_project

    _, outputs = imported_seed
    pdf = outputs["pdf"]
    project = make_project(pdf.parent.parent, leaflets_dir=pdf.parent.parent.parent)
    (audit,) = audit_outputs(project, [pdf])
    found = {result.rule: result for result in audit.results}
    assert found["draft-notice"].ok, found["draft-notice"]
    assert found["draft-notice"].detail == "draft source: notice printed"
    assert audit.ok, [r for r in audit.results if not r.ok]


def test_the_markdown_import_builds_at_once_as_a_draft(tmp_path: Path) -> None:
    path = tmp_path / "samplex.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    source = tmp_path / "samplex.yaml"
    (tmp_path / "samplex.yaml").write_bytes(import_file(path, "samplex").data)
    report = build_files([source], tmp_path / "out", formats=("pdf", "html"))
    assert not report.failed, report.failed
    pdf = next(b.path for b in report.built if b.format == "pdf")
    leaflet = load_leaflet(source)
    assert leaflet.medicine is None  # not in the document: no medicine is printed
    assert_in_order(tagged_text(pdf), leaflet_strings(leaflet))
    assert all("Draft — not reviewed" in text for text in margin_text(pdf).values())


def test_untrusted_markup_is_kept_as_text_never_as_markup(tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(
        "# Title\n\n## Part\n\n"
        "Click [here](javascript:alert(1)) or [there](/relative/page).\n\n"
        "<script>alert(1)</script>\n\n"
        "Stars ** and [brackets] and a back\\\\slash stay as written.\n\n"
        "## Key takeaways\n\n- One.\n\n## Bottom line\n\nTwo.\n",
        encoding="utf-8",
    )
    imported = import_file(path, "hostile")
    blocks = imported.leaflet.sections[0].blocks
    texts = [to_text(b.text) for b in blocks if isinstance(b, Paragraph)]
    # markdown-it makes no link of a javascript: target: it is printed as written.
    assert texts == [
        "Click [here](javascript:alert(1)) or there.",
        "<script>alert(1)</script>",
        "Stars ** and [brackets] and a back\\slash stay as written.",
    ]
    links = [
        n for b in blocks if isinstance(b, Paragraph) for n in parse(b.text) if isinstance(n, Link)
    ]
    assert links == []  # the relative link keeps its words only
    assert any("link to '/relative/page' kept as its words" in g for g in imported.report.guessed)
    assert any("raw HTML kept as its text" in g for g in imported.report.guessed)


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    from leafletgen.errors import SourceError

    path = tmp_path / "leaflet.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(SourceError, match=r"cannot import a '\.pdf' file"):
        import_file(path, "leaflet")


def test_leaflet_list_shows_a_draft(runner, tmp_path: Path) -> None:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    assert (
        runner.invoke(main, ["import", str(ARTICLE), "-o", str(folder / "x.yaml")]).exit_code == 0
    )
    listed = runner.invoke(main, ["list", "--leaflets-dir", str(folder)])
    assert listed.exit_code == 0, listed.output
    assert listed.output == "x  en     draft  reviewed never  source  DRAFT (not for patients)\n"
