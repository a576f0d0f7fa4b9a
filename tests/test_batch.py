"""Matrix builds: workers, manifest, incremental skips, sharding, interruption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.project import Project
from leafletgen.publish.build import build
from leafletgen.publish.manifest import Manifest, file_hash
from leafletgen.publish.plan import BuildRequest, plan
from tests.conftest import make_project, minimal_leaflet, write_leaflet


@pytest.fixture
def leaflets(tmp_path: Path) -> Path:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    write_leaflet(folder, minimal_leaflet(id="alpha", title="Alpha"))
    write_leaflet(folder, minimal_leaflet(id="beta", title="Beta"))
    return folder


def request(leaflets: Path, out: Path, **options) -> tuple[Project, BuildRequest]:
    """The project (with these folders) and the batch, as build() and plan() take them."""
    project = make_project(out, leaflets_dir=leaflets)
    return project, BuildRequest(leaflets=("all",), variants=("standard", "large-print"), **options)


def test_matrix_in_two_workers_builds_everything_and_writes_the_manifest(
    leaflets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = build(*request(leaflets, out, jobs=2))
    assert not report.failed and len(report.built) == 4
    manifest = Manifest(out).entries
    assert sorted(manifest) == [
        "alpha/alpha.en.large-print.a4.pdf",
        "alpha/alpha.en.standard.a4.pdf",
        "beta/beta.en.large-print.a4.pdf",
        "beta/beta.en.standard.a4.pdf",
    ]
    entry = manifest["alpha/alpha.en.standard.a4.pdf"]
    assert entry["leaflet"] == "alpha" and entry["version"] == "2.1" and entry["language"] == "en"
    assert entry["variant"] == "standard" and entry["paper"] == "a4" and entry["pages"] == 1
    assert entry["sha256"] == file_hash(out / "alpha/alpha.en.standard.a4.pdf")
    assert set(entry["inputs"]) == {
        "source",
        "catalog",
        "templates",
        "fonts",
        "options",
        "leafletgen",
    }
    # Workers give the same bytes as the main process.
    serial = build(*request(leaflets, tmp_path / "serial", jobs=1))
    assert {b.path.name: b.sha256 for b in serial.built} == {
        b.path.name: b.sha256 for b in report.built
    }


def test_second_run_skips_and_a_change_rebuilds_only_what_it_touches(
    leaflets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(*request(leaflets, out))
    again = build(*request(leaflets, out))
    assert again.skipped == 4 and not again.built and again.seconds < 1

    source = leaflets / "beta.yaml"
    source.write_text(source.read_text().replace("Take it with water.", "Take it with food."))
    (out / "alpha/alpha.en.standard.a4.pdf").write_bytes(b"tampered")
    third = build(*request(leaflets, out))
    assert sorted(b.path.name for b in third.built) == [
        "alpha.en.standard.a4.pdf",
        "beta.en.large-print.a4.pdf",
        "beta.en.standard.a4.pdf",
    ]
    forced = build(*request(leaflets, out, force=True))
    assert len(forced.built) == 4 and forced.skipped == 0


def test_shards_split_the_matrix_without_overlap(leaflets: Path, tmp_path: Path) -> None:
    names = lambda shard: [j.name for j in plan(*request(leaflets, tmp_path, shard=shard))[0]]  # noqa: E731
    everything = names((1, 1))
    parts = [names((k, 3)) for k in (1, 2, 3)]
    assert sorted(name for part in parts for name in part) == sorted(everything)
    assert len(everything) == 4
    assert all(len(p) in (1, 2) for p in parts)
    assert parts == [names((k, 3)) for k in (1, 2, 3)]  # deterministic


def test_interrupted_batch_leaves_a_manifest_matching_the_files(
    leaflets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    class Interrupt:
        def start(self, total: int) -> None:
            self.seen = 0

        def update(self, result) -> None:
            self.seen += 1
            if self.seen == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(*request(leaflets, out), progress=Interrupt())
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert len(manifest) == 2 and sorted(manifest) == pdfs
    assert all(file_hash(out / name) == entry["sha256"] for name, entry in manifest.items())
    assert not list(out.rglob("*.part"))


def test_a_failing_leaflet_does_not_stop_the_batch(leaflets: Path, tmp_path: Path) -> None:
    write_leaflet(leaflets, minimal_leaflet(id="gamma", version=3))
    report = build(*request(leaflets, tmp_path / "out", jobs=2))
    assert len(report.built) == 4
    assert [f.leaflet for f in report.failed] == [str(leaflets / "gamma.yaml")]


def test_symlinked_sources_are_not_followed(leaflets: Path, tmp_path: Path) -> None:
    outside = write_leaflet(tmp_path, minimal_leaflet(id="outside"))
    (leaflets / "outside.yaml").symlink_to(outside)
    assert {j.leaflet_id for j in plan(*request(leaflets, tmp_path))[0]} == {"alpha", "beta"}


def test_cli_summary_progress_lines_and_exit_code(leaflets: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "build",
        "--all",
        "--leaflets-dir",
        str(leaflets),
        "--out",
        str(out),
        "--variant",
        "standard,large-print",
        "-j",
        "2",
    ]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.count("wrote ") == 4
    assert first.output.splitlines()[-1].startswith("4 files built, 0 up to date, 0 failed, in ")
    second = CliRunner().invoke(main, args)
    assert second.output.splitlines()[-1].startswith("0 files built, 4 up to date, 0 failed")
    bad = CliRunner().invoke(main, [*args, "--shard", "4/3"])
    assert bad.exit_code == 2 and "K must be between 1 and N" in bad.output
    neither = CliRunner().invoke(main, ["build"])
    assert neither.exit_code == 2 and "name one or more LEAFLETs, or --all" in neither.output


def test_project_defaults_come_from_leaflet_toml(
    leaflets: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leaflet.toml").write_text(
        '[build]\nvariants = ["large-print"]\npaper = "letter"\nout = "printed"\n'
    )
    result = CliRunner().invoke(main, ["build", "alpha", "--leaflets-dir", str(leaflets)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "printed/alpha/alpha.en.large-print.letter.pdf").is_file()
    (tmp_path / "leaflet.toml").write_text("[build]\npaper = 'a5'\n")
    result = CliRunner().invoke(main, ["build", "alpha", "--leaflets-dir", str(leaflets)])
    assert (
        result.exit_code == 1
        and "leaflet.toml: build.paper: unknown paper 'a5' (one of a4, letter)" in result.output
    )


def test_an_unexpected_error_fails_only_its_job(
    leaflets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leafletgen.publish.jobs

    real = leafletgen.publish.jobs.render

    def render(project, request):  # a bug in one leaflet's render, not a user's mistake
        if "beta" in request.leaflet:
            raise ZeroDivisionError("division by zero")
        return real(project, request)

    monkeypatch.setattr(leafletgen.publish.jobs, "render", render)
    report = build(*request(leaflets, tmp_path / "out", formats=("pdf", "html")))
    assert {b.path.name for b in report.built} >= {"alpha.en.standard.a4.pdf"}
    assert [f.message for f in report.failed] == [
        f"beta (en, {variant}): unexpected error: ZeroDivisionError: division by zero"
        for variant in ("large-print", "standard")
    ]
    assert (tmp_path / "out" / "index.html").is_file()
