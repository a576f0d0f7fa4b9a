"""Hostile identifiers and paths (issue 8, item 3): LEAFLET arguments, leaflet ids, `--out`,
symbolic links in the leaflets and output folders, the manifest's keys, the logo's path.

Nothing built from user input may name a file outside the output folder; every refusal is one
clean line with a non-zero exit, and the other leaflets of a batch are still built.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from leafletgen.cli import main
from leafletgen.publish.cache import CACHE
from tests.conftest import minimal_leaflet, write_leaflet

HTML = "sample.en.standard.a4.html"
NOT_AN_ID = (
    "not a source file (.yaml or .yml) nor a leaflet id (lowercase letters, digits and single "
    "hyphens)"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder inside tmp_path (so '..' stays in tmp_path), the working directory,
    with leaflets/sample.yaml in it; tmp_path/elsewhere stands for the rest of the disk."""
    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    write_leaflet(root / "leaflets", minimal_leaflet())
    monkeypatch.chdir(root)
    return root


def leaflet(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_refused(result: Result, error: str, exit_code: int = 1) -> None:
    """Exactly this one error line, the exit status, and no traceback."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [f"Error: {error}"], result.stderr
    assert "Traceback" not in result.output


def written(folder: Path) -> list[str]:
    """Every file and folder below ``folder``, or [] when it does not exist."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


# LEAFLET arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["../../etc/passwd", "/etc/passwd", "..", "CON", "NUL", "nul", "com1", "/dev/zero"]
)
def test_a_leaflet_argument_is_a_source_file_or_an_id(project: Path, reference: str) -> None:
    result = leaflet("build", reference, "--out", "out")
    assert_refused(result, f"Leaflet '{reference}': {NOT_AN_ID}")
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    ("leaflet_id", "problem"),
    [
        ("../evil", "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"),
        ("/tmp/evil", "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"),
        ("con", "'con' is a reserved device name on Windows"),
        ("lpt1", "'lpt1' is a reserved device name on Windows"),
    ],
)
def test_the_id_inside_a_source_is_a_safe_name(
    project: Path, leaflet_id: str, problem: str
) -> None:
    # The id names the output folder and files, so it must be one safe path component.
    path = Path("leaflets/sample.yaml")
    path.write_text(path.read_text().replace("id: sample", f"id: '{leaflet_id}'"))
    result = leaflet("build", str(path), "--out", "out", "--format", "html")
    assert_refused(result, f"{path}:1: id: {problem}")
    assert not (project / "out").exists()


def test_a_device_name_as_source_file_name_is_refused(project: Path) -> None:
    write_leaflet(project / "leaflets", minimal_leaflet(id="aux"))
    result = leaflet("build", "--all", "--out", "out", "--format", "html")
    assert result.exit_code == 1, result.output
    assert (
        "Error: leaflets/aux.yaml:1: id: 'aux' is a reserved device name on Windows"
        in result.stderr.splitlines()
    )
    assert written(project / "out") == [
        CACHE,
        "index.html",
        "manifest.json",
        "sample",
        f"sample/{HTML}",
    ]


# --out and [build] out --------------------------------------------------------------------


@pytest.fixture
def in_dev_shm() -> Iterator[str]:
    """A folder name in /dev/shm, removed afterwards should a build have written it."""
    path = Path("/dev/shm") / f"leafletgen-test-{uuid.uuid4().hex}"
    yield str(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("../escape", "must not contain '..'"),
        ("output/../../escape", "must not contain '..'"),
        ("NUL", "'NUL' is a device name"),
        ("CON", "'CON' is a device name"),
        ("output/com1", "'com1' is a device name"),
        ("LPT9.d/output", "'LPT9.d' is a device name"),
        ("/dev/null", "is inside the system folder /dev"),
        ("/proc/self/output", "is inside the system folder /proc"),
    ],
)
def test_a_hostile_out_is_refused_before_anything_is_written(
    project: Path, out: str, problem: str
) -> None:
    result = leaflet("build", "sample", "--out", out, "--format", "html")
    assert_refused(result, f"Output folder '{out}': {problem}")
    assert sorted(p.name for p in project.parent.iterdir()) == ["elsewhere", "project"]
    assert written(project) == ["leaflets", "leaflets/sample.yaml"]


def test_an_out_in_dev_shm_is_refused(project: Path, in_dev_shm: str) -> None:
    result = leaflet("build", "sample", "--out", in_dev_shm, "--format", "html")
    assert_refused(result, f"Output folder '{in_dev_shm}': is inside the system folder /dev")
    assert not Path(in_dev_shm).exists()


def test_an_out_naming_a_file_is_refused(project: Path) -> None:
    Path("notes.txt").write_text("keep me")
    result = leaflet("build", "sample", "--out", "notes.txt", "--format", "html")
    # Click's own check of the option (exit 2, a usage error).
    assert_refused(result, "Invalid value for '--out': Directory 'notes.txt' is a file.", 2)
    assert Path("notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("../escape", "must not contain '..'"),
        ("NUL", "'NUL' is a device name"),
        ("notes.txt", "exists and is not a folder"),
    ],
)
def test_the_out_setting_of_leaflet_toml_obeys_the_same_rule(
    project: Path, out: str, problem: str
) -> None:
    Path("notes.txt").write_text("keep me")
    Path("leaflet.toml").write_text(f'[build]\nout = "{out}"\nformats = ["html"]\n')
    result = leaflet("build", "sample")
    assert_refused(result, f"Output folder '{out}': {problem}")
    assert Path("notes.txt").read_text() == "keep me"
    assert not (project.parent / "escape").exists() and not Path("NUL").exists()


def test_preview_out_is_refused_before_the_build(project: Path) -> None:
    result = leaflet("preview", "sample", "--out", "../previews")
    assert_refused(result, "Output folder '../previews': must not contain '..'")
    assert not Path("output").exists() and not (project.parent / "previews").exists()


def test_an_absolute_out_is_allowed(project: Path, tmp_path: Path) -> None:
    # A temporary folder in CI, a web root on a server: absolute output folders are fine.
    out = tmp_path / "elsewhere" / "site"
    result = leaflet("build", "sample", "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    assert written(out) == [CACHE, "index.html", "manifest.json", "sample", f"sample/{HTML}"]


# Symbolic links in leaflets/ ---------------------------------------------------------------


@pytest.fixture
def linked_source(project: Path) -> Path:
    """leaflets/outside.yaml, a link to a valid source outside the project."""
    target = write_leaflet(project.parent / "elsewhere", minimal_leaflet(id="outside"))
    link = project / "leaflets" / "outside.yaml"
    link.symlink_to(target)
    return link


def test_a_symlinked_source_is_not_followed_by_id(project: Path, linked_source: Path) -> None:
    result = leaflet("build", "outside", "--out", "out", "--format", "html")
    assert_refused(
        result, "Leaflet 'outside': leaflets/outside.yaml: symbolic links are not followed"
    )
    assert not (project / "out").exists()


def test_a_symlinked_source_is_not_followed_by_path(project: Path, linked_source: Path) -> None:
    result = leaflet("build", "leaflets/outside.yaml", "--out", "out", "--format", "html")
    assert_refused(result, "leaflets/outside.yaml: symbolic links are not followed")
    assert not (project / "out").exists()


def test_a_symlinked_source_is_skipped_by_all_list_and_refused_by_check(
    project: Path, linked_source: Path
) -> None:
    built = leaflet("build", "--all", "--out", "out", "--format", "html")
    assert built.exit_code == 0, built.output
    assert written(project / "out") == [
        CACHE,
        "index.html",
        "manifest.json",
        "sample",
        f"sample/{HTML}",
    ]
    listed = leaflet("list")
    assert listed.exit_code == 0 and "outside" not in listed.output
    checked = leaflet("check", "outside")
    assert_refused(
        checked, "Leaflet 'outside': leaflets/outside.yaml: symbolic links are not followed"
    )


def test_a_source_linked_to_a_device_or_a_folder_is_refused(project: Path) -> None:
    (project / "leaflets" / "zero.yaml").symlink_to("/dev/zero")
    (project / "leaflets" / "folder.yaml").mkdir()
    assert_refused(
        leaflet("build", "zero", "--out", "out"),
        "Leaflet 'zero': leaflets/zero.yaml: symbolic links are not followed",
    )
    assert_refused(
        leaflet("build", "folder", "--out", "out"),
        "Leaflet 'folder': leaflets/folder.yaml: not a regular file",
    )


# Symbolic links planted in the output folder ----------------------------------------------


def test_a_planted_folder_link_in_out_is_refused_and_the_batch_goes_on(project: Path) -> None:
    write_leaflet(project / "leaflets", minimal_leaflet(id="other"))
    elsewhere = project.parent / "elsewhere"
    (project / "out").mkdir()
    (project / "out" / "sample").symlink_to(elsewhere, target_is_directory=True)
    result = leaflet("build", "--all", "--out", "out", "--format", "html", "-j", "1")
    assert_refused(
        result,
        f"out/sample/{HTML}: refused: a symbolic link leads outside the output folder 'out'",
    )
    assert written(elsewhere) == []
    assert (project / "out/other/other.en.standard.a4.html").is_file()


def test_a_planted_file_link_in_out_is_refused(project: Path) -> None:
    victim = project.parent / "elsewhere" / "victim.html"
    victim.write_text("keep me")
    (project / "out" / "sample").mkdir(parents=True)
    (project / "out" / "sample" / HTML).symlink_to(victim)
    result = leaflet("build", "sample", "--out", "out", "--format", "html")
    assert_refused(
        result,
        f"out/sample/{HTML}: refused: a symbolic link leads outside the output folder 'out'",
    )
    assert victim.read_text() == "keep me"
    assert (project / "out" / "sample" / HTML).is_symlink()


# manifest.json ----------------------------------------------------------------------------


def _entry(fmt: str) -> dict[str, object]:
    return {"leaflet": "sample", "language": "en", "variant": "standard", "paper": "a4",
            "format": fmt, "pages": 1, "title": "Stolen", "sha256": "0", "inputs": {}}  # fmt: skip


def _plant_manifest(out: Path, keys: dict[str, object]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps({"outputs": keys}))


def test_check_built_never_reads_a_file_the_manifest_points_outside(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    for name in ("a", "b"):
        (elsewhere / name / "sample").mkdir(parents=True)
        (elsewhere / name / "sample" / "sample.en.standard.a4.pdf").write_bytes(b"%PDF-secret")
    (project / "out").mkdir()
    (project / "out" / "sample").symlink_to(elsewhere / "b" / "sample")
    _plant_manifest(
        project / "out",
        {
            "../../elsewhere/a/sample/sample.en.standard.a4.pdf": _entry("pdf"),
            str(elsewhere / "a/sample/sample.en.standard.a4.pdf"): _entry("pdf"),
            "sample/sample.en.standard.a4.pdf": _entry("pdf"),  # through the link
        },
    )
    result = leaflet("check", "--built", "--out", "out")
    assert_refused(result, "no PDF listed in out/manifest.json", 2)
    assert "elsewhere" not in result.output and "sample.en" not in result.output


def test_index_never_links_a_file_the_manifest_points_outside(project: Path) -> None:
    outside = project.parent / "elsewhere" / HTML
    outside.write_text("<p>not ours</p>")
    _plant_manifest(
        project / "out",
        {
            f"../../elsewhere/{HTML}": _entry("html"),
            str(outside): _entry("html"),
            "sample/sample.en.standard.letter.html": "not an entry",
            "sample/sample.en.plain.a4.html": {"format": "html"},
        },
    )
    (project / "out" / "sample").mkdir()
    (project / "out" / "sample" / "sample.en.plain.a4.html").write_text("<p>half an entry</p>")
    result = leaflet("build", "sample", "--out", "out", "--format", "html")
    assert result.exit_code == 0, result.output
    index = (project / "out" / "index.html").read_text()
    assert "elsewhere" not in index and "Stolen" not in index and ".plain." not in index
    assert f'href="sample/{HTML}"' in index
    manifest = json.loads((project / "out" / "manifest.json").read_text())["outputs"]
    assert list(manifest) == [f"sample/{HTML}"]


# The pharmacy's logo ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["symlink", "parent", "absolute"])
def test_a_logo_outside_the_project_is_refused(project: Path, where: str) -> None:
    outside = project.parent / "elsewhere" / "logo.png"
    Image.new("RGB", (10, 10)).save(outside)
    name = {"symlink": "logo.png", "parent": "../elsewhere/logo.png", "absolute": str(outside)}
    if where == "symlink":
        (project / "logo.png").symlink_to(outside)
    Path("pharmacy.yaml").write_text(f"name: X\nlogo: {{file: '{name[where]}', alt: Logo}}\n")
    result = leaflet("build", "sample", "--out", "out", "--pharmacy", "pharmacy.yaml")
    assert_refused(
        result,
        f"pharmacy.yaml: logo.file: {name[where]!r} is outside the project folder {project}",
    )
    assert not (project / "out").exists()
