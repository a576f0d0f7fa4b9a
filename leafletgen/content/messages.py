"""The translatable text of a leaflet, as gettext messages.

One walk over a source serves both directions: the Babel extractor (registered as the
``leaflet`` extraction method, so plain ``pybabel extract -F babel.cfg`` collects leaflets
beside the template chrome) and the build, which puts the translations back in place.

Each message has a context ``<leaflet id>|<field>`` (``sections.blocks.paragraph``), so the
same English sentence can be translated differently where it plays another role, and a
translator comment saying where it appears.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from leafletgen.content.model import Leaflet

# Identifiers, codes, addresses, settings, the cited source or author and the record of the
# source's review (about the original text, and in its language): never translated.
_NOT_TEXT = {
    "id",
    "language",
    "version",
    "reviewed",
    "url",
    "type",
    "row_headers",
    "source",
    "author",
    "key_takeaways_after",
}


@dataclass(frozen=True)
class Message:
    context: str
    msgid: str
    path: tuple[str | int, ...]
    comment: str


def _field(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path if isinstance(p, str))


def _where(leaflet: Leaflet, path: tuple[str | int, ...]) -> str:
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    if path[:1] == ("sections",) and len(path) > 2:
        return f"{dotted}, in the section \u201c{leaflet.sections[path[1]].heading}\u201d"  # type: ignore[index]
    if path[:1] == ("faqs",) and len(path) > 2:
        return f"{dotted}, in the answer to \u201c{leaflet.faqs[path[1]].question}\u201d"  # type: ignore[index]
    return dotted


def _walk(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in _NOT_TEXT:
                yield from _walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _walk(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def _source_data(leaflet: Leaflet) -> dict[str, Any]:
    return leaflet.model_dump(by_alias=True, exclude_none=True, exclude_defaults=False)


def messages(leaflet: Leaflet) -> Iterator[Message]:
    """Every translatable string, in source order."""
    for path, text in _walk(_source_data(leaflet)):
        # `omit` reasons are for editors, not patients: they are not printed, not translated.
        if "omit" in path:
            continue
        yield Message(f"{leaflet.id}|{_field(path)}", text, path, _where(leaflet, path))


def printed_in(leaflet: Leaflet, message: Message, text: str) -> bool:
    """Whether a variant of text level ``text`` ("full" or "plain") prints the message: the
    full text prints everything but the plain counterparts; the plain text prints those, the
    medicine's names, and the title and subtitle where the plain text has none of its own (as
    leafletgen.edition picks them)."""
    path = message.path
    if text == "full":
        return "plain" not in path
    if "plain" in path or path[0] == "medicine":
        return True
    plain = leaflet.plain
    if path[0] == "title":
        return plain is None or plain.title is None
    if path[0] == "subtitle":
        return plain is not None and plain.title is None and plain.subtitle is None
    return False


def translate(leaflet: Leaflet, lookup: Callable[[Message], str]) -> Leaflet:
    """The same leaflet with every message replaced by ``lookup(message)``; re-validated."""
    data = _source_data(leaflet)
    for message in messages(leaflet):
        *parents, last = message.path
        node = data
        for part in parents:
            node = node[part]
        node[last] = lookup(message)
    return Leaflet.model_validate(data)


def extract_leaflet(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: dict[str, str]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method for leaflet sources (entry point ``leaflet``)."""
    from leafletgen.content.loader import leaflet_from_bytes

    name = Path(getattr(fileobj, "name", "leaflet.yaml"))
    leaflet, lines = leaflet_from_bytes(fileobj.read(), name)
    for message in messages(leaflet):
        line = next(
            (
                lines[message.path[:n]]
                for n in range(len(message.path), 0, -1)
                if message.path[:n] in lines
            ),
            0,
        )
        yield line, "pgettext", (message.context, message.msgid), [message.comment]
