"""Shards built apart and merged (issue 21, item 4): four `leaflet build --shard K/4`
processes, each into its own folder as the machines of a Kubernetes Indexed Job would, then
`leaflet merge`: byte for byte what one build of the whole batch leaves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.catalogue import generate
from leafletgen.publish.cache import CACHE

SHARDS = 4


def leaflet(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "leafletgen", "--project", str(project), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != CACHE
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shards") / "project"
    generate(root, 3, ["es", "ar"])
    return root


@pytest.mark.parametrize(
    "formats", ["html", pytest.param("pdf,html", marks=pytest.mark.slow)], ids=["html", "pdf"]
)
def test_four_shards_merged_equal_one_build(project: Path, tmp_path: Path, formats: str) -> None:
    matrix = ["--all", "--lang", "all", "--variant", "standard,large-print", "--format", formats]
    single = leaflet(project, "build", *matrix, "-j", "1", "--out", str(tmp_path / "single"))
    shards = [
        leaflet(
            project,
            "build",
            *matrix,
            "-j",
            "1",
            "--shard",
            f"{k}/{SHARDS}",
            "--out",
            str(tmp_path / f"shard{k}"),
        )
        for k in range(1, SHARDS + 1)
    ]
    finished(single)
    for shard in shards:
        finished(shard)
    merged = tmp_path / "merged"
    out = finished(
        leaflet(
            project,
            "merge",
            *(str(tmp_path / f"shard{k}") for k in range(1, 5)),
            "--out",
            str(merged),
        )
    )
    expected = files(tmp_path / "single")
    count = 3 * 3 * 2 * len(formats.split(","))
    assert out == (
        f"merged {count} outputs from {SHARDS} folders into {merged} "
        f"({count} copied, every sha256 checked)\n"
    )
    assert len(json.loads(expected["manifest.json"])["outputs"]) == count
    assert files(merged) == expected  # the PDFs and pages, manifest.json and index.html


def test_merge_refuses_a_file_that_is_not_what_its_shard_recorded(
    project: Path, tmp_path: Path
) -> None:
    for k in (1, 2):
        finished(
            leaflet(
                project,
                "build",
                "--all",
                "--format",
                "html",
                "--shard",
                f"{k}/2",
                "--out",
                str(tmp_path / f"shard{k}"),
            )
        )
    tampered = next((tmp_path / "shard2").rglob("*.a4.html"))
    tampered.write_bytes(tampered.read_bytes().replace(b"</body>", b"<p>edited</p></body>"))
    process = leaflet(
        project,
        "merge",
        str(tmp_path / "shard1"),
        str(tmp_path / "shard2"),
        "--out",
        str(tmp_path / "merged"),
    )
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.splitlines() == [
        f"Error: {tampered}: its sha256 is not the one {tmp_path / 'shard2' / 'manifest.json'} "
        "records",
        f"Error: nothing merged into {tmp_path / 'merged'}: 1 problem",
    ]
    assert not (tmp_path / "merged").exists()
