"""`leaflet init` makes a project the rest of the commands work in, never replacing a file;
`leaflet docs` prints the documentation an installed copy carries."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import BaseModel

from leafletgen import shipped
from leafletgen.cli import main
from leafletgen.config import Config, load_config
from leafletgen.files import write_new
from leafletgen.render import FORMATS
from leafletgen.scaffold.project import SAMPLE_HEADER, project_files
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT, SEED

SAMPLE = SEED.stem
PROJECT_FILES = {
    "leaflet.toml",
    "README.md",
    ".gitignore",
    "babel.cfg",
    f"leaflets/{SEED.name}",
    "locales/.gitkeep",
    "templates/README.md",
}


def leaflet(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_init_in_an_empty_folder_writes_a_project(tmp_path: Path) -> None:
    root = tmp_path / "clinic"
    result = leaflet("init", root)
    assert result.exit_code == 0, result.output
    assert set(tree(root)) == PROJECT_FILES
    assert all(name in result.output for name in PROJECT_FILES)
    assert f"cd {root}" in result.output and f"leaflet check {SAMPLE}" in result.output
    assert "leaflet new my-medicine" in result.output and "leaflet docs" in result.output

    assert load_config(root) == Config()  # every setting commented out: the defaults
    assert "output/" in (root / ".gitignore").read_text("utf-8").splitlines()
    babel = (root / "babel.cfg").read_text("utf-8")
    assert babel.startswith("# `leaflet i18n` needs no babel.cfg")
    assert "[leaflet: **.yaml]" in babel
    assert "[jinja2: **.j2]\nextensions = jinja2.ext.i18n" in babel
    assert (root / "locales" / ".gitkeep").read_bytes() == b""
    assert "leaflet docs theming" in (root / "templates" / "README.md").read_text("utf-8")
    readme = (root / "README.md").read_text("utf-8")
    assert "**a sample**" in readme and "no clinical review" in readme
    # The sample is the seed, word for word, under a header that says what it is.
    sample = (root / "leaflets" / SEED.name).read_bytes()
    assert sample == SAMPLE_HEADER.encode("utf-8") + SEED.read_bytes()
    assert sample.startswith(b"# SAMPLE LEAFLET")


def test_init_defaults_to_the_project_option_then_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    assert leaflet("--project", tmp_path / "a", "init").exit_code == 0
    assert set(tree(tmp_path / "a")) == PROJECT_FILES
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "b")
    result = leaflet("init")
    assert result.exit_code == 0, result.output
    assert "in this folder" in result.output and "cd " not in result.output
    assert set(tree(tmp_path / "b")) == PROJECT_FILES


def test_leaflet_toml_shows_every_setting_with_its_default() -> None:
    text = next(f for f in project_files() if f.name == "leaflet.toml").data.decode("utf-8")
    shown: dict[str, dict[str, str]] = {}
    table = ""
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            table = line[1:-1]
            shown[table] = {}
        elif line.startswith("# ") and " = " in line and table:
            key, _, value = line[2:].partition(" = ")
            shown[table][key.strip()] = value.split("  #")[0].strip()
    config = Config()
    for name in Config.model_fields:
        assert name in shown, f"[{name}] is missing from leaflet.toml"
        settings = getattr(config, name)
        assert isinstance(settings, BaseModel)
        for key in type(settings).model_fields:
            if (name, key) == ("build", "pharmacy"):  # refused: it moved to [counter]
                assert key not in shown[name]
                continue
            assert key in shown[name], f"[{name}] {key} is missing from leaflet.toml"
            default = getattr(settings, key)
            if default is not None:  # None: the comment gives an example and says the default
                value = tomllib.loads(f"v = {shown[name][key]}")["v"]
                assert value == default, f"[{name}] {key}: shows {value!r}, default {default!r}"


@pytest.mark.parametrize(
    ("name", "text"),
    [("leaflet.toml", ""), ("pyproject.toml", '[project]\nname = "x"\n[tool.leafletgen]\n')],
)
def test_init_refuses_a_folder_that_is_already_a_project(
    tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = leaflet("init", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / name}:" in result.output and "nothing written" in result.output
    assert set(tree(tmp_path)) == {name}


def test_init_never_replaces_a_file(tmp_path: Path) -> None:
    mine = {
        "README.md": b"# Our clinic\n",
        ".gitignore": b"*.tmp\n",
        f"leaflets/{SEED.name}": b"id: ours\n",
        "templates/README.md": b"ours\n",
        "notes.txt": b"keep me\n",
    }
    for name, data in mine.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "babel.cfg").symlink_to(tmp_path / "nowhere")  # a dangling link stays too
    result = leaflet("init", tmp_path)
    assert result.exit_code == 0, result.output
    files = tree(tmp_path)
    assert {name: files[name] for name in mine} == mine
    assert (tmp_path / "babel.cfg").is_symlink() and not (tmp_path / "nowhere").exists()
    assert set(files) == PROJECT_FILES - {"babel.cfg"} | {"notes.txt"}
    for name in (*mine, "babel.cfg"):
        if name != "notes.txt":
            assert f"{name}  " in result.output
    assert result.output.count("already there: kept as it is") == 5
    assert "Add `output/` to your .gitignore" in result.output
    assert not [p for p in tmp_path.rglob(".*.part")]


def test_init_refuses_a_file_where_a_folder_goes(tmp_path: Path) -> None:
    (tmp_path / "locales").write_text("not a folder", encoding="utf-8")
    result = leaflet("init", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'locales'}: exists and is not a folder; nothing written" in result.output
    assert set(tree(tmp_path)) == {"locales"}
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert leaflet("init", tmp_path / "file").exit_code != 0


def test_write_new_writes_only_a_free_name(tmp_path: Path) -> None:
    assert write_new(tmp_path / "sub" / "a.txt", b"one")
    assert not write_new(tmp_path / "sub" / "a.txt", b"two")
    assert (tmp_path / "sub" / "a.txt").read_bytes() == b"one"
    (tmp_path / "link").symlink_to(tmp_path / "target")
    assert not write_new(tmp_path / "link", b"two")
    assert not (tmp_path / "target").exists()
    assert not write_new(tmp_path / "sub", b"two")  # a folder
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "link", "sub"]


def test_in_a_new_project_new_and_check_work_from_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "clinic"
    assert leaflet("init", root).exit_code == 0
    (root / "notes" / "drafts").mkdir(parents=True)
    monkeypatch.chdir(root / "notes" / "drafts")  # leaflet.toml is found by walking up
    created = leaflet("new", "my-medicine")
    assert created.exit_code == 0, created.output
    assert (root / "leaflets" / "my-medicine.yaml").is_file()
    unfilled = leaflet("check", "my-medicine")
    assert unfilled.exit_code == 1 and "my-medicine.yaml:" in unfilled.output
    checked = leaflet("check", SAMPLE)
    assert checked.exit_code == 0, checked.output
    assert checked.output.rstrip().endswith("OK")


@pytest.mark.slow
def test_the_sample_builds_from_a_subfolder_and_passes_check_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "clinic"
    assert leaflet("init", root).exit_code == 0
    (root / "notes").mkdir()
    monkeypatch.chdir(root / "notes")
    built = leaflet("build", SAMPLE)
    assert built.exit_code == 0, built.output
    assert "PDF/UA-1 pass" in built.output
    assert (root / "output" / SAMPLE / f"{SAMPLE}.en.standard.a4.pdf").is_file()
    assert not (root / "notes" / "output").exists()
    audited = leaflet("check", "--built")
    assert audited.exit_code == 0, audited.output
    assert "1 PDF checked against 14 rules: 1 passed, 0 failed" in audited.output


@pytest.mark.slow
def test_the_sample_builds_in_every_variant_and_format_and_passes_the_audit(
    tmp_path: Path,
) -> None:
    assert leaflet("init", tmp_path).exit_code == 0
    built = leaflet("--project", tmp_path, "build", "--all", "--variant", "all", "--format", "all")
    assert built.exit_code == 0, built.output
    assert f"{len(VARIANTS) * len(FORMATS)} files built" in built.output  # every variant and format
    audited = leaflet("--project", tmp_path, "check", "--built")
    assert audited.exit_code == 0, audited.output
    assert (
        f"{len(VARIANTS)} PDFs checked against 14 rules: {len(VARIANTS)} passed, 0 failed"
        in audited.output
    )
    others = len(VARIANTS) * (len(FORMATS) - 1)
    assert f"{others} other outputs checked by their format's own check: {others} passed" in (
        audited.output
    )


def test_plain_pybabel_extracts_with_the_babel_cfg(tmp_path: Path) -> None:
    assert leaflet("init", tmp_path).exit_code == 0
    result = subprocess.run(
        # As docs/translating.md says: one template per leaflet.
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-o", "extracted.pot", f"leaflets/{SEED.name}"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert 'msgid "Can Klonopin Make You Cry?"' in (tmp_path / "extracted.pot").read_text("utf-8")


def test_docs_lists_every_topic_with_its_title_and_folder() -> None:
    result = leaflet("docs")
    assert result.exit_code == 0, result.output
    assert f"(in {ROOT / 'docs'})" in result.output
    for page in sorted((ROOT / "docs").glob("*.md")):
        title = page.read_text("utf-8").splitlines()[0].removeprefix("# ")
        assert any(
            line.split() and line.split()[0] == page.stem and line.rstrip().endswith(title)
            for line in result.output.splitlines()
        ), page.name
    for topic in ("leaflet-format", "configuration", "pharmacy-profile", "translating"):
        assert f"  {topic} " in result.output


def test_docs_prints_a_topic_or_its_path() -> None:
    page = ROOT / "docs" / "pharmacy-profile.md"
    for name in ("pharmacy-profile", "pharmacy-profile.md"):
        result = leaflet("docs", name)
        assert result.exit_code == 0 and result.output == page.read_text("utf-8")
    assert leaflet("docs", "pharmacy-profile", "--path").output == f"{page}\n"
    unknown = leaflet("docs", "nothing")
    assert unknown.exit_code == 2
    assert "no topic 'nothing' (one of " in unknown.output and "leaflet-format" in unknown.output


def test_an_installed_package_uses_its_own_docs_and_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "leafletgen"
    (package / "docs").mkdir(parents=True)
    (package / "docs" / "only.md").write_text("# Only topic\n", encoding="utf-8")
    (package / "samples").mkdir()
    (package / "samples" / SEED.name).write_bytes(b"id: sample\n")
    (tmp_path / "site-packages" / "docs").mkdir()  # another distribution's: never read
    monkeypatch.setattr(shipped, "_PACKAGE", package)
    assert [t.name for t in shipped.doc_topics()] == ["only"]
    assert shipped.sample_leaflet() == package / "samples" / SEED.name
    monkeypatch.setattr(shipped, "_PACKAGE", tmp_path / "nowhere" / "leafletgen")
    result = leaflet("docs")
    assert result.exit_code == 1 and "installed without its docs" in result.output


def test_the_wheel_ships_the_docs_the_sample_and_the_new_project(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        cwd=tmp_path, capture_output=True, check=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("leafletgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    docs = {f"leafletgen/docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert docs <= names
    assert f"leafletgen/samples/{SEED.name}" in names
    new_project = {n for n in names if n.startswith("leafletgen/scaffold/new-project/")}
    assert len(new_project) == 5


def test_new_leaflet_comments_point_to_what_an_installed_copy_has() -> None:
    template = (ROOT / "leafletgen" / "scaffold" / "new-leaflet.yaml").read_text("utf-8")
    assert "`leaflet docs leaflet-format`" in template and "`leaflet init`" in template
    assert "docs/" not in template
