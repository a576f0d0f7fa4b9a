"""The `leaflet` command: thin over the engine, clean messages, honest exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.render import FORMATS
from tests.conftest import ROOT, SEED, minimal_leaflet, write_leaflet


def test_build_by_id_writes_the_documented_names(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main,
        [
            "build",
            "clonazepam-emotional-effects",
            "--out",
            str(tmp_path),
            "--format",
            "all",
            "--paper",
            "letter",
            "--leaflets-dir",
            str(ROOT / "leaflets"),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "clonazepam-emotional-effects"
    pdf = folder / "clonazepam-emotional-effects.en.standard.letter.pdf"
    html = folder / "clonazepam-emotional-effects.en.standard.letter.html"
    assert pdf.read_bytes().startswith(b"%PDF-1.7") and html.read_text().startswith(
        "<!DOCTYPE html>"
    )
    assert f"wrote {pdf} (" in result.output and "PDF/UA-1 pass" in result.output
    assert f"wrote {html} (" in result.output
    # Every format, and the playlist of the audio; no temp files left.
    names = [f"clonazepam-emotional-effects.en.standard.letter{f.suffix}" for f in FORMATS.values()]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*names, "clonazepam-emotional-effects.m3u"]
    )


def test_letter_paper_is_letter_sized(runner: CliRunner, tmp_path: Path) -> None:
    import pikepdf

    runner.invoke(main, ["build", str(SEED), "--out", str(tmp_path), "--paper", "letter"])
    pdf = pikepdf.open(next(tmp_path.rglob("*.pdf")))
    assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 612, 792]


def test_errors_are_one_clean_line_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    for args, message in [
        (
            ["build", "no-such-leaflet", "--leaflets-dir", str(tmp_path)],
            f"Error: Leaflet 'no-such-leaflet': not a file, and no no-such-leaflet.yaml in {tmp_path}/",
        ),
        (
            ["build", str(tmp_path / "gone.yaml")],
            f"Error: {tmp_path / 'gone.yaml'}: no such leaflet source file",
        ),
    ]:
        result = runner.invoke(main, [*args, "--out", str(tmp_path / "out")])
        assert result.exit_code == 1
        assert result.output.splitlines()[0] == message
        assert result.output.splitlines()[-1].startswith("0 files built, 0 up to date, 1 failed")
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_one_bad_leaflet_does_not_lose_the_others(runner: CliRunner, tmp_path: Path) -> None:
    good = write_leaflet(tmp_path, minimal_leaflet())
    bad = write_leaflet(tmp_path, minimal_leaflet(id="broken", version=3))
    result = runner.invoke(main, ["build", str(bad), str(good), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"Error: {bad}:8: version: must be text" in result.output
    assert (tmp_path / "out" / "sample" / "sample.en.standard.a4.pdf").is_file()
    assert not (tmp_path / "out" / "broken").exists()


def test_python_cli_py_works_from_a_checkout(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "cli.py", "build", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--paper [a4|letter]" in result.stdout
