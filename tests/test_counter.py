"""Counter prints: the pharmacy's profile and a patient's details reach the page and nowhere else."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from leafletgen.build import BuildRequest, build
from leafletgen.cli import main
from leafletgen.counter import PrintDetails, load_pharmacy
from leafletgen.errors import LeafletError
from tests.conftest import minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, margin_text, struct_types

PATIENT = "Maria <b>Lopez</b>"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_leaflet(tmp_path, minimal_leaflet())
    Image.new("RGB", (120, 40), (11, 58, 102)).save(tmp_path / "logo.png")
    (tmp_path / "pharmacy.yaml").write_text(
        "name: Riverside Pharmacy\naddress: 1 High Street, Springfield\nphone: 555 0100\n"
        "website: https://riverside.example\nlogo: {file: logo.png, alt: Riverside Pharmacy logo}\n",
        encoding="utf-8",
    )
    return tmp_path


def counter_print(project: Path, out: Path) -> BuildRequest:
    details = PrintDetails(
        pharmacy=load_pharmacy(project / "pharmacy.yaml", project),
        patient=PATIENT,
        note="Take one tablet at night.",
        printed_on=date(2026, 11, 25),
    )
    return BuildRequest(
        leaflets=(str(project / "sample.yaml"),),
        out_dir=out,
        formats=("pdf", "html"),
        counter=details,
    )


def test_profile_and_details_are_printed(project: Path, tmp_path: Path) -> None:
    report = build(counter_print(project, tmp_path / "out"))
    assert not report.failed, report.failed
    pdf = next(b.path for b in report.built if b.format == "pdf")
    text = body_text(pdf)
    for printed in ("Riverside Pharmacy", "1 High Street, Springfield", "Phone: 555 0100",
                    f"Prepared for: {PATIENT}", "Pharmacist's note: Take one tablet at night.",
                    "Printed on November 25, 2026"):  # fmt: skip
        assert printed in text
    assert all("Riverside Pharmacy · 555 0100" in t for t in margin_text(pdf).values())
    document = pikepdf.open(pdf)
    assert "Figure" in struct_types(document)
    alts = [str(e.Alt) for e in _elements(document.Root.StructTreeRoot) if "/Alt" in e]
    assert "Riverside Pharmacy logo" in alts


def _elements(node):
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _elements(kid)


def test_personal_details_stay_out_of_metadata_manifest_and_logs(project, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    report = build(counter_print(project, out))
    pdf = next(b.path for b in report.built if b.format == "pdf")
    document = pikepdf.open(pdf)
    metadata = str(dict(document.docinfo)) + document.Root.Metadata.read_bytes().decode()
    assert "Maria" not in metadata and "tablet at night" not in metadata
    assert not (out / "manifest.json").exists()
    assert "Maria" not in caplog.text
    html = next(b.path for b in report.built if b.format == "html").read_text(encoding="utf-8")
    assert "Maria &lt;b&gt;Lopez&lt;/b&gt;" in html and "<b>Lopez" not in html  # escaped
    assert "data:image/png;base64," in html  # the HTML twin carries its logo
    assert "<title>" in html and "Maria" not in html.split("</head>")[0]
    assert "Maria" not in repr(counter_print(project, out).counter)


def test_a_logo_outside_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / "outside-logo.png"
    Image.new("RGB", (10, 10)).save(outside)
    (project / "bad.yaml").write_text(
        f"name: X\nlogo: {{file: {outside}, alt: x}}\n", encoding="utf-8"
    )
    with pytest.raises(LeafletError, match="is outside the project folder"):
        load_pharmacy(project / "bad.yaml", project)
    (project / "text.png").write_text("not an image")
    (project / "bad.yaml").write_text("name: X\nlogo: {file: text.png, alt: x}\n", encoding="utf-8")
    with pytest.raises(LeafletError, match="must be a PNG or JPEG"):
        load_pharmacy(project / "bad.yaml", project)


def test_cli_counter_print_from_a_toml_profile(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    (project / "pharmacy.toml").write_text(
        'name = "Corner Chemist"\nphone = "555 0199"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            "build",
            "sample.yaml",
            "--pharmacy",
            "pharmacy.toml",
            "--patient",
            "J. Smith",
            "--print-date",
            "2026-12-01",
        ],
    )
    assert result.exit_code == 0, result.output
    text = body_text(project / "output/sample/sample.en.standard.a4.pdf")
    assert (
        "Corner Chemist" in text
        and "Prepared for: J. Smith" in text
        and "Printed on December 1, 2026" in text
    )
    assert "J. Smith" not in result.output
    manifest = project / "output" / "manifest.json"
    assert (
        not manifest.exists()
        or "sample.en.standard" not in json.loads(manifest.read_text())["outputs"]
    )
