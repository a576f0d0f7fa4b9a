"""The accessible formats through the command line: `leaflet build --format`, the manifest,
and `leaflet check --built` running each format's own check on what was written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.render import FORMATS
from tests.conftest import minimal_leaflet, write_leaflet


def _project(root: Path, settings: str = "") -> Path:
    (root / "leaflets").mkdir(parents=True)
    write_leaflet(root / "leaflets", minimal_leaflet())
    (root / "leaflet.toml").write_text(settings, encoding="utf-8")
    return root


def leaflet(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_braille_is_built_listed_and_checked_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, output = leaflet(project, "build", "sample", "--format", "brf")
    assert code == 0, output
    brf = project / "output" / "sample" / "sample.en.standard.a4.brf"
    assert brf.read_bytes().startswith(b"  ,PATI5T 9=MA;N")  # "Patient information" in UEB
    entry = json.loads((project / "output" / "manifest.json").read_text())["outputs"][
        "sample/sample.en.standard.a4.brf"
    ]
    assert (
        entry["format"] == "brf" and entry["pages"] == 2
    )  # with "Get help now", two braille pages

    code, output = leaflet(project, "check", "--built")
    assert code == 0, output
    assert "1 other output checked by their format's own check: 1 passed" in output

    # A file changed after the build fails its format's check: a heading taken out.
    brf.write_bytes(brf.read_bytes().replace(b",:AT X IS", b",:AT"))
    code, output = leaflet(project, "check", "--built")
    assert code == 1
    assert "brf-readback-heading: 'What it is' did not come back" in output


def test_a_changed_braille_grade_makes_the_braille_stale(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert leaflet(project, "build", "sample", "--format", "brf")[0] == 0
    (project / "leaflet.toml").write_text("[braille]\ngrade = 1\n", encoding="utf-8")
    code, output = leaflet(project, "check", "--built")
    assert code == 1
    assert "stale: the [braille] settings changed" in output


@pytest.mark.slow
def test_every_format_is_built_indexed_and_checked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, output = leaflet(project, "build", "sample", "--format", "all")
    assert code == 0, output
    out = project / "output"
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    assert sorted(entry["format"] for entry in manifest.values()) == sorted(FORMATS)
    assert {Path(key).suffix for key in manifest} == {f.suffix for f in FORMATS.values()}
    assert {".pdf", ".html", ".epi", ".brf", ".epub", ".ogg"} <= {
        Path(key).suffix for key in manifest
    }

    index = lxml.html.fromstring((out / "index.html").read_bytes())
    headings = [th.text_content() for th in index.iterfind(".//thead//th")]
    assert headings == [
        "Variant",
        "Paper",
        "Translation",
        "Web page",
        "PDF",
        "Braille",
        "E-book",
        "Audio",
    ]
    links = {a.get("href") for a in index.iter("a")}
    for suffix in (".brf", ".epub", ".ogg"):
        assert f"sample/sample.en.standard.a4{suffix}" in links

    playlist = (out / "sample" / "sample.m3u").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert re.fullmatch(r"#EXTINF:\d+,Sample leaflet \(English, standard\)", playlist[1])
    assert playlist[2] == "sample.en.standard.a4.ogg"

    code, output = leaflet(project, "check", "--built")
    assert code == 0, output
    assert "1 PDF checked against 14 rules: 1 passed" in output
    others = len(FORMATS) - 1  # every format but the PDF, the ePI Bundle among them
    assert f"{others} other outputs checked by their format's own check: {others} passed" in output
    for verdict in (
        "BRF (UEB grade 2) pass",
        "EPUB 3 pass (epubcheck: 0 errors, 0 warnings)",
        "audio pass",
    ):
        assert verdict in output


def test_an_index_of_pdfs_and_pages_has_no_other_columns(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert leaflet(project, "build", "sample", "--format", "pdf,html")[0] == 0
    index = lxml.html.fromstring((project / "output" / "index.html").read_bytes())
    headings = [th.text_content() for th in index.iterfind(".//thead//th")]
    assert headings == ["Variant", "Paper", "Translation", "Web page", "PDF"]
