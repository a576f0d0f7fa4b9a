"""`leaflet check` on built PDFs: every shipped output passes, and each rule catches its fault."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from weasyprint import HTML

from leafletgen.checks.audit import RULES, UP_TO_DATE
from leafletgen.cli import main
from leafletgen.content.loader import SOURCE_SUFFIXES
from leafletgen.i18n.factlock import CHECKED_FLAG
from leafletgen.i18n.store import CHROME, PACKAGE_LOCALES, catalog_path
from leafletgen.i18n.workflow import review
from leafletgen.project import PACKAGE_TEMPLATES as TEMPLATES_DIR
from leafletgen.publish.build import build
from leafletgen.publish.plan import BuildRequest
from leafletgen.render.pdf.tagging import Node, walk
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT, SEED, make_project

LOCALES_DIR = ROOT / "locales"

LEAFLETS = ROOT / "leaflets"
SHIPPED_LANGUAGES = 1 + len(list(LOCALES_DIR.glob(f"*/LC_MESSAGES/{SEED.stem}.po")))


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--leaflets-dir", str(LEAFLETS), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def rules_of(output: str) -> dict[str, dict[str, dict[str, object]]]:
    """{file name: {rule: result}} from `leaflet check --json`."""
    report = json.loads(output)
    return {Path(o["path"]).name: {r["rule"]: r for r in o["rules"]} for o in report["outputs"]}


def test_every_shipped_output_passes_every_rule(shipped: Path) -> None:
    sources = [p for p in LEAFLETS.iterdir() if p.suffix in SOURCE_SUFFIXES]
    code, output = check("--built", "--out", str(shipped), "--json")
    found = rules_of(output)
    assert code == 0, output
    # Every PDF by the audit's rules, every HTML twin by its format's own check.
    assert len(found) == len(sources) * SHIPPED_LANGUAGES * len(VARIANTS) * 2
    for name, results in found.items():
        rules = {rule.name for rule in RULES} if name.endswith(".pdf") else {"html"}
        assert set(results) == rules | {UP_TO_DATE}, name
        failed = {rule: r["detail"] for rule, r in results.items() if not r["ok"]}
        assert not failed, (name, failed)


def test_the_report_names_each_rule_and_its_finding(shipped: Path) -> None:
    pdf = next(shipped.rglob("*.ar.large-print.a4.pdf"))
    code, output = check(str(pdf))
    assert code == 0, output
    assert f"{pdf}: OK" in output
    for expected in (
        "pdf-ua-1        pass  PDF/UA-1 pass",
        "language        pass  /Lang ar",
        "font-size       pass  smallest 18.0 pt (at least 18 pt)",
        "no-italic       pass  no italic font",
        "draft-notice    pass  unreviewed translation: notice printed",
    ):
        assert expected in output
    assert f"1 PDF checked against {len(RULES)} rules: 1 passed, 0 failed" in output


# --- Broken outputs: each rule fails on its own fault ------------------------------------


@pytest.fixture
def broken(shipped: Path, tmp_path: Path) -> Callable[[str, Callable[[pikepdf.Pdf], None]], Path]:
    """Copy a shipped PDF under ``name`` (an output name) after applying ``damage`` to it."""

    def make(name: str, damage: Callable[[pikepdf.Pdf], None], like: str | None = None) -> Path:
        original = next(shipped.rglob(like or name))
        target = tmp_path / original.parent.name / name
        target.parent.mkdir(exist_ok=True)
        with pikepdf.open(original) as pdf:
            damage(pdf)
            pdf.save(target)
        return target

    return make  # type: ignore[return-value]


def failures(pdf: Path) -> dict[str, str]:
    code, output = check(str(pdf), "--json")
    assert code == 1, output
    return {rule: str(r["detail"]) for rule, r in rules_of(output)[pdf.name].items() if not r["ok"]}


NAME = "clonazepam-emotional-effects.en.standard.a4.pdf"


def test_an_untagged_pdf_fails(seed_outputs: dict[str, Path], tmp_path: Path) -> None:
    # The same leaflet rendered by WeasyPrint without PDF/UA: no tags, no language, no title flag.
    html = seed_outputs["html"].read_text(encoding="utf-8")
    target = tmp_path / "clonazepam-emotional-effects" / NAME
    target.parent.mkdir()
    HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/").write_pdf(target)
    found = failures(target)
    assert found["pdf-ua-1"].startswith("PDF/UA-1 FAIL: ")
    assert found["heading-levels"] == "the PDF is not tagged (no structure tree)"
    assert found["table-headers"] == "the PDF is not tagged (no structure tree)"
    assert found["title"] == "viewers are not told to show the title", found


def test_wrong_language(broken: Callable[..., Path]) -> None:
    def relabel(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Lang = pikepdf.String("es")

    assert failures(broken(NAME, relabel)) == {"language": "/Lang es, expected en"}


def test_an_english_pdf_passed_off_as_spanish(broken: Callable[..., Path]) -> None:
    # Wrong language, wrong title and no draft notice: three ways a reader would be misled.
    pdf = broken(NAME.replace(".en.", ".es."), lambda pdf: None, like=NAME)
    found = failures(pdf)
    assert found["language"] == "/Lang en, expected es"
    assert found["title"].startswith("title 'Can Klonopin Make You Cry?")
    assert found["draft-notice"].startswith("unreviewed translation without the notice 'Traducción")


def test_standard_print_passed_off_as_large_print(broken: Callable[..., Path]) -> None:
    pdf = broken(NAME.replace("standard", "large-print"), lambda pdf: None, like=NAME)
    assert failures(pdf)["font-size"].startswith("smallest 12.0 pt (at least 18 pt), at page 1")


def test_an_italic_font_in_large_print(broken: Callable[..., Path]) -> None:
    def slant(pdf: pikepdf.Pdf) -> None:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        font.DescendantFonts[0].FontDescriptor.ItalicAngle = -12

    name = NAME.replace("standard", "large-print")
    assert failures(broken(name, slant))["no-italic"].startswith("italic fonts in large print: ")


def test_a_font_not_embedded(broken: Callable[..., Path]) -> None:
    def strip(pdf: pikepdf.Pdf) -> None:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        del font.DescendantFonts[0].FontDescriptor["/FontFile2"]

    assert failures(broken(NAME, strip))["fonts-embedded"].startswith("not embedded: ")


def _retag(old: str, new: str, every: bool = False) -> Callable[[pikepdf.Pdf], None]:
    """Change the type of the first (or every) structure element of type ``old``."""

    def retag(pdf: pikepdf.Pdf) -> None:
        found = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == old]
        assert found, f"no {old} element to retag"
        for element in found if every else found[:1]:
            element.S = pikepdf.Name(new)

    return retag


def test_a_skipped_heading_level(broken: Callable[..., Path]) -> None:
    found = failures(broken(NAME, _retag("/H2", "/H4")))
    assert found["heading-levels"] == "heading 2 skips from H1 to H4"


def test_a_table_without_header_cells(broken: Callable[..., Path]) -> None:
    found = failures(broken(NAME, _retag("/TH", "/TD", every=True)))
    assert found["table-headers"] == "2 of 2 tables have no TH cell"


def test_an_image_without_alternative_text(broken: Callable[..., Path]) -> None:
    found = failures(broken(NAME, _retag("/P", "/Figure")))
    assert found["alt-text"] == "1 of 1 image has no /Alt"


def test_a_draft_translation_without_its_notice(shipped: Path, tmp_path: Path) -> None:
    # The Spanish catalog says it was reviewed when the PDF was built, and is a draft again
    # now: the printed PDF lacks the notice the current catalog requires.
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    chrome = catalog_path(locales, "es", CHROME)  # the project's own copy of the chrome
    shutil.copy(catalog_path(PACKAGE_LOCALES, "es", CHROME), chrome)
    leaflet = catalog_path(locales, "es", SEED.stem)
    # A translator has checked each negation the fact lock asks about, then reviewed both.
    leaflet.write_text(
        leaflet.read_text("utf-8").replace("\nmsgctxt ", f"\n#, {CHECKED_FLAG}\nmsgctxt "), "utf-8"
    )
    review(make_project(locales_dir=locales), "es", "A. Reviewer", today=date(2026, 12, 1))
    out = tmp_path / "out"
    request = BuildRequest(leaflets=(str(SEED),), languages=("es",))
    assert not build(make_project(out, locales_dir=locales), request).failed
    pdf = next(out.rglob("*.es.standard.a4.pdf"))
    code, output = check(str(pdf), "--json")
    assert code == 1
    assert rules_of(output)[pdf.name]["draft-notice"]["ok"] is False


def test_a_pdf_with_no_source(tmp_path: Path, shipped: Path) -> None:
    pdf = tmp_path / "unknown.en.standard.a4.pdf"
    shutil.copy(next(shipped.rglob(NAME)), pdf)
    code, output = check(str(pdf))
    assert code == 1
    assert "unknown" in output and "FAIL" in output


def test_nothing_to_check_is_a_usage_error(tmp_path: Path) -> None:
    code, output = check("--built", "--out", str(tmp_path))
    assert code == 2
    assert "no PDF listed in" in output


# --- What a screen reader meets: the tree holds every piece of content, lists whole ----------


def _first_list(pdf: pikepdf.Pdf) -> Node:
    return next(node for node in walk(pdf) if node.type == "L")


def test_an_orphaned_element_and_its_stray_content(broken: Callable[..., Path]) -> None:
    # WeasyPrint's running headers were like this: content whose element names the Document
    # as its parent while the Document does not list it. Here: the first paragraph, cut loose.
    def orphan(pdf: pikepdf.Pdf) -> None:
        paragraph = next(node for node in walk(pdf) if node.type == "P")
        parent = paragraph.parent
        parent.K = pikepdf.Array([k for k in parent.K if k.objgen != paragraph.element.objgen])

    found = failures(broken(NAME, orphan))
    assert set(found) == {"tree-complete", "content-in-tree"}, found  # the validator passes it
    assert found["tree-complete"].startswith(
        "1 structure element holds content but is not in the tree (the first on page 1)"
    )
    assert found["content-in-tree"].endswith("read on every page: page 1")


def test_text_in_no_marked_content(broken: Callable[..., Path]) -> None:
    # A footer drawn bare, as an untagged PDF writer would: neither content nor an artifact.
    def unmark(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[1]
        instructions, depth = [], []
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator == "BDC" and str(instruction.operands[0]) == "/Artifact":
                depth.append(True)
                continue
            if operator in ("BDC", "BMC"):
                depth.append(False)
            if operator == "EMC" and depth.pop():
                continue
            instructions.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))

    found = failures(broken(NAME, unmark))
    assert set(found) == {"content-in-tree", "pdf-ua-1"}, found  # this one the validator sees
    assert found["content-in-tree"].endswith("page 2: 3 text runs in no marked content")


def test_a_list_broken_in_two(broken: Callable[..., Path]) -> None:
    # What WeasyPrint wrote where a page broke a list: a 5-item list read as 1 and 4.
    def split(pdf: pikepdf.Pdf) -> None:
        node = _first_list(pdf)
        items = list(node.element.K)
        second = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem))
        second.S, second.P, second.K = node.element.S, node.parent, pikepdf.Array(items[1:])
        for item in items[1:]:
            item.P = second
        node.element.K = pikepdf.Array(items[:1])
        kids = list(node.parent.K)
        index = [kid.objgen for kid in kids].index(node.element.objgen)
        node.parent.K = pikepdf.Array([*kids[: index + 1], second, *kids[index + 1 :]])

    found = failures(broken(NAME, split))
    assert set(found) == {"lists-whole"}, found
    # The first list is "Get help now"'s two situations.
    assert found["lists-whole"].startswith("11 lists of [1, 1, 5,"), found
    assert "the leaflet prints 10 of [2, 5," in found["lists-whole"]


def test_a_list_item_without_its_bullet(broken: Callable[..., Path]) -> None:
    # A broken item's second part, as WeasyPrint tagged it: a second item with no label.
    def unlabel(pdf: pikepdf.Pdf) -> None:
        item = _first_list(pdf).kids[1]
        next(kid for kid in item.K if kid.get("/S") == "/Lbl").S = pikepdf.Name.LBody

    found = failures(broken(NAME, unlabel))
    assert found == {"lists-whole": "1 list item has no label (bullet) beside ones that do"}
