"""Loading sources: every problem names the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leafletgen.content.loader import find_source, load_leaflet
from leafletgen.content.model import Callout, Table
from leafletgen.errors import SourceError, UnknownLeafletError
from tests.conftest import SEED, VALID, minimal_leaflet, write_leaflet


def problems(path: Path) -> list[str]:
    with pytest.raises(SourceError) as caught:
        load_leaflet(path)
    return [str(p) for p in caught.value.problems]


def test_the_seed_and_a_minimal_source_are_valid(tmp_path: Path) -> None:
    assert load_leaflet(SEED).id == "clonazepam-emotional-effects"
    leaflet = load_leaflet(write_leaflet(tmp_path, VALID))
    assert leaflet.version == "1.0" and leaflet.reviewed.date.isoformat() == "2026-01-31"


def test_all_block_kinds_are_typed(tmp_path: Path) -> None:
    blocks = [
        {"table": {"caption": "c", "header": ["a", "b"], "rows": [["1", "2"]]}},
        {"callout": {"type": "warning", "text": "Do not stop suddenly."}},
    ]
    leaflet = load_leaflet(
        write_leaflet(tmp_path, minimal_leaflet(sections=[{"heading": "h", "blocks": blocks}]))
    )
    table, callout = leaflet.sections[0].blocks
    assert isinstance(table, Table) and table.table.rows == [["1", "2"]]
    assert isinstance(callout, Callout) and callout.callout.type == "warning"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s.replace('version: "1.0"', "version: 1.0"),
            "sample.yaml:5: version: must be text",
        ),
        (
            lambda s: s.replace("title: Sample leaflet\n", ""),
            "sample.yaml:1: title: required field is missing",
        ),
        (lambda s: s + "colour: red\n", "sample.yaml:14: colour: unknown field"),
        (
            lambda s: s.replace("paragraph: A", "paragrap: A"),
            "sample.yaml:12: sections[0].blocks[0]: a block needs exactly one of the keys",
        ),
        (
            lambda s: s.replace("date: 2026-01-31", "date: last week"),
            "sample.yaml:6: reviewed.date: must be a date written YYYY-MM-DD",
        ),
        (
            lambda s: s.replace("A sample medicine.", "A **sample medicine."),
            "sample.yaml:12: sections[0].blocks[0].paragraph: '**' at character 3 is not closed",
        ),
        (
            lambda s: s.replace("A sample medicine.", "Do \u202enot stop"),
            "sample.yaml:12: sections[0].blocks[0].paragraph: invisible direction control U+202E at character 4",
        ),
        (
            lambda s: s.replace("language: en", "language: xx-nope"),
            "sample.yaml:4: language: 'xx-nope' is not a known language tag",
        ),
        (
            lambda s: s.replace("id: sample", "id: Other"),
            "sample.yaml:1: id: String should match pattern",
        ),
        (
            lambda s: s.replace("title: Sample leaflet", "title: ''"),
            "sample.yaml:2: title: must not be empty",
        ),
        (
            lambda s: s.replace("key_takeaways: [Take it with water.]", "key_takeaways: []"),
            "sample.yaml:8: key_takeaways: must not be empty",
        ),
        (lambda s: s + "title: again\n", "sample.yaml:14: title: duplicate key"),
        (
            lambda s: s.replace(
                "  - heading: What it is", "  - heading: &h What it is\n  - heading: *h"
            ),
            "sample.yaml:11: YAML: aliases (*name) are not allowed",
        ),
        (
            lambda s: s.replace("medicine: {generic: samplemab}", "medicine: {generic: [samplemab"),
            "sample.yaml:4: YAML: ",
        ),
        (lambda s: "", "sample.yaml: file is empty"),
    ],
    ids=[
        "number-for-text",
        "missing-field",
        "unknown-field",
        "unknown-block",
        "bad-date",
        "broken-markup",
        "bidi-control",
        "bad-language",
        "bad-id",
        "empty-text",
        "empty-list",
        "duplicate-key",
        "alias",
        "syntax-error",
        "empty-file",
    ],
)
def test_bad_input_names_file_line_and_field(tmp_path: Path, edit, expected: str) -> None:
    path = write_leaflet(tmp_path, edit(VALID))
    found = problems(path)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(path)) for p in found)


def test_table_rows_must_match_the_header(tmp_path: Path) -> None:
    table = {"caption": "c", "header": ["a", "b"], "rows": [["1", "2"], ["only one"]]}
    path = write_leaflet(
        tmp_path, minimal_leaflet(sections=[{"heading": "h", "blocks": [{"table": table}]}])
    )
    assert any(
        "sections[0].blocks[0].table: row 2 has 1 cells but the header has 2" in p
        for p in problems(path)
    )


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = VALID.replace('version: "1.0"', "version: 1.0").replace(
        "title: Sample leaflet", "titel: x"
    )
    found = problems(write_leaflet(tmp_path, text))
    assert len(found) == 3  # version type, unknown 'titel', missing 'title'


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other-name.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert problems(path) == [f"{path}:1: id: 'sample' must match the file name 'other-name'"]


def test_non_utf8_and_oversized_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_bytes(VALID.encode() + b"# caf\xe9\n")
    assert problems(path) == [f"{path}:14: not valid UTF-8 text"]
    path.write_bytes(b"# x\n" * 300_000)
    assert "larger than 1,000,000 bytes" in problems(path)[0]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write_leaflet(tmp_path, VALID + "extra: " + "[" * 50 + "]" * 50 + "\n")
    assert "nested deeper than" in problems(path)[0]


def test_find_source_by_id_or_path(tmp_path: Path) -> None:
    path = write_leaflet(tmp_path, VALID)
    assert find_source("sample", tmp_path) == path
    assert find_source(str(path), Path("elsewhere")) == path
    with pytest.raises(
        UnknownLeafletError, match=re.escape("Leaflet 'nope': not a file, and no nope.yaml in")
    ):
        find_source("nope", tmp_path)
    with pytest.raises(UnknownLeafletError, match="no such leaflet source file"):
        find_source(str(tmp_path / "missing.yaml"), tmp_path)


def test_impossible_date_is_a_located_problem(tmp_path: Path) -> None:
    path = write_leaflet(tmp_path, VALID.replace("date: 2026-01-31", "date: 2026-13-31"))
    assert problems(path) == [f"{path}:6: reviewed.date: cannot read value: month must be in 1..12"]


def test_source_url_is_a_checked_link(tmp_path: Path) -> None:
    ok = load_leaflet(
        write_leaflet(
            tmp_path, minimal_leaflet(source={"title": "t", "url": "https://example.org/a"})
        )
    )
    assert ok.source.url == "https://example.org/a"
    bad = write_leaflet(
        tmp_path, minimal_leaflet(source={"title": "t", "url": "file:///etc/passwd"})
    )
    assert any(
        "source.url: link target 'file:///etc/passwd' at character 1 must start with" in p
        for p in problems(bad)
    )
