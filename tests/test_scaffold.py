"""`leaflet new ID`: the template is refused field by field until it is filled in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from leafletgen.checks.source import check_leaflet
from leafletgen.config import ReadabilityLimits
from leafletgen.content.loader import load_leaflet
from leafletgen.errors import LeafletError, SourceError
from leafletgen.scaffold import ID_MARKER, LANGUAGE_MARKER, new_leaflet

# What the test writes into each empty value, by the key it belongs to; text otherwise.
_FILLS = {
    "version": '"1.0"',
    "date": "2026-01-01",
    "published": "2026-01-01",
    "url": "https://example.org/source",
}


def fill_placeholders(text: str) -> str:
    """Write a plausible value after every empty `key:` and `-` of the YAML text."""
    inserts: list[tuple[int, str]] = []

    def walk(node: yaml.Node, key: str | None) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                walk(value_node, key_node.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, key)
        elif node.tag == "tag:yaml.org,2002:null":
            # An empty value is placed right after its `:` or `-`.
            inserts.append((node.start_mark.index, _FILLS.get(key or "", "Filled text.")))

    walk(yaml.compose(text), None)
    for index, value in sorted(inserts, reverse=True):
        text = f"{text[:index]} {value}{text[index:]}"
    return text


def test_a_new_source_has_the_id_and_language_filled_in(tmp_path: Path) -> None:
    folder = tmp_path / "leaflets"  # created on demand
    path = new_leaflet("example-medicine", folder, language="pt-BR")
    assert path == folder / "example-medicine.yaml" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^id: example-medicine$", text, re.MULTILINE)
    assert re.search(r"^language: pt-BR$", text, re.MULTILINE)
    assert ID_MARKER not in text and LANGUAGE_MARKER not in text
    data = yaml.safe_load(text)
    assert (data["id"], data["language"]) == ("example-medicine", "pt-BR")
    assert new_leaflet("other", folder).read_text(encoding="utf-8").count("\nlanguage: en\n") == 1


def test_the_new_source_is_refused_with_a_located_problem_per_placeholder(
    tmp_path: Path,
) -> None:
    path = new_leaflet("example-medicine", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(SourceError) as caught:
        load_leaflet(path)
    problems = caught.value.problems
    for problem in problems:
        assert problem.file == path and problem.line is not None, problem
        assert str(problem).startswith(f"{path}:{problem.line}: {problem.field}: ")
        # The line is the placeholder's own: `key:` for a field, `-` for a list item.
        last = re.split(r"[.\[]", problem.field)[-1]
        written = lines[problem.line - 1]
        assert (f"{last}:" in written) if not last.endswith("]") else ("-" in written), problem
    fields = {problem.field: problem.message for problem in problems}
    for field in (
        "title",
        "medicine.generic",
        "version",
        "reviewed.date",
        "reviewed.by",
        "source.title",
        "get_help[0]",
        "key_takeaways[0]",
        "sections[0].heading",
        "sections[0].blocks[0].paragraph",
        "sections[0].blocks[2].numbered[0]",
        "sections[0].blocks[3].table.caption",
        "sections[0].blocks[4].callout.text",
        "sections[0].subsections[0].heading",
        "sections[0].plain.heading",
        "faqs[0].question",
        "faqs[0].plain.answer[0]",
        "bottom_line[0]",
        "plain.get_help[0]",
        "plain.key_takeaways[0]",
        "plain.glossary[0].term",
    ):
        assert field in fields, field
    # An empty placeholder says so (not "must be text … in quotes", which is for a number).
    assert fields["title"] == "is empty: write its text after the colon"
    assert fields["key_takeaways[0]"] == "is empty: write its text after the colon"
    assert fields["reviewed.date"] == "must be a date written YYYY-MM-DD"
    # Optional fields left empty mean "not given": they are no problem.
    assert not {"subtitle", "summary", "source.url", "plain.title"} & fields.keys()


@pytest.mark.parametrize("leaflet_id", ["example-medicine", "2024", "no"])
def test_the_filled_in_template_is_a_complete_leaflet(tmp_path: Path, leaflet_id: str) -> None:
    path = new_leaflet(leaflet_id, tmp_path)
    path.write_text(fill_placeholders(path.read_text(encoding="utf-8")), encoding="utf-8")
    leaflet = load_leaflet(path)
    assert (leaflet.id, leaflet.language, leaflet.version) == (leaflet_id, "en", "1.0")
    assert leaflet.reviewed.date.isoformat() == "2026-01-01"
    kinds = [block.kind for block in leaflet.sections[0].blocks]
    assert kinds == ["paragraph", "list", "numbered", "table", "callout"]
    assert leaflet.sections[0].subsections and leaflet.faqs and leaflet.plain
    assert leaflet.plain.glossary
    result = check_leaflet(leaflet, ReadabilityLimits())
    assert result.gaps == [] and result.omissions == []
    assert result.ok, result.failures


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_an_existing_source_is_not_overwritten(tmp_path: Path, suffix: str) -> None:
    existing = tmp_path / f"example-medicine{suffix}"
    existing.write_text("id: example-medicine\n", encoding="utf-8")
    with pytest.raises(LeafletError) as caught:
        new_leaflet("example-medicine", tmp_path)
    message = caught.value.format_message()
    assert str(existing) in message and "\n" not in message
    assert existing.read_text(encoding="utf-8") == "id: example-medicine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing.name]


@pytest.mark.parametrize(
    "leaflet_id", ["../x", "A B", "x/y", "", "-x", "x--y", "x.yaml", "a" * 81, "/tmp/x"]
)
def test_a_bad_id_is_refused_and_nothing_is_written(tmp_path: Path, leaflet_id: str) -> None:
    folder = tmp_path / "leaflets"
    with pytest.raises(LeafletError, match="Leaflet id") as caught:
        new_leaflet(leaflet_id, folder)
    assert "\n" not in caught.value.format_message()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", ["xx-nowhere", "pt_BR", ""])
def test_a_bad_language_is_refused_and_nothing_is_written(tmp_path: Path, language: str) -> None:
    with pytest.raises(LeafletError, match="not a known language tag"):
        new_leaflet("example-medicine", tmp_path / "leaflets", language=language)
    assert list(tmp_path.iterdir()) == []
