"""Word documents (.docx, read by python-docx): the Title and Heading styles, paragraphs,
bold runs, hyperlinks, bulleted and numbered lists, tables and their captions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from leafletgen.errors import Problem, SourceError
from leafletgen.importing.document import (
    Document,
    Element,
    Grid,
    Heading,
    Items,
    Paragraph,
    escaped,
    tidy,
)
from leafletgen.importing.inline import InlineWriter

_HEADING = re.compile(r"^Heading (\d)$")


def read_docx(raw: bytes, path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SourceError([Problem(path, None, "", f"not a Word document: {error}")]) from None
    reader = _Reader()
    for number, block in enumerate(document.iter_inner_content(), start=1):
        reader.block(block, f"paragraph {number}")
    reader.flush()
    return Document(tuple(reader.elements), guessed=tuple(reader.guessed))


class _Reader:
    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.guessed: list[str] = []
        self.items: list[str] = []
        self.items_ordered = False
        self.items_where = ""
        self.has_title = False
        self.caption: str | None = None  # a Caption paragraph waiting for the table below it
        self.caption_where = ""

    def block(self, block: object, where: str) -> None:
        from docx.table import Table

        if isinstance(block, Table):
            if self.items:
                caption_kept, self.caption = self.caption, None
                self.flush()
                self.caption = caption_kept
            rows = tuple(tuple(tidy(cell.text) for cell in row.cells) for row in block.rows)
            caption, self.caption = self.caption, None
            self.elements.append(Grid(rows, where, caption=caption))
            return
        style = block.style.name if block.style is not None else ""  # type: ignore[attr-defined]
        text = tidy(block.text)  # type: ignore[attr-defined]
        if not text:
            return
        ordered = style.startswith("List Number")
        heading = style == "Title" or _HEADING.match(style)  # numbered headings stay headings
        listed = style.startswith(("List Bullet", "List Number", "List Paragraph"))
        if not heading and (listed or _numbered(block)):
            if self.items and ordered != self.items_ordered:
                self.flush()
            if not self.items:
                self.items_where, self.items_ordered = where, ordered
            self.items.append(self.inline(block, where))
            return
        if style != "Caption":
            self.flush()
        if style == "Title":
            self.has_title = True
            self.elements.append(Heading(text, 1, where))
        elif match := _HEADING.match(style):
            self.elements.append(Heading(text, int(match[1]) + self.has_title, where))
        elif style == "Caption":
            last = self.elements[-1] if self.elements else None
            if isinstance(last, Grid) and last.caption is None:  # a caption below its table
                self.elements[-1] = Grid(last.rows, last.where, caption=text)
            else:  # above its table, which takes it; or a paragraph after all (flush)
                self.caption, self.caption_where = text, where
        else:
            self.elements.append(Paragraph(self.inline(block, where), where))

    def inline(self, paragraph: object, where: str) -> str:
        from docx.text.hyperlink import Hyperlink

        writer = InlineWriter(self.guessed, where)
        for piece in paragraph.iter_inner_content():  # type: ignore[attr-defined]
            if isinstance(piece, Hyperlink):
                writer.link(piece.text, piece.url or piece.address)
            elif piece.bold:
                writer.bold(piece.text)
            else:
                writer.text(piece.text)
        return writer.markup()

    def flush(self) -> None:
        if self.caption is not None:  # no table came: it was a paragraph
            self.elements.append(Paragraph(escaped(self.caption), self.caption_where))
            self.caption = None
        if self.items:
            self.elements.append(Items(tuple(self.items), self.items_ordered, self.items_where))
            self.items = []


def _numbered(paragraph: object) -> bool:
    """A paragraph in a list by direct numbering (not a list style)."""
    ppr = paragraph._p.pPr  # type: ignore[attr-defined]
    return ppr is not None and ppr.numPr is not None
