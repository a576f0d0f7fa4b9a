"""The one guarded reader of YAML files a user hands us (leaflet sources, pharmacy profiles):
bounded size, one document, no tags or aliases, bounded depth, text keys, no duplicates, and
the line of every field, so that every problem can be reported with its file, line and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from leafletgen.errors import Problem, SourceError
from leafletgen.files import too_large

MAX_SOURCE_BYTES = 1_000_000  # a long leaflet is ~30 kB; anything near this is not a leaflet


MAX_DEPTH = 12  # the format nests at most 7 levels (leaflet > sections > … > table rows)


_TAB_HINT = " (indent with spaces: YAML does not allow tabs there)"
# What libyaml says of `title: Note: take it with food`: a second ": " on the line.
_COLON_PROBLEM = "mapping values are not allowed in this context"
_COLON_HINT = (
    " (a colon followed by a space starts a field: put the whole text in quotes, "
    'as in title: "Note: take it with food")'
)


FieldPath = tuple[str | int, ...]


class _Refused(yaml.MarkedYAMLError):
    """A YAML feature a leaflet never needs and that could be abused."""


class _SourceLoader(
    yaml.composer.Composer,
    yaml.cyaml.CParser,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """libyaml's parser (ten times faster than PyYAML's) under PyYAML's composer, which we
    need for our own checks on every node."""

    def __init__(self, text: str) -> None:
        yaml.cyaml.CParser.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.depth = 0

    def get_single_node(self) -> yaml.Node | None:
        self.get_event()  # STREAM-START
        document = None if self.check_event(yaml.StreamEndEvent) else self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            raise _Refused(
                problem="a source is one YAML document, but a second one starts here",
                problem_mark=self.peek_event().start_mark,
            )
        return document  # type: ignore[no-any-return]

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        # Aliases are refused outright: leaflets do not need them and they allow "billion laughs".
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(problem="aliases (*name) are not allowed", problem_mark=event.start_mark)
        # So are tags: a leaflet needs none, and `!!python/…` on a list would be dropped silently.
        if getattr(event, "tag", None) is not None:
            raise _Refused(
                problem=f"tags ({event.tag}) are not allowed", problem_mark=event.start_mark
            )
        # The composer recurses once per level: the depth is limited here, while composing,
        # so that `[[[[…` cannot exhaust the stack before the data is ever looked at.
        if self.depth > MAX_DEPTH:
            raise _Refused(
                problem=f"nested deeper than {MAX_DEPTH} levels", problem_mark=event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


def read_yaml(raw: bytes, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    """Parse YAML with the guards every file we read needs (size, encoding, one document, no
    aliases, bounded depth, text keys, no duplicates); also return the line of every field."""
    if len(raw) > MAX_SOURCE_BYTES:  # bytes from elsewhere than read_bounded (Babel's extractor)
        raise SourceError([too_large(path, MAX_SOURCE_BYTES)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError([Problem(path, line, "", "not valid UTF-8 text")]) from None
    loader = _SourceLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        hint = _TAB_HINT if mark and _character_at(text, mark) == "\t" else ""
        if error.problem == _COLON_PROBLEM:
            hint = _COLON_HINT
        raise SourceError([Problem(path, line, "", f"YAML: {error.problem}{hint}")]) from None
    except yaml.reader.ReaderError as error:
        # libyaml counts the position in bytes of UTF-8.
        line = text.encode("utf-8")[: error.position].count(b"\n") + 1
        raise SourceError(
            [Problem(path, line, "", f"YAML: character U+{error.character:04X}: {error.reason}")]
        ) from None
    except yaml.YAMLError as error:
        raise SourceError([Problem(path, None, "", f"YAML: {error}")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise SourceError([Problem(path, None, "", "file is empty")])
    lines: dict[FieldPath, int] = {}
    return _to_python(root, (), lines, loader, path), lines


def _character_at(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1]


def _to_python(
    node: yaml.Node, at: FieldPath, lines: dict[FieldPath, int], loader: _SourceLoader, path: Path
) -> Any:
    """Convert a composed node to plain data, recording the line of every field path."""
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key(key_node, at, path)
            if key in result:
                raise SourceError(
                    [
                        Problem(
                            path, key_node.start_mark.line + 1, dotted((*at, key)), "duplicate key"
                        )
                    ]
                )
            result[key] = _to_python(value_node, (*at, key), lines, loader, path)
            lines[(*at, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*at, i), lines, loader, path) for i, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError) as error:  # e.g. the date 2025-13-31
        reason = error.problem if isinstance(error, yaml.MarkedYAMLError) else error
        raise SourceError(
            [Problem(path, lines[at], dotted(at), f"cannot read value: {reason}")]
        ) from None


def _key(node: yaml.Node, at: FieldPath, path: Path) -> str:
    """A mapping key: plain or quoted text. Read from the node, never constructed, so that
    `<<`, `1`, `~` or `[a, b]` cannot turn into a merge, a number or a list."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        return str(node.value)
    message = (
        f"key {node.value!r} is not text (put it in quotes)"
        if isinstance(node, yaml.ScalarNode)
        else "a key must be text, not a list or mapping"
    )
    raise SourceError([Problem(path, node.start_mark.line + 1, dotted(at), message)])


_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "string_type": "must be text (put it in quotes if it looks like a number, date or yes/no)",
    "date_type": "must be a date written YYYY-MM-DD",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}


def located_problems(
    path: Path, lines: dict[FieldPath, int], error: ValidationError
) -> list[Problem]:
    """Every validation error of the data read from ``path``, with its line and field."""
    return [_problem(path, lines, e) for e in error.errors()]


def _problem(path: Path, lines: dict[FieldPath, int], error: Any) -> Problem:
    # Discriminator tags appear in the location but not in the file; drop them.
    loc = tuple(part for i, part in enumerate(error["loc"]) if not _is_tag(error["loc"], i))
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    if error["type"] == "string_type" and error.get("input", "") is None:
        # `title:` with nothing after it (a new source's placeholder) is empty, not a number.
        message = "is empty: write its text after the colon"
    elif error["type"] == "string_type" and _one_field(error.get("input")):
        # `- Note: ask your pharmacist` is a mapping, not the text the list wanted.
        ((key, value),) = error["input"].items()
        message = f'must be text, not a field: put it in quotes, as in "{key}: {value}"'
    else:
        message = _MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
    return Problem(path, line, dotted(loc), message)


def _one_field(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value)), str)


_TAGGED_LISTS = ("blocks", "key_takeaways")


def _is_tag(loc: tuple[Any, ...], index: int) -> bool:
    # Tags follow a block or takeaway index (blocks.<n>.<tag>.<field>, key_takeaways.<n>.<tag>)
    # or a counterpart (plain.<tag>.<field>).
    if index >= 2 and loc[index - 2] in _TAGGED_LISTS and isinstance(loc[index - 1], int):
        return True
    return (
        index >= 1 and loc[index - 1] == "plain" and loc[index] in ("plain-text", "plain-omitted")
    )


def dotted(loc: FieldPath) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
