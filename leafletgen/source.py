"""Load a leaflet source: YAML → plain data with line numbers → validated Leaflet.

Every problem is reported with the file, the line and the field path, all at once, so an
editor can fix a file in one pass.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from leafletgen.errors import Problem, SourceError, UnknownLeafletError
from leafletgen.model import Leaflet

logger = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".yaml", ".yml")
MAX_SOURCE_BYTES = 1_000_000  # a long leaflet is ~30 kB; anything near this is not a leaflet
MAX_DEPTH = 12  # the format nests at most 7 levels (leaflet > sections > … > table rows)

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

    # Aliases are refused outright: leaflets do not need them and they allow "billion laughs".
    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(problem="aliases (*name) are not allowed", problem_mark=event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def find_source(reference: str, leaflets_dir: Path) -> Path:
    """Turn a LEAFLET argument (a path, or an id in ``leaflets_dir``) into a source path."""
    path = Path(reference)
    if path.suffix in SOURCE_SUFFIXES or path.parent != Path("."):
        if not path.is_file():
            raise UnknownLeafletError(f"{reference}: no such leaflet source file")
        return path
    for suffix in SOURCE_SUFFIXES:
        candidate = leaflets_dir / f"{reference}{suffix}"
        if candidate.is_file():
            return candidate
    raise UnknownLeafletError(
        f"Leaflet '{reference}': not a file, and no {reference}.yaml in {leaflets_dir}/"
    )


def load_leaflet(path: Path) -> Leaflet:
    """Read and validate one source file; raise SourceError listing every problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError([Problem(path, None, "", f"cannot read: {error.strerror}")]) from None
    return leaflet_from_bytes(raw, path)[0]


def leaflet_from_bytes(raw: bytes, path: Path) -> tuple[Leaflet, dict[FieldPath, int]]:
    """Validate the bytes of a source named ``path``; also return the line of every field."""
    data, lines = _read_yaml(raw, path)
    try:
        leaflet = Leaflet.model_validate(data)
    except ValidationError as error:
        raise SourceError([_problem(path, lines, e) for e in error.errors()]) from None
    if leaflet.id != path.stem:
        raise SourceError(
            [
                Problem(
                    path,
                    lines.get(("id",)),
                    "id",
                    f"'{leaflet.id}' must match the file name '{path.stem}'",
                )
            ]
        )
    logger.debug("Leaflet '%s': loaded from %s", leaflet.id, path)
    return leaflet, lines


def _read_yaml(raw: bytes, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(
            [Problem(path, None, "", f"file is larger than {MAX_SOURCE_BYTES:,} bytes")]
        )
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
        raise SourceError([Problem(path, line, "", f"YAML: {error.problem}")]) from None
    except yaml.YAMLError as error:
        raise SourceError([Problem(path, None, "", f"YAML: {error}")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise SourceError([Problem(path, None, "", "file is empty")])
    lines: dict[FieldPath, int] = {}
    return _to_python(root, (), lines, loader, path), lines


def _to_python(
    node: yaml.Node, at: FieldPath, lines: dict[FieldPath, int], loader: _SourceLoader, path: Path
) -> Any:
    """Convert a composed node to plain data, recording the line of every field path."""
    lines[at] = node.start_mark.line + 1
    if len(at) > MAX_DEPTH:
        raise SourceError(
            [Problem(path, lines[at], _dotted(at), f"nested deeper than {MAX_DEPTH} levels")]
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise SourceError(
                    [
                        Problem(
                            path,
                            key_node.start_mark.line + 1,
                            _dotted(at),
                            f"key {key!r} is not text",
                        )
                    ]
                )
            if key in result:
                raise SourceError(
                    [
                        Problem(
                            path, key_node.start_mark.line + 1, _dotted((*at, key)), "duplicate key"
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
        raise SourceError(
            [Problem(path, lines[at], _dotted(at), f"cannot read value: {error}")]
        ) from None


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


def _problem(path: Path, lines: dict[FieldPath, int], error: Any) -> Problem:
    # Discriminator tags appear in the location but not in the file; drop them.
    loc = tuple(part for i, part in enumerate(error["loc"]) if not _is_tag(error["loc"], i))
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    message = _MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
    return Problem(path, line, _dotted(loc), message)


def _is_tag(loc: tuple[Any, ...], index: int) -> bool:
    # Tags follow a block index (blocks.<n>.<tag>.<field>) or a counterpart (plain.<tag>.<field>).
    if index >= 2 and loc[index - 2] == "blocks" and isinstance(loc[index - 1], int):
        return True
    return (
        index >= 1 and loc[index - 1] == "plain" and loc[index] in ("plain-text", "plain-omitted")
    )


def _dotted(loc: FieldPath) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
