"""Markdown (CommonMark with tables, read by markdown-it-py, which keeps line numbers):
headings by level, paragraphs, bulleted and numbered lists, tables, bold and links."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from leafletgen.importing.document import Document, Element, Grid, Heading, Items, Paragraph, tidy
from leafletgen.importing.inline import InlineWriter


def read_markdown(text: str) -> Document:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    reader = _Reader()
    reader.read(tokens)
    return Document(tuple(reader.elements), guessed=tuple(reader.guessed))


def _where(token: Token) -> str:
    return f"line {token.map[0] + 1}" if token.map else "?"


class _Reader:
    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.guessed: list[str] = []

    def read(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)

    def block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        where = _where(token)
        if token.type == "heading_open":
            level = int(token.tag[1:])
            self.elements.append(Heading(self.plain(tokens[index + 1]), level, where))
            return index + 3
        if token.type == "paragraph_open":
            self.elements.append(Paragraph(self.inline(tokens[index + 1], where), where))
            return index + 3
        if token.type in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, index)
            items = self.list_items(tokens[index + 1 : end], where)
            self.elements.append(Items(tuple(items), token.type == "ordered_list_open", where))
            return end + 1
        if token.type == "table_open":
            end = _closing(tokens, index)
            self.elements.append(self.table(tokens[index:end], where))
            return end + 1
        if token.type in ("fence", "code_block", "html_block"):
            kind = {"fence": "code", "code_block": "code", "html_block": "raw HTML"}[token.type]
            self.guessed.append(f"{where}: {kind} kept as its text in a paragraph")
            writer = InlineWriter(self.guessed, where)
            writer.text(tidy(token.content))
            self.elements.append(Paragraph(writer.markup(), where))
            return index + 1
        if token.type == "blockquote_open":
            self.guessed.append(f"{where}: a quotation kept as paragraphs")
        return index + 1  # hr, blockquote edges: their content is read on its own

    def list_items(self, tokens: list[Token], where: str) -> list[str]:
        items: list[str] = []
        depth = 0
        for token in tokens:
            if token.type in ("bullet_list_open", "ordered_list_open"):
                depth += 1
                if depth == 1:
                    self.guessed.append(f"{where}: a list inside a list made items of the outer")
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
            elif token.type == "list_item_open":
                items.append("")
            elif token.type == "inline":
                text = self.inline(token, where)
                if items and not items[-1]:
                    items[-1] = text
                else:
                    items.append(text)
        return [item for item in items if item]

    def table(self, tokens: list[Token], where: str) -> Grid:
        rows: list[tuple[str, ...]] = []
        for token in tokens:
            if token.type == "tr_open":
                rows.append(())
            elif token.type == "inline":
                rows[-1] = (*rows[-1], self.plain(token))
        return Grid(tuple(rows), where)

    def inline(self, token: Token, where: str) -> str:
        writer = InlineWriter(self.guessed, where)
        children = token.children or []
        index = 0
        while index < len(children):
            child = children[index]
            if child.type == "strong_open":
                end = next(
                    i for i in range(index, len(children)) if children[i].type == "strong_close"
                )
                writer.bold("".join(_words(c) for c in children[index + 1 : end]))
                index = end
            elif child.type == "link_open":
                end = next(
                    i for i in range(index, len(children)) if children[i].type == "link_close"
                )
                label = "".join(_words(c) for c in children[index + 1 : end])
                writer.link(label, str(child.attrs.get("href", "")))
                index = end
            else:
                if child.type in ("em_open", "s_open"):
                    self.guessed.append(f"{where}: emphasis other than bold kept as plain text")
                if child.type == "image":
                    self.guessed.append(f"{where}: a picture kept as its description")
                writer.text(_words(child))
            index += 1
        return writer.markup()

    def plain(self, token: Token) -> str:
        return tidy("".join(_words(c) for c in token.children or []))


def _words(token: Token) -> str:
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "image":
        return "".join(_words(c) for c in token.children or []) or token.content
    return token.content if token.type in ("text", "code_inline") else ""


def _closing(tokens: list[Token], index: int) -> int:
    """The index of the token that closes the one at ``index``."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1
