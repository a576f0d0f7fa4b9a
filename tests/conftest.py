from __future__ import annotations

import copy
import dataclasses
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from leafletgen.project import Project
from leafletgen.publish.build import BuildReport, build
from leafletgen.publish.plan import BuildRequest
from leafletgen.variants import VARIANTS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "leaflets" / "clonazepam-emotional-effects.yaml"
# The formats a hostile or concurrent build is run with: every one whose render is in-process
# and quick. Audio and the e-book run external tools for tens of seconds each; their own tests
# (test_audio.py, test_epub.py) cover them.
QUICK_FORMATS = ("pdf", "html", "epi", "brf")

_MINIMAL: dict[str, Any] = {
    "id": "sample",
    "title": "Sample leaflet",
    "medicine": {"generic": "samplemab", "brands": ["Samplex"]},
    "language": "en",
    "version": "2.1",
    "reviewed": {"date": "2026-01-31", "by": "Test Reviewer"},
    "source": {"title": "Test source"},
    "key_takeaways": ["Take it with water."],
    "sections": [{"heading": "What it is", "blocks": [{"paragraph": "A sample medicine."}]}],
    "bottom_line": ["Ask your pharmacist."],
}


# The same minimal source as text, for tests that edit the YAML itself.
VALID = """\
id: sample
title: Sample leaflet
medicine: {generic: samplemab}
language: en
version: "1.0"
reviewed: {date: 2026-01-31, by: Test Reviewer}
source: {title: Test source}
key_takeaways: [Take it with water.]
sections:
  - heading: What it is
    blocks:
      - paragraph: A sample medicine.
bottom_line: [Ask your pharmacist.]
"""


def minimal_leaflet(**changes: Any) -> dict[str, Any]:
    """A valid leaflet source as data; keyword arguments replace top-level fields."""
    data = copy.deepcopy(_MINIMAL)
    data.update(changes)
    return data


def write_leaflet(folder: Path, data: dict[str, Any] | str) -> Path:
    """Write a source file named after its id (or 'sample' for raw text)."""
    name = data["id"] if isinstance(data, dict) else "sample"
    path = folder / f"{name}.yaml"
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    # safe_dump quotes the dates it was given as strings; leaflets write them bare.
    path.write_text(text.replace("'2026-01-31'", "2026-01-31"), encoding="utf-8")
    return path


def make_project(
    out: Path | None = None,
    *,
    root: Path = ROOT,
    leaflets_dir: Path | None = None,
    locales_dir: Path | None = None,
) -> Project:
    """A Project: by default the checkout's, with the folders a test names instead."""
    project = Project.load(root)
    return dataclasses.replace(
        project,
        output_dir=out or project.output_dir,
        leaflets_dir=leaflets_dir or project.leaflets_dir,
        locales_dir=locales_dir or project.locales_dir,
    )


def build_files(
    sources: list[Path | str],
    out: Path,
    *,
    leaflets_dir: Path | None = None,
    locales_dir: Path | None = None,
    **options: Any,
) -> BuildReport:
    project = make_project(out, leaflets_dir=leaflets_dir, locales_dir=locales_dir)
    return build(project, BuildRequest(leaflets=tuple(str(s) for s in sources), **options))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seed_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The seed leaflet built once in every variant, as PDF and HTML: {(variant, format): path}."""
    report = build_files(
        [SEED],
        tmp_path_factory.mktemp("seed"),
        formats=("pdf", "html"),
        variants=tuple(VARIANTS),
    )
    assert not report.failed, report.failed
    return {(built.path.name.split(".")[2], built.format): built.path for built in report.built}


@pytest.fixture(scope="session")
def seed_outputs(seed_variants: dict[tuple[str, str], Path]) -> dict[str, Path]:
    """The seed leaflet's standard variant: {format: path}."""
    return {fmt: path for (variant, fmt), path in seed_variants.items() if variant == "standard"}


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped leaflet in every language and variant, PDF and HTML: the CI gate's matrix."""
    out = tmp_path_factory.mktemp("shipped")
    report = build(
        make_project(out),
        BuildRequest(
            leaflets=("all",),
            languages=("all",),
            variants=("all",),
            formats=("pdf", "html"),
            jobs=2,
        ),
    )
    assert not report.failed, report.failed
    return out


@pytest.fixture(scope="session")
def seed_site(seed_variants: dict[tuple[str, str], Path]) -> Path:
    """The seed's output folder: seed_variants' English PDF and HTML, then the Arabic HTML of
    every variant added by a second, incremental build, so index.html lists both builds."""
    out = next(iter(seed_variants.values())).parent.parent
    report = build_files([SEED], out, formats=("html",), variants=("all",), languages=("ar",))
    assert not report.failed, report.failed
    return out


@pytest.fixture
def trap_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request: a leaflet build must send none."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
