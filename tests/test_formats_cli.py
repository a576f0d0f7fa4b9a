"""The accessible formats through the command line: `leaflet build --format`, the manifest,
and `leaflet check --built` running each format's own check on what was written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from leafletgen.cli import main
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
    assert entry["format"] == "brf" and entry["pages"] == 1

    code, output = leaflet(project, "check", "--built")
    assert code == 0, output
    assert "1 other outputs checked by their format's own check: 1 passed" in output

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
