"""What a format's output is built from besides the leaflet: the versions of the tools that
make it (liblouis and its tables, espeak-ng, ffmpeg and libopus, epubcheck) are inputs, so an
upgrade rebuilds exactly that format's outputs; and the manifest records each output's check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leafletgen.checks.audit import audit_outputs
from leafletgen.publish.build import build
from leafletgen.publish.manifest import Manifest
from leafletgen.publish.plan import BuildRequest
from leafletgen.render import FORMATS, audio, epub
from leafletgen.render.braille import louis
from tests.conftest import make_project, minimal_leaflet, write_leaflet


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", minimal_leaflet())
    return make_project(tmp_path / "out", root=tmp_path)


def _built(project, formats: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    report = build(project, BuildRequest(leaflets=("sample",), formats=formats))
    assert not report.failed, report.failed
    return sorted(Path(b.path).suffix for b in report.built)


def test_a_liblouis_upgrade_rebuilds_the_braille_only(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _built(project, ("pdf", "brf")) == [".brf", ".pdf"]
    assert _built(project, ("pdf", "brf")) == []
    entry = Manifest(project.output_dir).entries["sample/sample.en.standard.a4.brf"]
    assert entry["inputs"]["tools"].startswith(f"liblouis {louis.version()}, tables ")
    assert (
        "tools"
        not in Manifest(project.output_dir).entries["sample/sample.en.standard.a4.pdf"]["inputs"]
    )
    monkeypatch.setattr(louis, "version", lambda: "99.0.0")
    (audit,) = audit_outputs(
        project,
        [project.output_dir / "sample/sample.en.standard.a4.brf"],
        Manifest(project.output_dir),
    )
    stale = [r for r in audit.results if r.rule == "up-to-date"]
    assert stale and not stale[0].ok and "the format's tools" in stale[0].detail
    assert _built(project, ("pdf", "brf")) == [".brf"]
    assert _built(project, ("pdf", "brf")) == []


def test_a_changed_table_file_changes_the_braille_input(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A table and every file it includes: a liblouis-data upgrade that changes an included
    file changes the digest, though the version of the library is the same."""
    before = FORMATS["brf"].tools("en")
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("en-ueb-g1.ctb", "en-ueb-g2.ctb"):
        (tables / name).write_text(f"include en-ueb-chardefs.uti\n# {name}\n", encoding="utf-8")
    (tables / "en-ueb-chardefs.uti").write_text("letter a 1\n", encoding="utf-8")
    monkeypatch.setenv("LOUIS_TABLEPATH", str(tables))
    first = FORMATS["brf"].tools("en")
    (tables / "en-ueb-chardefs.uti").write_text("letter a 2\n", encoding="utf-8")
    assert len({before, first, FORMATS["brf"].tools("en")}) == 3


def test_the_audio_and_e_book_tools_name_their_versions(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spoken = FORMATS["audio"].tools("es")
    assert spoken.startswith("espeak-ng ") and ", ffmpeg " in spoken and "libopus" in spoken
    assert FORMATS["audio"].tools("ar") != spoken  # each language's dictionary
    assert FORMATS["epub"].tools("en").startswith("epubcheck 4.") or FORMATS["epub"].tools(
        "en"
    ).startswith("epubcheck 5.")
    monkeypatch.setattr(audio, "_opus_version", lambda: "libopus 9.9")
    assert FORMATS["audio"].tools("es") == spoken.rsplit(", ", 1)[0] + ", libopus 9.9"
    monkeypatch.setattr(epub.shutil, "which", lambda name: None)
    assert FORMATS["epub"].tools("en") == "epubcheck missing"


def test_the_manifest_records_each_check_and_stays_reproducible(project) -> None:  # type: ignore[no-untyped-def]
    _built(project, ("pdf", "html", "brf"))
    manifest = json.loads((project.output_dir / "manifest.json").read_text(encoding="utf-8"))
    checks = {key.rsplit(".", 1)[1]: entry["check"] for key, entry in manifest["outputs"].items()}
    assert checks["pdf"].startswith("PDF/UA-1 pass")
    assert checks["html"] == "HTML pass"
    assert checks["brf"].startswith("BRF (UEB grade 2) pass (") and "read back" in checks["brf"]
    # The PDF and the twin share one inputs record; the braille has its tools besides.
    assert len(manifest["inputs"]) == 3  # common, the braille's (tools), the twin's (links)
    first = (project.output_dir / "manifest.json").read_bytes()
    build(project, BuildRequest(leaflets=("sample",), formats=("pdf", "html", "brf"), force=True))
    assert (project.output_dir / "manifest.json").read_bytes() == first  # no time in it
