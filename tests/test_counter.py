"""Counter prints: the pharmacy's profile and a patient's details reach the page and nowhere else."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from leafletgen.cli import main
from leafletgen.counter import PrintDetails, load_pharmacy
from leafletgen.engine import Request, render
from leafletgen.errors import LeafletError, OutputError
from leafletgen.prints import KEEP_SECONDS, private_folder, remove_old_prints
from leafletgen.publish.manifest import Manifest
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, margin_text, struct_types

PATIENT = "Maria <b>Lopez</b>"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Counter prints go to the system's temporary folder: here, this test's own.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", minimal_leaflet())
    Image.new("RGB", (120, 40), (11, 58, 102)).save(tmp_path / "logo.png")
    (tmp_path / "pharmacy.yaml").write_text(
        "name: Riverside Pharmacy\naddress: 1 High Street, Springfield\nphone: 555 0100\n"
        "website: https://riverside.example\nlogo: {file: logo.png, alt: Riverside Pharmacy logo}\n",
        encoding="utf-8",
    )
    return tmp_path


def counter_print(project: Path, fmt: str = "pdf") -> Request:
    details = PrintDetails(
        pharmacy=load_pharmacy(project / "pharmacy.yaml", project),
        patient=PATIENT,
        note="Take one tablet at night.",
        printed_on=date(2026, 11, 25),
    )
    return Request("sample", format=fmt, counter=details)


def printed(project: Path, tmp_path: Path, fmt: str = "pdf") -> Path:
    """A counter print rendered in memory, saved where the test can read it."""
    rendered = render(make_project(root=project), counter_print(project, fmt))
    path = tmp_path / f"print.{fmt}"
    path.write_bytes(rendered.data)
    return path


def test_profile_and_details_are_printed(project: Path, tmp_path: Path) -> None:
    pdf = printed(project, tmp_path)
    text = body_text(pdf)
    for shown in ("Riverside Pharmacy", "1 High Street, Springfield", "Phone: 555 0100",
                  f"Prepared for: {PATIENT}", "Pharmacist's note: Take one tablet at night.",
                  "Printed on November 25, 2026"):  # fmt: skip
        assert shown in text
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


def test_personal_details_stay_out_of_metadata_and_logs(project, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    pdf = printed(project, tmp_path)
    document = pikepdf.open(pdf)
    metadata = str(dict(document.docinfo)) + document.Root.Metadata.read_bytes().decode()
    assert "Maria" not in metadata and "tablet at night" not in metadata
    assert "Maria" not in caplog.text
    html = printed(project, tmp_path, "html").read_text(encoding="utf-8")
    assert "Maria &lt;b&gt;Lopez&lt;/b&gt;" in html and "<b>Lopez" not in html  # escaped
    assert "data:image/png;base64," in html  # the HTML twin carries its logo
    assert "<title>" in html and "Maria" not in html.split("</head>")[0]
    assert "Maria" not in repr(counter_print(project).counter)
    assert "Maria" not in repr(render(make_project(root=project), counter_print(project)))


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


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leaflet(project: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert "Traceback" not in result.output
    return result


def test_cli_counter_print_from_a_toml_profile(project: Path, tmp_path: Path) -> None:
    (project / "pharmacy.toml").write_text(
        'name = "Corner Chemist"\nphone = "555 0199"\n', encoding="utf-8"
    )
    target = tmp_path / "print.pdf"
    result = leaflet(project, "build", "sample", "--pharmacy", str(project / "pharmacy.toml"),
                     "--patient", "J. Smith", "--print-date", "2026-12-01", "-o", str(target))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {target} (" in result.output and "a counter print" in result.output
    text = body_text(target)
    assert (
        "Corner Chemist" in text
        and "Prepared for: J. Smith" in text
        and "Printed on December 1, 2026" in text
    )
    assert "J. Smith" not in result.output
    assert target.stat().st_mode & 0o777 == 0o600  # personal: this user's alone


def test_a_counter_print_leaves_the_published_leaflets_untouched(project: Path) -> None:
    published = leaflet(project, "build", "sample", "--format", "all")
    assert published.exit_code == 0, published.output
    before = snapshot(project / "output")
    assert {"sample/sample.en.standard.a4.pdf", "manifest.json", "index.html"} <= before.keys()
    result = leaflet(project, "build", "sample", "--patient", "Maria Test")
    assert result.exit_code == 0, result.output
    assert snapshot(project / "output") == before  # byte for byte: files, manifest, index
    path = Path(result.output.split("wrote ", 1)[1].split(" (", 1)[0])
    folder = path.parent
    assert folder.name == f"leafletgen-prints-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600
    assert "Prepared for: Maria Test" in body_text(path)
    assert "Maria" not in path.name
    assert "removed after a day" in result.output
    assert folder.parent == project / "tmp"
    checked = leaflet(project, "check", "--built")
    assert checked.exit_code == 0, checked.output


def test_a_counter_print_into_the_output_folder_is_refused(project: Path) -> None:
    target = project / "output" / "sample" / "sample.en.standard.a4.pdf"
    result = leaflet(project, "build", "sample", "--patient", "Maria Test", "-o", str(target))
    assert result.exit_code == 1
    assert "counter prints are never written into the output folder" in result.output
    assert not target.exists()


def test_a_counter_print_to_standard_output(project: Path) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", "sample", "--note", "At night", "-o", "-"]
    )
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-") and b"wrote" not in result.stdout_bytes
    assert not (project / "output").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--lang", "en,es"], "one leaflet in one language, variant and format"),
        (["--variant", "all"], "one leaflet in one language, variant and format"),
        (["--format", "pdf,html"], "one leaflet in one language, variant and format"),
        (["--all"], "name one or more LEAFLETs, or --all"),
        (["--shard", "1/2"], "--all, --force, --verify and --shard are for publications"),
        (["--verify"], "--all, --force, --verify and --shard are for publications"),
    ],
    ids=["two-languages", "all-variants", "two-formats", "all-leaflets", "shard", "verify"],
)
def test_a_counter_print_is_one_output(project: Path, options: list[str], message: str) -> None:
    result = leaflet(project, "build", "sample", "--patient", "Maria Test", *options)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_the_project_pharmacy_is_for_counter_prints_only(project: Path, tmp_path: Path) -> None:
    (project / "leaflet.toml").write_text('[counter]\npharmacy = "pharmacy.yaml"\n')
    published = leaflet(project, "build", "sample")
    assert published.exit_code == 0, published.output
    generic = project / "output" / "sample" / "sample.en.standard.a4.pdf"
    assert "Riverside Pharmacy" not in body_text(generic)
    target = tmp_path / "p.pdf"
    counter = leaflet(project, "build", "sample", "--patient", "Maria Test", "-o", str(target))
    assert counter.exit_code == 0, counter.output
    assert "Riverside Pharmacy" in body_text(target)
    branded = leaflet(project, "build", "sample", "--branded")
    assert branded.exit_code == 0 and "1 file built" in branded.output, branded.output
    assert "Riverside Pharmacy" in body_text(generic)  # asked for: published, and recorded
    manifest = Manifest(project / "output").entries
    assert "pharmacy" in manifest["sample/sample.en.standard.a4.pdf"]["inputs"]
    (project / "leaflet.toml").write_text('[build]\npharmacy = "pharmacy.yaml"\n')
    old = leaflet(project, "build", "sample")
    assert old.exit_code == 1 and "build.pharmacy: moved to [counter] pharmacy" in old.output


def test_prints_older_than_a_day_are_removed(tmp_path: Path) -> None:
    (tmp_path / "old.pdf").write_bytes(b"%PDF-")
    (tmp_path / "new.pdf").write_bytes(b"%PDF-")
    day_and_a_bit = time.time() - KEEP_SECONDS - 60
    os.utime(tmp_path / "old.pdf", (day_and_a_bit, day_and_a_bit))
    assert remove_old_prints(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["new.pdf"]


def test_a_prints_folder_others_can_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = tmp_path / f"leafletgen-prints-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(OutputError, match="refused for counter prints: not a folder that only"):
        private_folder()
    folder.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(tmp_path / "elsewhere")  # planted by someone else: never followed
    with pytest.raises(OutputError, match="refused for counter prints"):
        private_folder()
