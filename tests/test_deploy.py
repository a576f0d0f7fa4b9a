"""The deployment examples work (issue 21, item 4): the Kubernetes Jobs validate against the
Kubernetes schemas, offline, and their containers' commands, run here exactly as written with
the variables the Job sets, build the shards and merge them; the GitHub Actions matrix names
the folders its merge step reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from benchmarks.catalogue import generate
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
KUBERNETES = "1.30.0"


def documents(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all((DEPLOY / "kubernetes" / name).read_text()))


def container(job: dict[str, Any]) -> dict[str, Any]:
    (only,) = job["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize("name", ["leaflets.yaml", "leaflets-merge.yaml"])
def test_the_kubernetes_examples_validate(name: str) -> None:
    for document in documents(name):
        kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_the_validation_would_catch_a_mistake() -> None:
    job = documents("leaflets.yaml")[1]
    container(job)["comand"] = container(job).pop("command")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, KUBERNETES, strict=True)


def run_as_the_job_would(job: dict[str, Any], env: dict[str, str]) -> None:
    spec = container(job)
    variables = {item["name"]: item["value"] for item in spec.get("env", [])}
    variables.update(env)
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # `leaflet` as installed
    result = subprocess.run(
        spec["command"],
        env={**os.environ, **variables, "PATH": path, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_the_kubernetes_shards_and_merge_run_as_written(tmp_path: Path) -> None:
    project, shared = tmp_path / "project", tmp_path / "shared"
    generate(project, 1, ["es"])
    build = documents("leaflets.yaml")[1]
    shards = build["spec"]["completions"]
    assert build["spec"]["parallelism"] == shards
    assert container(build)["env"][0] == {"name": "SHARDS", "value": str(shards)}
    for index in range(shards):  # what each pod of the Indexed Job runs
        run_as_the_job_would(
            build,
            {"PROJECT": str(project), "SHARED": str(shared), "JOB_COMPLETION_INDEX": str(index)},
        )
    run_as_the_job_would(
        documents("leaflets-merge.yaml")[0], {"PROJECT": str(project), "SHARED": str(shared)}
    )
    outputs = json.loads((shared / "output" / "manifest.json").read_text())["outputs"]
    assert len(outputs) == 1 * 2 * len(VARIANTS) * 2  # a leaflet, two languages, PDF and HTML
    assert all((shared / "output" / key).is_file() for key in outputs)
    assert (shared / "output" / "index.html").is_file()


def test_the_github_matrix_merges_the_folders_it_builds() -> None:
    workflow = yaml.safe_load((DEPLOY / "github-actions" / "leaflets.yml").read_text())
    shards = workflow["jobs"]["build"]["strategy"]["matrix"]["shard"]
    build_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in build_steps
    merge = next(
        s["run"] for s in workflow["jobs"]["merge"]["steps"] if "merge" in s.get("run", "")
    )
    assert merge.split()[2 : 2 + len(shards)] == [f"shards/shard-{n}" for n in shards]
