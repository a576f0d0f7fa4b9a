"""index.html lists every leaflet, language and variant the output folder holds, from its
manifest: after incremental, sharded and PDF-only builds too, and never for a counter print."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.publish.build import build
from leafletgen.publish.index import INDEX
from leafletgen.publish.plan import BuildRequest
from tests.conftest import make_project, minimal_leaflet, write_leaflet


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#"):
            self.hrefs.append(href)


def listed(out: Path) -> list[str]:
    parser = _Links()
    parser.feed((out / INDEX).read_text(encoding="utf-8"))
    return sorted(parser.hrefs)


def in_manifest(out: Path) -> list[str]:
    return sorted(json.loads((out / "manifest.json").read_text())["outputs"])


@pytest.fixture
def leaflets(tmp_path: Path) -> Path:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    write_leaflet(folder, minimal_leaflet(id="alpha", title="Alpha <b>& co</b>"))
    # A source written in Arabic needs no catalog: its language name and title are Arabic.
    write_leaflet(folder, minimal_leaflet(id="beta", title="بيتا", language="ar"))
    return folder


def run(leaflets: Path, out: Path, names: tuple[str, ...], **options) -> None:
    report = build(
        make_project(out, leaflets_dir=leaflets), BuildRequest(leaflets=names, **options)
    )
    assert not report.failed, report.failed


def test_lists_every_build_into_the_folder_not_only_the_last(leaflets: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(leaflets, out, ("alpha",), formats=("html",))
    assert listed(out) == ["alpha/alpha.en.standard.a4.html"]
    # A sharded matrix, one shard per build: the index lists both shards' outputs.
    for shard in ((1, 2), (2, 2)):
        run(
            leaflets, out, ("all",), formats=("pdf", "html"), variants=("large-print",), shard=shard
        )
    expected = [
        "alpha/alpha.en.large-print.a4.html",
        "alpha/alpha.en.large-print.a4.pdf",
        "alpha/alpha.en.standard.a4.html",
        "beta/beta.ar.large-print.a4.html",
        "beta/beta.ar.large-print.a4.pdf",
    ]
    assert listed(out) == in_manifest(out) == expected
    assert all((out / href).is_file() for href in listed(out))
    # A later PDF-only build keeps the index it finds up to date.
    run(leaflets, out, ("beta",), formats=("pdf",))
    assert listed(out) == sorted([*expected, "beta/beta.ar.standard.a4.pdf"])
    # A file removed by hand is no longer offered.
    (out / "alpha/alpha.en.standard.a4.html").unlink()
    run(leaflets, out, ("beta",), formats=("html",))
    assert "alpha/alpha.en.standard.a4.html" not in listed(out)


def test_names_languages_in_their_own_language_and_escapes_titles(leaflets, tmp_path):
    out = tmp_path / "out"
    run(leaflets, out, ("all",), formats=("pdf", "html"))
    page = (out / INDEX).read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    assert '<span lang="ar" dir="rtl">العربية</span> (Arabic)' in page
    assert '<a href="beta/beta.ar.standard.a4.html" lang="ar" dir="rtl">بيتا</a>' in page
    assert "Alpha &lt;b&gt;&amp; co&lt;/b&gt;" in page and "<b>" not in page
    assert '<a href="alpha/alpha.en.standard.a4.pdf">PDF, 1 page</a>' in page
    # Self-contained: every font inside, cut down to the characters shown.
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", page)
    assert re.findall(r"url\(([^)]*)\)", page) and all(
        u.strip("\"'").startswith("data:font/ttf;base64,")
        for u in re.findall(r"url\(([^)]*)\)", page)
    )
    assert len(page.encode()) < 200_000


def test_no_index_without_html_or_for_a_counter_print(leaflets: Path, tmp_path: Path) -> None:
    run(leaflets, tmp_path / "pdf-only", ("alpha",), formats=("pdf",))
    assert not (tmp_path / "pdf-only" / INDEX).exists()
    # A counter print is personal: it is in no manifest, and so in no index.
    out = tmp_path / "counter"
    args = ["build", "alpha", "--leaflets-dir", str(leaflets), "--out", str(out)]
    printed = tmp_path / "print.html"
    result = CliRunner().invoke(
        main, [*args, "--format", "html", "--patient", "A. Patient", "-o", str(printed)]
    )
    assert result.exit_code == 0, result.output
    assert "A. Patient" in printed.read_text(encoding="utf-8")
    assert not out.exists()


def test_marks_draft_and_out_of_date_translations_in_words(tmp_path: Path) -> None:
    import shutil
    from datetime import date

    from leafletgen.i18n import workflow
    from leafletgen.i18n.store import catalog_path
    from leafletgen.variants import VARIANTS
    from tests.conftest import ROOT, SEED

    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    shutil.copy(SEED, root / "leaflets")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "leaflet.toml").write_text("")
    project = make_project(root / "out", root=root)
    spanish = catalog_path(root / "locales", "es", SEED.stem)
    out = root / "out"
    request = BuildRequest(
        leaflets=("all",), languages=("en", "es"), formats=("html",), variants=tuple(VARIANTS)
    )
    assert not build(project, request).failed
    page = (out / INDEX).read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(?:(?!</tr>).)*</tr>", page, re.DOTALL)
    assert len(rows) == 2 * len(VARIANTS)  # en and es, every variant
    english, spanish_rows = rows[: len(VARIANTS)], rows[len(VARIANTS) :]
    assert all("Original text" in row for row in english)
    assert all("<strong>Draft</strong>: not yet checked by a qualified translator" in row
               for row in spanish_rows)  # fmt: skip

    # Reviewed (its negations checked by the translator), then changed: out of date.
    spanish.write_text(spanish.read_text("utf-8").replace(
        "\nmsgctxt ", "\n#, negation-checked\nmsgctxt "), "utf-8")  # fmt: skip
    chrome = catalog_path(root / "locales", "es", "leafletgen")
    shutil.copy(catalog_path(workflow.PACKAGE_LOCALES, "es", "leafletgen"), chrome)
    workflow.review(project, "es", "Dra. Ana Ruiz", today=date(2026, 11, 30))
    assert not build(project, request).failed
    assert "Reviewed</td>" in (out / INDEX).read_text(encoding="utf-8")
    spanish.write_text(spanish.read_text("utf-8").replace(
        "alrededor del 5–10% de los pacientes", "alrededor del 5–10 % de los pacientes"), "utf-8")  # fmt: skip
    assert not build(project, request).failed
    page = (out / INDEX).read_text(encoding="utf-8")
    assert page.count(
        "<strong>Review out of date</strong>: not to be handed out until reviewed again"
    ) == len(VARIANTS)
