"""`leaflet build` says what the engine warned about each output, whether it was rendered in
this process or in a worker: a draft translation, passages left in English, no emergency
number. Each warning once, with the outputs it concerns, on standard error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from tests.conftest import minimal_leaflet, write_leaflet

DRAFT = "Warning: the es translation is a draft (marked on every page): "
NO_NUMBER = "Warning: no emergency number: set `[market] country` in leaflet.toml"


def _project(tmp_path: Path, toml: str = "") -> Path:
    (tmp_path / "leaflets").mkdir()
    (tmp_path / "leaflet.toml").write_text(toml, encoding="utf-8")
    write_leaflet(tmp_path / "leaflets", minimal_leaflet())
    runner = CliRunner()
    for command in (["i18n", "extract"], ["i18n", "init", "es"]):
        result = runner.invoke(main, ["--project", str(tmp_path), *command])
        assert result.exit_code == 0, result.output
    return tmp_path


def _build(root: Path, *options: str) -> tuple[str, str]:
    result = CliRunner().invoke(
        main,
        ["--project", str(root), "build", "sample", "--lang", "es", "--allow-incomplete",
         "--variant", "standard,large-print", "--format", "pdf,html", "--force", *options],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["in-process", "workers"])
def test_the_engine_s_warnings_reach_the_build_s_output(tmp_path: Path, jobs: str) -> None:
    root = _project(tmp_path)
    stdout, stderr = _build(root, "--jobs", jobs)
    lines = stderr.splitlines()
    (draft,) = [line for line in lines if line.startswith(DRAFT)]
    # once, with the outputs it concerns (three named, then how many more)
    assert draft.removeprefix(DRAFT).endswith(" and 1 more")
    named = draft.removeprefix(DRAFT).removesuffix(" and 1 more").split(", ")
    assert len(named) == 3 and all(name.startswith("sample.es.") for name in named)
    (untranslated,) = [line for line in lines if "passages are printed in English" in line]
    assert "not translated (marked on the page)" in untranslated
    (no_number,) = [line for line in lines if line.startswith(NO_NUMBER)]
    assert "sample.es.standard.a4.pdf" in no_number
    assert "Warning" not in stdout  # warnings go to standard error only
    # the files really are the drafts the warning names
    assert (root / "output" / "sample" / "sample.es.standard.a4.pdf").is_file()


def test_a_project_with_a_country_has_no_emergency_number_warning(tmp_path: Path) -> None:
    root = _project(tmp_path, '[market]\ncountry = "ES"\n')
    _, stderr = _build(root, "--jobs", "2")
    assert NO_NUMBER not in stderr
    assert DRAFT in stderr  # still a draft: no one reviewed it
