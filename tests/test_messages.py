"""Messages a pharmacist reads at the console: an unquoted colon says to quote the text, with
the file and line; two papers are refused (never one built silently); counts agree with their
nouns ("1 file", "2 files")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.plural import counted, verb
from tests.conftest import SEED, VALID


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        # A second ": " on a line: YAML itself fails, at that line.
        ("title: Sample leaflet", "title: Note: take it with food", 2, "YAML: mapping values"),
        (
            "      - paragraph: A sample medicine.",
            "      - paragraph: Dose: 2 mg a day",
            12,
            "YAML: mapping values",
        ),
        # `- Warning: text` in a list is read as a field: the list wanted text.
        (
            "key_takeaways: [Take it with water.]",
            "key_takeaways:\n  - 'Fine.'\n  - Warning: do not drive",
            10,
            "key_takeaways[1]: must be text, not a field: put it in quotes, as in "
            '"Warning: do not drive"',
        ),
        (
            "bottom_line: [Ask your pharmacist.]",
            "bottom_line:\n  - Note: ask your pharmacist",
            14,
            'bottom_line[0]: must be text, not a field: put it in quotes, as in "Note: ask',
        ),
    ],
)
def test_an_unquoted_colon_says_put_it_in_quotes_with_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, expected: str
) -> None:
    assert old in VALID
    path = tmp_path / "sample.yaml"
    path.write_text(VALID.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code != 0
    assert f"{path}:{line}: " in result.output, result.output
    assert expected in result.output and "quotes" in result.output, result.output


def test_two_papers_are_refused_and_nothing_is_built(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(SEED), "--paper", "a4", "--paper", "letter", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "--paper" in result.output and "one paper per run, not a4 and letter" in result.output
    assert not out.exists()


def test_the_same_paper_twice_or_comma_separated_is_one_paper(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(SEED), "--paper", "letter,letter", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("1 file built, 0 up to date, 0 failed")
    built = [p.name for p in (out / "clonazepam-emotional-effects").glob("*.pdf")]
    assert built == ["clonazepam-emotional-effects.en.standard.letter.pdf"]


def test_preview_refuses_two_papers_too(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["preview", str(SEED), "--paper", "a4,letter", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "one paper per run" in result.output


def test_counts_agree_with_their_nouns() -> None:
    assert [counted(n, "table") for n in (0, 1, 2)] == ["0 tables", "1 table", "2 tables"]
    assert counted(1, "PDF") == "1 PDF" and counted(3, "PDF") == "3 PDFs"
    assert counted(2, "piece of content", "pieces of content") == "2 pieces of content"
    assert (verb(1, "is", "are"), verb(2, "is", "are")) == ("is", "are")


def test_no_count_in_the_cli_publish_or_checks_is_pluralised_by_hand() -> None:
    # Every "{n} things" line goes through counted(): a regression guard over the sources.
    import re

    root = Path(__file__).parent.parent / "leafletgen"
    pattern = re.compile(r"\{len\([^}]*\)\} (?!of\b)[a-z]+s\b")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("cli", "publish", "checks")
        for path in (root / folder).rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []
