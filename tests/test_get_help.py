""" "Get help now": a part of the format, printed on page 1 with the numbers of the pharmacy or
the project's country (never leaflet text), and reported by `leaflet check` when missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.checks.source import NO_GET_HELP, check_leaflet
from leafletgen.cli import main
from leafletgen.config import CheckPolicy, ReadabilityLimits, load_config
from leafletgen.content.loader import load_leaflet
from leafletgen.counter import PrintDetails, load_pharmacy
from leafletgen.emergency import COUNTRY_NUMBERS, emergency_numbers
from leafletgen.engine import Request, render
from leafletgen.errors import SourceError
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import page_text

SITUATIONS = ["you faint", "your lips or tongue swell"]
TAKEAWAYS = ["Take it with water.", {"safety": "Never take **two doses** at once."}]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "leaflets").mkdir()
    write_leaflet(
        tmp_path / "leaflets",
        minimal_leaflet(get_help=SITUATIONS, key_takeaways=TAKEAWAYS),
    )
    return tmp_path


def rendered(project: Path, tmp_path: Path, fmt: str = "pdf", **request: object) -> Path:
    out = render(make_project(root=project), Request("sample", format=fmt, **request))  # type: ignore[arg-type]
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(out.data)
    return path


def test_situations_and_the_countrys_numbers_are_on_page_one(project, tmp_path) -> None:
    (project / "leaflet.toml").write_text('[market]\ncountry = "US"\n')
    page_one = page_text(rendered(project, tmp_path))[1]
    for text in ("Get help now", "Get medical advice straight away if:", *SITUATIONS):
        assert text in page_one
    # The number is a span of its own (kept whole, left to right): pieces join with a space.
    assert "In an emergency, call 911 ." in page_one
    assert "Poisons information: 1-800-222-1222" in page_one
    # Before the key takeaways, right after the summary and title.
    assert page_one.index("Get help now") < page_one.index("Key takeaways")


def test_without_a_country_the_page_says_local_number_and_the_build_warns(project, tmp_path):
    out = render(make_project(root=project), Request("sample"))
    assert any("no emergency number" in w for w in out.warnings)
    path = tmp_path / "out.pdf"
    path.write_bytes(out.data)
    assert "In an emergency, call your local emergency number." in page_text(path)[1]


def test_the_pharmacys_numbers_win_over_the_countrys(project, tmp_path) -> None:
    (project / "leaflet.toml").write_text('[market]\ncountry = "GB"\n')
    (project / "pharmacy.yaml").write_text(
        'name: Riverside Pharmacy\nemergency_phone: "999"\npoison_phone: "0344 892 0111"\n'
    )
    pharmacy = load_pharmacy(project / "pharmacy.yaml", project)
    assert emergency_numbers("GB", pharmacy).poison == "0344 892 0111"
    html = rendered(project, tmp_path, "html", counter=PrintDetails(pharmacy=pharmacy))
    text = html.read_text(encoding="utf-8")
    assert "Poisons information:" in text and "0344 892 0111" in text
    assert COUNTRY_NUMBERS["GB"].poison is None  # none is guessed for a country without one


def test_a_safety_takeaway_is_labelled_and_styled_apart(project, tmp_path) -> None:
    html = rendered(project, tmp_path, "html").read_text(encoding="utf-8")
    assert (
        '<li class="safety"><strong class="safety-label">For your safety:</strong> '
        "Never take <strong>two doses</strong> at once.</li>" in html
    )
    assert "<li>Take it with water.</li>" in html  # the others are not bold any more
    page_one = page_text(rendered(project, tmp_path))[1]
    assert "For your safety: Never take two doses at once." in page_one


def test_check_warns_without_get_help_and_fails_when_the_project_requires_it(tmp_path) -> None:
    leaflet = load_leaflet(write_leaflet(tmp_path, minimal_leaflet()))
    result = check_leaflet(leaflet, ReadabilityLimits())
    assert result.warnings == [NO_GET_HELP] and NO_GET_HELP not in result.failures
    strict = check_leaflet(leaflet, ReadabilityLimits(), CheckPolicy(require_get_help=True))
    assert not strict.ok and NO_GET_HELP in strict.failures
    (tmp_path / "leaflet.toml").write_text("[check]\nrequire_get_help = true\n")
    runner = CliRunner()
    result = runner.invoke(
        main, ["--project", str(tmp_path), "check", str(tmp_path / "sample.yaml")]
    )
    assert result.exit_code == 1
    assert f"FAIL: {NO_GET_HELP}" in result.output
    assert "WARN: no emergency number" in result.output


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[market]\ncountry = "gb"\n', "'gb' is not a country code (ISO 3166-1 alpha-2"),
        ('[market]\ncountry = "XX"\n', "'XX' is not a country code"),
        ('[market]\ncountry = "001"\n', "'001' is not a country code"),
    ],
)
def test_a_bad_country_is_refused_naming_the_setting(tmp_path, toml, message) -> None:
    (tmp_path / "leaflet.toml").write_text(toml)
    with pytest.raises(SourceError) as error:
        load_config(tmp_path)
    assert f"leaflet.toml: market.country: {message}" in str(error.value)


@pytest.mark.parametrize(
    ("situations", "message"),
    [
        ([], "must not be empty"),
        (["x"] * 7, "List should have at most 6 items"),
        (["word " * 40], "a situation of 'get_help' is at most 160 characters"),
    ],
)
def test_get_help_is_a_short_list(tmp_path, situations, message) -> None:
    with pytest.raises(SourceError) as error:
        load_leaflet(write_leaflet(tmp_path, minimal_leaflet(get_help=situations)))
    assert "get_help" in str(error.value) and message in str(error.value)
