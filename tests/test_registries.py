"""Formats and variants are registries: a new one is one entry (plus its CSS layer or its
module), and the command line, the batch, the manifest and the engine take it from there.

These tests add a dummy of each the way docs/architecture.md says to, touching nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.engine import Request, render
from leafletgen.render import FORMATS
from leafletgen.render.format import Check, Document, Format, Output
from leafletgen.variants import VARIANTS, Variant
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, char_sizes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", minimal_leaflet())
    return tmp_path


def leaflet(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_variant_is_one_entry_and_one_css_layer(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CSS layer: in the project's own templates/, over the package's.
    (project / "templates" / "css").mkdir(parents=True)
    (project / "templates" / "css" / "huge-print.css").write_text(
        "body { font-size: 24pt; }\n", encoding="utf-8"
    )
    # The registry entry.
    huge = Variant(
        "huge-print",
        "Huge print",
        "Every letter at least 24 points.",
        text="full",
        large_print=True,
        layers=("css/large-print.css", "css/huge-print.css"),
        min_font_pt=18.0,
        rules=("no-italic",),
    )
    monkeypatch.setitem(VARIANTS, huge.name, huge)
    code, output = leaflet(project, "build", "sample", "--variant", "huge-print")
    assert code == 0, output
    pdf = project / "output" / "sample" / "sample.en.huge-print.a4.pdf"
    assert "Take it with water." in body_text(pdf)
    assert max(char_sizes(pdf)) >= 24  # the new layer is applied, after the others
    code, output = leaflet(project, "check", "--built")
    assert code == 0, output
    assert "no-italic       pass  no italic font" in output  # the variant's own rule ran
    code, output = leaflet(project, "build", "sample", "--variant", "tiny-print")
    assert code == 2 and "unknown variant 'tiny-print' (one of standard," in output


def _render_text(document: Document) -> Output:
    text = document.edition
    lines = [text.document_title, *text.key_takeaways, *text.bottom_line]
    document.check_translated()
    return Output("\n".join(lines).encode("utf-8") + b"\n")


def _check_text(data: bytes, document: Document) -> Check:
    ok = data.decode("utf-8").startswith(document.edition.document_title)
    return Check("plain-text", ok, () if ok else ("no title",))


def test_a_format_is_one_module_and_one_registry_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = Format("txt", ".txt", "text/plain; charset=utf-8", _render_text, _check_text)
    monkeypatch.setitem(FORMATS, text.name, text)
    rendered = render(make_project(root=project), Request("sample", format="txt"))
    assert rendered.media_type == "text/plain; charset=utf-8"
    assert rendered.name == "sample.en.standard.a4.txt"
    assert rendered.data.decode().splitlines()[:2] == ["Sample leaflet", "Take it with water."]
    assert [str(check) for check in rendered.checks] == ["plain-text pass"]
    code, output = leaflet(project, "build", "sample", "--format", "pdf,txt")
    assert code == 0, output
    assert "2 files built" in output and "plain-text pass" in output
    manifest = json.loads((project / "output" / "manifest.json").read_text())
    assert manifest["outputs"]["sample/sample.en.standard.a4.txt"]["format"] == "txt"
    code, output = leaflet(project, "build", "sample", "--format", "all")
    assert code == 0 and "0 files built" not in output, output
    assert (project / "output" / "sample" / "sample.en.standard.a4.html").is_file()


def test_a_failed_check_fails_the_render(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = Format(
        "txt",
        ".txt",
        "text/plain",
        _render_text,
        lambda data, document: Check("plain-text", False, ("RULE-1: broken on purpose",)),
    )
    monkeypatch.setitem(FORMATS, failing.name, failing)
    code, output = leaflet(project, "build", "sample", "--format", "txt")
    assert code == 1
    assert "sample.en.standard.a4.txt: fails plain-text: RULE-1: broken on purpose" in output
    assert not (project / "output" / "sample").exists()


def test_each_format_is_listed_under_its_own_name() -> None:
    assert list(FORMATS) == ["pdf", "html", "epi", "brf", "epub", "audio"]  # pdf first
    for name in FORMATS:
        assert FORMATS[name].name == name


def test_a_format_is_loaded_only_when_used() -> None:
    """A PDF build imports no braille, e-book or audio code (a cold start pays for each)."""
    import subprocess
    import sys

    probe = (
        "import sys; from leafletgen.render import FORMATS; from leafletgen.publish import build;"
        "assert 'brf' in FORMATS and len(FORMATS) == 6; FORMATS['pdf'];"
        "print(sorted(m for m in sys.modules if m.rsplit('.', 1)[-1] in"
        " ('audio', 'braille', 'epub', 'epi', 'outline')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
