"""`leaflet check` on files it did not write: each broken file is a failed check with its
reason, and the audit goes on to the next file. Never a traceback."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from tests.conftest import build_files, minimal_leaflet, write_leaflet

NAME = "sample.en.standard.a4.pdf"


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    report = build_files([write_leaflet(folder, minimal_leaflet())], folder / "out")
    assert not report.failed, report.failed
    return report.built[0].path


def _encrypted(data: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return out.getvalue()


BROKEN = {
    "missing": (None, "readable: cannot read the file: No such file or directory"),
    "empty": (lambda data: b"", "readable: not a PDF file (it does not start with %PDF-)"),
    "text": (
        lambda data: b"Take 5 mg.\n",
        "readable: not a PDF file (it does not start with %PDF-)",
    ),
    "truncated": (lambda data: data[: len(data) // 3], "FAIL"),
    "encrypted": (_encrypted, "readable: encrypted: a leaflet is never encrypted"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_fails_its_check_and_the_audit_goes_on(
    case: str, good: Path, tmp_path: Path
) -> None:
    make, reason = BROKEN[case]
    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    broken = broken_dir / NAME
    if make is not None:
        broken.write_bytes(make(good.read_bytes()))
    copy = tmp_path / NAME
    shutil.copy(good, copy)
    leaflets = good.parent.parent.parent  # the folder the good PDF's source is in
    result = CliRunner().invoke(
        main, ["check", "--leaflets-dir", str(leaflets), str(broken), str(copy)]
    )
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert f"{broken}: FAIL" in result.output
    flat = " ".join(result.output.split())
    assert reason.replace("readable: ", "readable FAIL ") in flat or reason == "FAIL"
    assert f"{copy}: OK" in result.output  # the next file is still audited
    assert "2 PDFs checked" in result.output


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    write_leaflet(root / "leaflets", minimal_leaflet())
    result = CliRunner().invoke(main, ["--project", str(root), "build", "sample"])
    assert result.exit_code == 0, result.output
    return root


def test_check_built_reports_an_output_whose_source_changed(tmp_path: Path) -> None:
    root = _project(tmp_path)
    check = ["--project", str(root), "check", "--built"]
    fresh = CliRunner().invoke(main, check)
    assert (
        fresh.exit_code == 0 and "up-to-date      pass  built from today's inputs" in fresh.output
    )
    source = root / "leaflets" / "sample.yaml"
    source.write_text(source.read_text().replace("Take it with water.", "Take it with food."))
    stale = CliRunner().invoke(main, check)
    assert stale.exit_code == 1
    assert (
        "up-to-date      FAIL  stale: the source changed since it was built (leaflet build "
        "rebuilds it)" in stale.output
    )
    assert "1 PDF checked against 14 rules: 0 passed, 1 failed (1 failed check)" in stale.output


def test_a_manifest_entry_planted_by_hand_is_ignored(tmp_path: Path) -> None:
    root = _project(tmp_path)
    out = root / "output"
    private = out / "private" / "patients.pdf"
    private.parent.mkdir()
    shutil.copy(out / "sample" / NAME, private)
    manifest = json.loads((out / "manifest.json").read_text())
    entry = dict(manifest["outputs"][f"sample/{NAME}"])
    manifest["outputs"]["private/patients.pdf"] = entry  # the fields of a real output
    (out / "manifest.json").write_text(json.dumps(manifest))
    checked = CliRunner().invoke(main, ["--project", str(root), "check", "--built"])
    assert checked.exit_code == 0, checked.output
    assert "patients.pdf" not in checked.output and "1 PDF checked" in checked.output
    rebuilt = CliRunner().invoke(
        main, ["--project", str(root), "build", "sample", "--format", "html", "--force"]
    )
    assert rebuilt.exit_code == 0, rebuilt.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "patients" not in index and "private" not in index
    assert "private/patients.pdf" not in json.loads((out / "manifest.json").read_text())["outputs"]
