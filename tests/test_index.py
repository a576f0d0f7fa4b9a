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
