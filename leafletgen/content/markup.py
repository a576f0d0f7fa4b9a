"""The inline markup a leaflet's text may use, and nothing more.

``**bold**`` for emphasis and ``[label](https://…)`` for links; a backslash makes the next
``* [ ] ( ) \\`` literal. Everything else is text and is escaped on output, so raw HTML, CSS
or template syntax in a source can only ever be printed, never interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

LINK_SCHEMES = frozenset({"https", "http", "mailto", "tel"})

# Browsers and sitemaps stop near 2,000 characters; a link target longer than that is not an
# address a patient can use, and only costs the validator (a link is one word, never wrapped).
MAX_URL = 2_000

_TOKEN = re.compile(
    r"\\(?P<escaped>[\\*\[\]()])"
    r"|\*\*(?P<strong>[^*]+?)\*\*"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^()\s]+)\)"
)


class MarkupError(ValueError):
    """Inline markup that cannot be read; the message gives the character position."""


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str


Node = Text | Strong | Link


def parse(source: str) -> list[Node]:
    """Split ``source`` into text, bold and link nodes; raise MarkupError on broken markup."""
    nodes: list[Node] = []
    pending: list[str] = []
    position = 0

    def take_text(end: int) -> None:
        chunk = source[position:end]
        if "**" in chunk:
            column = position + chunk.index("**") + 1
            raise MarkupError(
                f"'**' at character {column} is not closed (write \\* for a literal star)"
            )
        pending.append(chunk)

    for match in _TOKEN.finditer(source):
        take_text(match.start())
        position = match.end()
        if match["escaped"] is not None:
            pending.append(match["escaped"])
            continue
        if pending:
            nodes.append(Text("".join(pending)))
            pending.clear()
        if match["strong"] is not None:
            nodes.append(Strong(match["strong"]))
        else:
            nodes.append(Link(match["label"], _checked_url(match["url"], match.start("url") + 1)))
    take_text(len(source))
    if pending and "".join(pending):
        nodes.append(Text("".join(pending)))
    return nodes


def _check_length(url: str, column: int) -> None:
    if len(url) > MAX_URL:  # before the URL is ever quoted in a message
        raise MarkupError(
            f"link target at character {column} has {len(url):,} characters: at most {MAX_URL:,}"
        )


def _checked_url(url: str, column: int = 1) -> str:
    _check_length(url, column)
    scheme = urlsplit(url).scheme.lower()
    if scheme not in LINK_SCHEMES:
        allowed = ", ".join(f"{s}:" for s in sorted(LINK_SCHEMES))
        raise MarkupError(
            f"link target {url!r} at character {column} must start with one of {allowed}"
        )
    return url


def check_url(url: str) -> str:
    """A link target on its own (for example a source's address): same schemes as in text."""
    _check_length(url, 1)
    if any(char.isspace() for char in url):
        raise MarkupError(f"link target {url!r} must not contain spaces")
    return _checked_url(url)


def to_html(source: str) -> Markup:
    """Render inline markup as escaped HTML: the only way content reaches a template as markup."""
    parts: list[str] = []
    for node in parse(source):
        if isinstance(node, Strong):
            parts.append(f"<strong>{escape(node.text)}</strong>")
        elif isinstance(node, Link):
            parts.append(f'<a href="{escape(node.url)}">{escape(node.label)}</a>')
        else:
            parts.append(str(escape(node.text)))
    return Markup("".join(parts))


def to_text(source: str) -> str:
    """The words a reader sees, without markup: for metadata, checks and tests."""
    return "".join(
        node.text if not isinstance(node, Link) else node.label for node in parse(source)
    )
