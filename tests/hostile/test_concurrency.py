"""Concurrent builds into one output folder: different languages, or the shards of one matrix,
started at the same moment as real processes.

However the commits interleave, the manifest lists every file on disk with its sha256, and
index.html links every PDF and HTML page. (Each process used to keep its own copy of the
manifest and the last save won: half the entries and half the index were lost.)
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leafletgen.publish.manifest import file_hash
from leafletgen.render import FORMATS
from leafletgen.variants import VARIANTS
from tests.conftest import QUICK_FORMATS, ROOT, minimal_leaflet, write_leaflet
from tests.hostile.test_faults import ENV, assert_clean

SAMPLE = "clonazepam-emotional-effects"


def start_together(project: Path, runs: list[list[str]]) -> list[tuple[int, str]]:
    """Start every build before waiting for any; (exit status, stderr) of each."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "leafletgen", "build", *args, "--out", "out", "-j", "1"],
            env=ENV,
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        results.append((process.returncode, stderr))
    return results


def assert_all_listed(out: Path, expected: int) -> None:
    """Every file on disk is in the manifest with its sha256, and index.html links each."""
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    suffixes = {FORMATS[name].suffix for name in QUICK_FORMATS}
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in suffixes)
    on_disk.remove("index.html")
    assert len(on_disk) == expected
    assert sorted(manifest) == on_disk, f"{len(manifest)} of {len(on_disk)} files listed"
    for name, entry in manifest.items():
        assert entry["sha256"] == file_hash(out / name), name
    index = (out / "index.html").read_text()
    linked = set(re.findall(r'href="([^"#]+\.(?:pdf|html))"', index))
    printable = {name for name in on_disk if name.endswith((".pdf", ".html"))}
    assert linked == printable, f"index.html links {len(linked)} of {len(printable)} files"


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """The sample leaflet and its es/ar/ru catalogs, in a project of its own."""
    project = tmp_path / "project"
    for folder in ("leaflets", "locales", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


@pytest.mark.parametrize("languages", [("es", "ar"), ("en", "es", "ar", "ru")], ids=["2", "4"])
def test_builds_in_different_languages_at_once(
    sample_project: Path, languages: tuple[str, ...]
) -> None:
    runs = [[SAMPLE, "--lang", lang, "--format", ",".join(QUICK_FORMATS)] for lang in languages]
    for returncode, stderr in start_together(sample_project, runs):
        assert returncode == 0, stderr
        assert_clean(stderr)
    assert_all_listed(sample_project / "out", expected=len(QUICK_FORMATS) * len(languages))


def with_plain_text(leaflet_id: str) -> dict[str, object]:
    """A small leaflet with the plain-language text the plain variants print."""

    def section() -> dict[str, object]:  # a fresh one each time: YAML aliases are refused
        return {"heading": "What it is", "blocks": [{"paragraph": "A sample medicine."}]}

    return minimal_leaflet(
        id=leaflet_id,
        title=leaflet_id.title(),
        sections=[{**section(), "plain": section()}],
        plain={"key_takeaways": ["Take it with water."], "bottom_line": ["Ask your pharmacist."]},
    )


@pytest.mark.parametrize("count", [2, 4])
def test_shards_at_once(tmp_path: Path, count: int) -> None:
    """Four leaflets in every variant and quick format: 4 jobs a variant, in ``count`` shards."""
    project = tmp_path / "project"
    (project / "leaflets").mkdir(parents=True)
    for name in ("alpha", "beta", "gamma", "delta"):
        write_leaflet(project / "leaflets", with_plain_text(name))
    runs = [
        [
            "--all",
            "--variant",
            "all",
            "--format",
            ",".join(QUICK_FORMATS),
            "--shard",
            f"{k}/{count}",
        ]
        for k in range(1, count + 1)
    ]
    for returncode, stderr in start_together(project, runs):
        assert returncode == 0, stderr
        assert_clean(stderr)
    assert_all_listed(project / "out", expected=4 * len(VARIANTS) * len(QUICK_FORMATS))
