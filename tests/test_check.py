"""`leaflet check`: plain-language coverage, reading grades and jargon, against the limits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leafletgen.checks.source import check_leaflet, find_jargon
from leafletgen.config import ReadabilityLimits, load_config
from leafletgen.content.loader import load_leaflet
from leafletgen.edition import edition
from leafletgen.errors import LeafletError, SourceError
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT, build_files, minimal_leaflet, write_leaflet

PLAIN: dict[str, Any] = {
    "key_takeaways": ["Drink water with it."],
    "bottom_line": ["Ask your pharmacist."],
    "glossary": [{"term": "Withdrawal", "definition": "How your body feels when you stop."}],
}


def with_plain(**section_plain: Any) -> dict[str, Any]:
    sections = [
        {
            "heading": "What it is",
            "blocks": [{"paragraph": "Samplemab is a monoclonal antibody for migraine."}],
            **section_plain,
        },
        {"heading": "History", "blocks": [{"paragraph": "It was first made in 1990."}]},
    ]
    return minimal_leaflet(sections=sections, plain=PLAIN)


def test_missing_counterparts_fail_check_and_plain_build(tmp_path: Path) -> None:
    source = write_leaflet(tmp_path, with_plain())
    result = check_leaflet(load_leaflet(source), ReadabilityLimits())
    assert result.failures[:2] == [
        "no plain-language text for section 'What it is'",
        "no plain-language text for section 'History'",
    ]
    report = build_files([source], tmp_path / "out", variants=("standard", "plain"))
    assert [b.path.name for b in report.built] == ["sample.en.standard.a4.pdf"]
    assert (
        "no plain-language text for section 'What it is'; section 'History'"
        in report.failed[0].message
    )


def test_omitted_part_is_reported_with_its_reason_and_left_out(tmp_path: Path) -> None:
    data = with_plain(
        plain={"heading": "What it is", "blocks": [{"paragraph": "It helps with headaches."}]}
    )
    data["sections"][1]["plain"] = {"omit": "History does not change what the patient does."}
    leaflet = load_leaflet(write_leaflet(tmp_path, data))
    result = check_leaflet(leaflet, ReadabilityLimits())
    assert result.ok, result.failures
    assert result.omissions == [
        ("section 'History'", "History does not change what the patient does.")
    ]
    plain = edition(leaflet, VARIANTS["plain"])
    assert [s.heading for s in plain.sections] == ["What it is"]


def test_grade_limits_and_jargon_are_enforced(tmp_path: Path) -> None:
    hard = (
        "Pharmacological discontinuation necessitates individualized, gradual titration "
        "supervised by appropriately qualified clinicians, considering comorbidities."
    )
    data = with_plain(plain={"heading": "What it is", "blocks": [{"paragraph": hard}]})
    data["sections"][1]["plain"] = {
        "heading": "Its past",
        "blocks": [{"paragraph": "Sedation may occur."}],
    }
    result = check_leaflet(load_leaflet(write_leaflet(tmp_path, data)), ReadabilityLimits())
    assert any(
        "plain text of 'What it is' is at grade" in f and "above 8.0" in f for f in result.failures
    )
    assert any(f.startswith("plain text mean grade") for f in result.failures)
    assert ("sedation", "section 'Its past'") in result.jargon
    assert ("discontinuation", "section 'What it is'") in result.jargon
    assert not any(word == "withdrawal" for word, _ in result.jargon)


def test_glossary_terms_explain_their_plurals(tmp_path: Path) -> None:
    data = with_plain(
        plain={"heading": "What it is", "blocks": [{"paragraph": "Withdrawals can be hard."}]}
    )
    leaflet = load_leaflet(write_leaflet(tmp_path, data))
    assert find_jargon(leaflet, []) == []
    assert find_jargon(leaflet, ["hard"]) == [("hard", "section 'What it is'")]


def test_check_command_prints_the_table_and_exits_by_the_limits(runner: CliRunner) -> None:
    from leafletgen.cli import main

    result = runner.invoke(
        main, ["check", "clonazepam-emotional-effects", "--leaflets-dir", str(ROOT / "leaflets")]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Leaflet 'clonazepam-emotional-effects': reading grade (Flesch-Kincaid)"
    assert any(line.strip().startswith("Dose Dependence and Emotional Effects") for line in lines)
    assert any(line.strip().startswith("mean") and "(limit 6.0)" in line for line in lines)
    assert "unexplained jargon: none" in result.output and lines[-1].strip() == "OK"


def test_check_command_fails_on_a_stricter_project_limit(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leafletgen.cli import main

    monkeypatch.chdir(tmp_path)
    Path("leaflet.toml").write_text("[readability]\nmax_part_grade = 2.0\n", encoding="utf-8")
    result = runner.invoke(
        main, ["check", str(ROOT / "leaflets" / "clonazepam-emotional-effects.yaml")]
    )
    assert result.exit_code == 1
    assert "(limit 2.0)" in result.output and "FAIL: plain text of" in result.output


def test_check_command_reports_an_invalid_source(runner: CliRunner, tmp_path: Path) -> None:
    from leafletgen.cli import main

    bad = write_leaflet(tmp_path, minimal_leaflet(version=2))
    result = runner.invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"Error: {bad}:8: version: must be text" in result.output


def test_config_errors_name_the_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "leaflet.toml").write_text(
        "[readability]\nmax_mean_grade = 'six'\n", encoding="utf-8"
    )
    with pytest.raises(
        SourceError,
        match=r"leaflet.toml: readability.max_mean_grade: Input should be a valid number",
    ):
        load_config(tmp_path)
    assert load_config(tmp_path / "nowhere").readability.max_mean_grade == 6.0


def test_plain_variant_without_any_plain_text_is_refused(tmp_path: Path) -> None:
    leaflet = load_leaflet(write_leaflet(tmp_path, minimal_leaflet()))
    with pytest.raises(LeafletError, match="has no plain-language text"):
        edition(leaflet, VARIANTS["plain-large-print"])


def test_the_plain_text_keeps_every_number_and_dose_of_the_standard_text(
    tmp_path: Path, runner: CliRunner
) -> None:
    standard = (
        "Take 0.5 mg twice a day for 2 weeks. About 5–10% of people cry. Do not stop suddenly."
    )
    kept = "Take 0.5 mg two times a day for 2 weeks. About 5 to 10 in 100 people (5–10%) cry. Do not stop all at once."
    data = minimal_leaflet(
        sections=[{"heading": "Doses", "blocks": [{"paragraph": standard}],
                   "plain": {"heading": "How much", "blocks": [{"paragraph": kept}]}}],
        plain=PLAIN,
    )  # fmt: skip
    source = write_leaflet(tmp_path, data)
    result = check_leaflet(load_leaflet(source), ReadabilityLimits())
    assert not [f for f in result.failures if "plain text of" in f]
    assert not [w for w in result.warnings if "plain text of" in w]

    dropped = "Take a small dose twice a day for 2 days. Some people cry. Stop slowly."
    data["sections"][0]["plain"]["blocks"] = [{"paragraph": dropped}]
    write_leaflet(tmp_path, data)
    result = check_leaflet(load_leaflet(source), ReadabilityLimits())
    assert (
        "plain text of section 'Doses': number: 0.5 mg, 2 weeks, 5% and 10% are not in the "
        "plain text; it has 2 days"
    ) in result.failures
    assert [w for w in result.warnings if "plain text of" in w] == [
        "plain text of section 'Doses': negation: the standard text negates (not), the plain "
        "text does not"
    ]
    from leafletgen.cli import main

    output = runner.invoke(main, ["check", str(source)])
    assert output.exit_code == 1
    assert "FAIL: plain text of section 'Doses': number: 0.5 mg" in output.output
    assert "WARN: plain text of section 'Doses': negation" in output.output


def test_a_translated_plain_text_is_measured_with_a_formula_for_its_language(
    tmp_path: Path,
) -> None:
    import shutil

    from leafletgen.cli import main
    from tests.conftest import SEED

    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    shutil.copy(SEED, root / "leaflets")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "leaflet.toml").write_text("", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--project", str(root), "check", SEED.stem, "--lang", "es,ar"])
    assert result.exit_code == 0, result.output
    spanish = result.output.split("in es: reading ease")[1].split("in ar:")[0]
    assert "Szigriszt-Pazos (INFLESZ) standard / plain" in spanish and "Fernández-Huerta" in spanish
    assert re.search(r"Key takeaways\s+73\.8 /  82\.5    78\.3 /  86\.6", spanish)
    assert "lowest plain part allowed: 55.0" in spanish
    assert "no validated reading-ease formula for Arabic" in result.output
    # a stricter limit in leaflet.toml fails the parts below it, by name
    (root / "leaflet.toml").write_text("[readability]\nmin_reading_ease = {es = 70}\n", "utf-8")
    result = runner.invoke(main, ["--project", str(root), "check", SEED.stem, "--lang", "es"])
    assert result.exit_code == 1
    assert (
        "FAIL: plain text of \"FAQ '¿Por qué Klonopin hace que algunas personas lloren con más "
        "facilidad?'\" reads at 65.6 (Szigriszt-Pazos (INFLESZ)), below 70.0"
    ) in result.output
