"""`leaflet check` on built PDFs: every shipped output passes, and each rule catches its fault."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from weasyprint import HTML

from leafletgen.checks.audit import RULES, UP_TO_DATE
from leafletgen.cli import main
from leafletgen.content.loader import SOURCE_SUFFIXES
from leafletgen.i18n.store import CHROME, PACKAGE_LOCALES, catalog_path
from leafletgen.project import PACKAGE_TEMPLATES as TEMPLATES_DIR
from leafletgen.publish.build import build
from leafletgen.publish.plan import BuildRequest
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
    assert len(found) == len(sources) * SHIPPED_LANGUAGES * len(VARIANTS)
    for name, results in found.items():
        assert set(results) == {rule.name for rule in RULES} | {UP_TO_DATE}, name
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
    assert "1 PDFs checked against 10 rules: 1 passed, 0 failed" in output


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
    assert found["alt-text"] == "1 of 1 images have no /Alt"


def test_a_draft_translation_without_its_notice(shipped: Path, tmp_path: Path) -> None:
    # The Spanish catalog says it was reviewed when the PDF was built, and is a draft again
    # now: the printed PDF lacks the notice the current catalog requires.
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    chrome = catalog_path(locales, "es", CHROME)  # the project's own copy of the chrome
    shutil.copy(catalog_path(PACKAGE_LOCALES, "es", CHROME), chrome)
    for po in (catalog_path(locales, "es", SEED.stem), chrome):
        po.write_text("# Reviewed-By: A. Reviewer; 2099-01-01\n" + po.read_text(encoding="utf-8"))
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
