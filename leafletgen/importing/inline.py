"""Bold, links and text of a Markdown or Word paragraph, as the leaflet's inline markup."""

from __future__ import annotations

from leafletgen.content.markup import LINK_SCHEMES
from leafletgen.importing.document import escaped, tidy


class InlineWriter:
    """Collects one paragraph's pieces; links with a target a leaflet cannot print (a page of
    the same site, a file) keep their words and are reported."""

    def __init__(self, guessed: list[str], where: str) -> None:
        self.parts: list[str] = []
        self.guessed = guessed
        self.where = where

    def text(self, text: str) -> None:
        self.parts.append(escaped(text))

    def bold(self, text: str) -> None:
        if text.strip():
            self.parts.append(f"**{escaped(text.strip())}**")

    def link(self, label: str, url: str) -> None:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in LINK_SCHEMES and not any(c.isspace() for c in url):
            self.parts.append(f"[{escaped(label)}]({url})")
        else:
            self.guessed.append(f"{self.where}: link to {url!r} kept as its words “{label}”")
            self.text(label)

    def markup(self) -> str:
        return tidy("".join(self.parts)).replace("** **", " ")
