"""Property tests: random sources and strings never get past the loader or the markup parser
as anything but a validated leaflet or a located error, and escaping round-trips.

The example counts are bounded (tests/hostile/conftest.py); on CI the examples are derandomized,
so a run is repeatable.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from leafletgen.content import markup
from leafletgen.content.loader import leaflet_from_bytes
from leafletgen.content.markup import Link, MarkupError, Node, Strong, Text
from leafletgen.content.model import Leaflet
from leafletgen.errors import Problem, SourceError
from tests.conftest import minimal_leaflet

PATH = Path("leaflets/sample.yaml")

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates()
trees = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _load(raw: bytes) -> Leaflet | list[Problem]:
    """The loader's two outcomes; anything else (a traceback) fails the property."""
    try:
        return leaflet_from_bytes(raw, PATH)[0]
    except SourceError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == PATH and str(problem).startswith(str(PATH))
        return error.problems


@given(raw=st.binary(max_size=400))
def test_random_bytes_are_a_leaflet_or_a_located_error(raw: bytes) -> None:
    _load(raw)


@given(tree=trees)
def test_random_yaml_trees_are_a_leaflet_or_a_located_error(tree: Any) -> None:
    _load(yaml.safe_dump(tree, allow_unicode=True).encode())


@given(depth=st.integers(1, 50_000), flow=st.sampled_from([("[", "]"), ("{a: ", "}")]))
def test_nesting_of_any_depth_is_a_located_error(depth: int, flow: tuple[str, str]) -> None:
    opening, closing = flow
    result = _load(f"title: {opening * depth}x{closing * depth}\n".encode())
    assert isinstance(result, list)


@given(field=st.sampled_from(sorted(minimal_leaflet())), value=trees)
def test_a_valid_leaflet_with_one_field_replaced_is_a_leaflet_or_names_the_field(
    field: str, value: Any
) -> None:
    # Starting from a valid source reaches the validation of every field, not just the top.
    data = minimal_leaflet(reviewed={"date": date(2026, 1, 31), "by": "R"})
    data[field] = value
    result = _load(yaml.safe_dump(data, allow_unicode=True).encode())
    if isinstance(result, list):
        assert any(p.field.startswith(field) or not p.field for p in result), result


# Text made mostly of the characters the markup gives meaning to.
marked_up = st.text(alphabet=st.sampled_from("ab *[]()\\:/.<>&\"'h") | st.characters(), max_size=60)


@given(source=marked_up)
def test_markup_parses_or_raises_a_markup_error(source: str) -> None:
    try:
        nodes = markup.parse(source)
    except MarkupError as error:
        assert re.search(r"at character \d+|must not contain spaces", str(error)), error
        return
    assert all(node.text if not isinstance(node, Link) else node.label for node in nodes)


@given(text=st.text(max_size=80))
def test_escaping_round_trips(text: str) -> None:
    # A backslash before each character the markup uses makes any text literal.
    escaped = re.sub(r"([\\*\[\]()])", r"\\\1", text)
    assert markup.parse(escaped) == ([Text(text)] if text else [])
    assert markup.to_text(escaped) == text


@given(source=marked_up)
def test_html_reads_back_as_the_parsed_nodes(source: str) -> None:
    try:
        nodes = markup.parse(source)
    except MarkupError:
        return
    reader = _NodeReader()
    reader.feed(str(markup.to_html(source)))
    reader.close()
    assert reader.nodes == _merged(nodes)
    assert "".join(n.label if isinstance(n, Link) else n.text for n in nodes) == markup.to_text(
        source
    )


def _merged(nodes: list[Node]) -> list[Node]:
    # Adjacent text nodes print as one run of text.
    merged: list[Node] = []
    for node in nodes:
        if merged and isinstance(node, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return merged


class _NodeReader(HTMLParser):
    """Reads the HTML of ``markup.to_html`` back into nodes; any other tag fails."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self.open: tuple[str, str] | None = None  # (tag, href)
        self.buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ("strong", "a") and self.open is None, tag
        self._flush()
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"]
        self.open = (tag, dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        assert self.open is not None and self.open[0] == tag
        kind, href = self.open
        self.nodes.append(Strong(self.buffer) if kind == "strong" else Link(self.buffer, href))
        self.open, self.buffer = None, ""

    def handle_data(self, data: str) -> None:
        self.buffer += data

    def close(self) -> None:
        super().close()
        assert self.open is None
        self._flush()

    def _flush(self) -> None:
        if self.buffer and self.open is None:
            self.nodes.append(Text(self.buffer))
            self.buffer = ""
