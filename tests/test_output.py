"""Files are written atomically: a failed build leaves no partial file and keeps the old one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leafletgen.errors import OutputError, RenderError
from leafletgen.files import write_atomic
from leafletgen.publish.names import output_path
from tests.conftest import build_files, minimal_leaflet, write_leaflet


def test_output_name() -> None:
    assert output_path(Path("out"), "x", "en", "standard", "a4", "pdf") == Path(
        "out/x/x.en.standard.a4.pdf"
    )


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "leaflet.pdf"
    target.write_bytes(b"old complete file")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OutputError, match=r"leaflet.pdf: cannot write: No space left on device"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["leaflet.pdf"]


def test_a_render_failure_writes_no_format_of_that_leaflet(tmp_path: Path, monkeypatch) -> None:
    source = write_leaflet(tmp_path, minimal_leaflet())

    def broken_check(data: bytes, name: str = "") -> None:
        raise RenderError("sample.en.standard.a4.pdf: simulated failure")

    import leafletgen.render.pdf.validate

    monkeypatch.setattr(leafletgen.render.pdf.validate, "check_pdfua", broken_check)
    report = build_files([source], tmp_path / "out", formats=("html", "pdf"))
    assert [f.message for f in report.failed] == ["sample.en.standard.a4.pdf: simulated failure"]
    assert not (tmp_path / "out" / "sample").exists()  # not even the HTML that rendered fine
