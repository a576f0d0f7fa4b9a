"""The package's templates compiled ahead of time (leafletgen/render/templates.py, precompile).

A cold build reads them compiled from the package's folder instead of compiling them; a
template changed since is compiled again, a broken file is ignored, and a project's own
templates are never read compiled from anywhere.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from leafletgen.project import PACKAGE_TEMPLATES
from leafletgen.render import templates


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "compiled"
    monkeypatch.setattr(templates, "COMPILED_TEMPLATES", folder)
    assert templates.precompile() == len(list(PACKAGE_TEMPLATES.glob("*.j2")))
    return folder


def _bucket(name: str, source: str | None = None) -> jinja2.bccache.Bucket:
    """What a new process (nothing kept in memory yet) finds for the package's ``name``."""
    path = PACKAGE_TEMPLATES / name
    source = path.read_text(encoding="utf-8") if source is None else source
    environment = jinja2.Environment()
    return templates._CompiledTemplates().get_bucket(environment, name, str(path), source)


def test_a_package_template_is_read_compiled(compiled: Path) -> None:
    assert len(list(compiled.glob("*.jinja"))) == len(list(PACKAGE_TEMPLATES.glob("*.j2")))
    bucket = _bucket("leaflet.html.j2")
    assert bucket.code is not None
    assert bucket.code.co_filename == str(PACKAGE_TEMPLATES / "leaflet.html.j2")


def test_a_template_changed_since_is_compiled_again(compiled: Path) -> None:
    source = (PACKAGE_TEMPLATES / "leaflet.html.j2").read_text(encoding="utf-8")
    assert _bucket("leaflet.html.j2", source + "\n{# edited #}").code is None


@pytest.mark.parametrize("cut", [0, 12, 200], ids=["empty", "header only", "code cut short"])
def test_a_broken_file_is_compiled_again(compiled: Path, cut: int) -> None:
    for path in compiled.glob("*.jinja"):
        path.write_bytes(path.read_bytes()[:cut])
    assert _bucket("leaflet.html.j2").code is None


def test_a_projects_template_is_never_read_compiled(compiled: Path, tmp_path: Path) -> None:
    own = tmp_path / "project" / "templates" / "leaflet.html.j2"
    own.parent.mkdir(parents=True)
    own.write_bytes((PACKAGE_TEMPLATES / "leaflet.html.j2").read_bytes())
    assert templates._COMPILED.place("leaflet.html.j2", str(own))[1] is None
    bucket = templates._CompiledTemplates().get_bucket(
        jinja2.Environment(), "leaflet.html.j2", str(own), own.read_text(encoding="utf-8")
    )
    assert bucket.code is None


def test_precompiling_again_removes_what_no_template_has(compiled: Path) -> None:
    stale = compiled / ("0" * 40 + ".jinja")
    stale.write_bytes(b"j2")
    templates.precompile()
    assert not stale.exists()


def test_a_template_found_by_a_relative_path_is_read_compiled(
    compiled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project run in its own folder has the search path "templates": the same template."""
    monkeypatch.chdir(PACKAGE_TEMPLATES.parent)
    relative = f"{PACKAGE_TEMPLATES.name}/leaflet.html.j2"
    source = (PACKAGE_TEMPLATES / "leaflet.html.j2").read_text(encoding="utf-8")
    bucket = templates._CompiledTemplates().get_bucket(
        jinja2.Environment(), "leaflet.html.j2", relative, source
    )
    assert bucket.code is not None
