"""Shape a read document into a leaflet source: title, summary, sections and subsections,
tables with captions, FAQs, key takeaways and bottom line, as far as the document marks them.

Every piece of text is kept, in order: what has no place in the format goes into one marked
section at the end, and the report says what was recognised, what was guessed and what could
not be placed. Nothing is written that the document does not say, except the marks of the
draft (its ``draft:`` block, and the headings of the marked section and a table with no
caption, which the author replaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leafletgen.content.markup import MarkupError, to_text
from leafletgen.importing.document import (
    Document,
    Element,
    Grid,
    Heading,
    Items,
    Paragraph,
    escaped,
)
from leafletgen.plural import counted

UNPLACED_HEADING = "Not placed by the import"
NO_CAPTION = "Table (caption to write)"

# Headings that name a part the leaflet prints with its own translated heading.
_TAKEAWAYS = re.compile(r"^(key (takeaways?|points|messages)|takeaways)\b", re.IGNORECASE)
_FAQS = re.compile(
    r"^(frequently asked questions|faqs?|questions and answers|common questions)\b",
    re.IGNORECASE,
)
_BOTTOM_LINE = re.compile(r"^(the )?bottom line\b", re.IGNORECASE)
_QUESTION = re.compile(r"^(?:\*\*)?q(?:uestion)?\s*[:.]\s*(?:\*\*)?\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^(?:\*\*)?a(?:nswer)?\s*[:.]\s*(?:\*\*)?\s*", re.IGNORECASE)


@dataclass
class Report:
    """What an import did, for the author: printed by `leaflet import`."""

    recognised: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # kept in place, for the author to finish
    to_fill: list[str] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for label, entries in (
            ("Recognised", self.recognised),
            ("Guessed (check these)", self.guessed),
            ("Could not place (kept under “" + UNPLACED_HEADING + "”)", self.unplaced),
            ("Kept in place as marked blocks (listed in draft: to_check)", self.marked),
            ("To fill before it can be published", self.to_fill),
        ):
            out.append(f"{label}: {len(entries) if entries else 'none'}")
            out += [f"  - {entry}" for entry in entries]
        return out


@dataclass
class _Part:
    heading: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    subsections: list[_Part] = field(default_factory=list)
    where: str = ""

    def target(self) -> _Part:
        return self.subsections[-1] if self.subsections else self

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"heading": self.heading}
        if self.blocks:
            out["blocks"] = self.blocks
        if self.subsections:
            out["subsections"] = [s.data() for s in self.subsections]
        return out


@dataclass
class Shaped:
    """The leaflet's parts, ready to write as a draft source."""

    title: str
    document_title: str | None  # the title line whole, as the document names itself
    subtitle: str | None
    summary: str | None
    key_takeaways: list[str | dict[str, str]]  # {"safety": text} for a safety takeaway
    sections: list[dict[str, Any]]
    faqs: list[dict[str, Any]]
    bottom_line: list[str]
    to_check: list[str]
    get_help: list[str] = field(default_factory=list)
    key_takeaways_after: str | None = None  # "first_section": where the input puts them


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(markup: str) -> str:
    try:
        return to_text(markup)
    except MarkupError:
        return markup


class _Builder:
    def __init__(self, document: Document, report: Report) -> None:
        self.elements = document.elements
        self.report = report
        self.title: str | None = None
        self.document_title: str | None = None
        self.subtitle: str | None = None
        self.summary: str | None = None
        self.takeaways: list[str] = []
        self.sections: list[_Part] = []
        self.faqs: list[dict[str, Any]] = []
        self.bottom_line: list[str] = []
        self.unplaced: list[dict[str, Any]] = []
        self.to_check: list[str] = []
        self.mode = "intro"  # intro, section, takeaways, faqs, bottom-line
        self.faq_level: int | None = None
        self.caption: Heading | None = None
        levels = [e.level for e in self.elements if isinstance(e, Heading) and e.level]
        # The document's own outline: its first heading is the title, the shallowest level
        # after it the sections, anything deeper their subsections.
        self.section_level = min(levels[1:], default=2) if levels else 2

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> Shaped:
        for index, element in enumerate(self.elements):
            following = self.elements[index + 1] if index + 1 < len(self.elements) else None
            if isinstance(element, Heading):
                self.heading(element, following)
            elif isinstance(element, Paragraph):
                self.paragraph(element)
            elif isinstance(element, Items):
                self.items(element)
            else:
                self.grid(element)
        return self.shaped()

    def heading(self, heading: Heading, following: Element | None) -> None:
        text = heading.text
        if self.title is None:
            self.set_title(heading)
            return
        for pattern, mode, name in (
            (_TAKEAWAYS, "takeaways", "key takeaways"),
            (_FAQS, "faqs", "frequently asked questions"),
            (_BOTTOM_LINE, "bottom-line", "the bottom line"),
        ):
            if match := pattern.match(text):
                self.mode, self.faq_level = mode, heading.level
                rest = text[match.end() :].strip(" :–—-")
                dropped = f"; its words “{rest}” are not printed" if rest else ""
                self.report.recognised.append(
                    f"{heading.where}: “{_short(text)}” → {name} (the leaflet prints its own "
                    f"heading{dropped})"
                )
                return
        if self.mode == "faqs" and self.is_question(heading):
            self.new_faq(_QUESTION.sub("", text), heading.where)
            return
        if isinstance(following, Grid) and following.caption is None and self.sections:
            self.caption = heading
            self.mode = "section"
            return
        if self.is_subsection(heading, following):
            self.sections[-1].subsections.append(_Part(text, where=heading.where))
        else:
            self.sections.append(_Part(text, where=heading.where))
        self.mode = "section"

    def is_question(self, heading: Heading) -> bool:
        if _QUESTION.match(heading.text):
            return True
        if heading.level is None:
            return heading.text.endswith("?")
        return self.faq_level is not None and heading.level > self.faq_level

    def is_subsection(self, heading: Heading, following: Element | None) -> bool:
        if not self.sections or self.mode not in ("section", "intro"):
            return False
        if heading.level is not None:
            if heading.level > self.section_level + 1:
                self.report.guessed.append(
                    f"{heading.where}: heading level {heading.level} “{_short(heading.text)}” "
                    "made a subsection (the format has two levels)"
                )
            return heading.level > self.section_level
        if isinstance(following, Items):
            self.report.guessed.append(
                f"{heading.where}: “{_short(heading.text)}” is followed by a list: made a "
                f"subsection of “{_short(self.sections[-1].heading)}”"
            )
            return True
        return False

    def set_title(self, heading: Heading) -> None:
        self.document_title = heading.text
        title, _, subtitle = heading.text.partition(" | ")
        self.title = title.strip()
        self.report.recognised.append(f"{heading.where}: title “{_short(heading.text)}”")
        if subtitle.strip():
            self.subtitle = subtitle.strip()
            self.report.guessed.append(
                f"{heading.where}: the title's part after “ | ” made the subtitle "
                f"“{_short(self.subtitle)}”"
            )

    def new_faq(self, question: str, where: str) -> None:
        self.faqs.append({"question": _plain(question), "answer": [], "where": where})

    def paragraph(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        if self.mode == "faqs":
            if _QUESTION.match(text):
                self.new_faq(_QUESTION.sub("", text), paragraph.where)
            elif self.faqs:
                self.faqs[-1]["answer"].append(_ANSWER.sub("", text))
            else:
                self.place_nowhere(paragraph, "text under the FAQ heading before any question")
        elif self.mode == "takeaways":
            self.takeaways.append(text)
        elif self.mode == "bottom-line":
            self.bottom_line.append(text)
        elif self.mode == "section":
            self.add_block({"paragraph": text})
        elif self.summary is None and self.title is not None:
            self.summary = text
            self.report.guessed.append(
                f"{paragraph.where}: the text between the title and the first heading made "
                "the summary"
            )
        else:
            self.place_nowhere(paragraph, "text before the first heading")

    def items(self, items: Items) -> None:
        if self.mode == "section":
            self.add_block({"numbered" if items.ordered else "list": list(items.items)})
        elif self.mode == "takeaways":
            self.takeaways += items.items
        elif self.mode == "bottom-line":
            self.bottom_line += items.items
            self.report.guessed.append(f"{items.where}: a list in the bottom line made paragraphs")
        elif self.mode == "faqs" and self.faqs:
            self.faqs[-1]["answer"] += items.items
            self.report.guessed.append(f"{items.where}: a list in an answer made paragraphs")
        else:
            self.place_nowhere(items, "a list before the first heading")

    def grid(self, grid: Grid) -> None:
        caption = grid.caption or (self.caption.text if self.caption else None)
        header, *rows = grid.rows
        if not rows or self.mode != "section":
            self.place_nowhere(grid, "a table outside the sections")
            return
        if self.caption and not grid.caption:
            self.report.guessed.append(
                f"{self.caption.where}: “{_short(self.caption.text)}”, the heading right above "
                "a table, made its caption"
            )
        self.caption = None
        if caption is None:
            caption = NO_CAPTION
            self.to_check.append(f"give the table at {grid.where} a caption")
        table: dict[str, Any] = {
            "caption": caption,
            "header": list(header),
            "rows": [list(row) for row in rows],
        }
        if not grid.split:  # a whole row is no row's name
            table["row_headers"] = False
        self.add_block({"table": table})
        if grid.split:
            self.report.recognised.append(
                f"{grid.where}: table of {counted(len(header), 'column')} and "
                f"{counted(len(rows), 'row')}, the first "
                "row its header"
            )
        else:
            note = (
                f"the table “{_short(caption)}” at {grid.where}: its columns are separated by "
                "single spaces, which cannot be told from the spaces between words, so each "
                f"of its {len(grid.rows)} lines is kept whole in one column: split them into cells"
            )
            self.to_check.append(note)
            self.report.marked.append(note)

    def add_block(self, block: dict[str, Any]) -> None:
        if self.caption is not None:  # a heading above a table that turned out not to be one
            self.sections[-1].subsections.append(_Part(self.caption.text, where=self.caption.where))
            self.caption = None
        target = self.sections[-1].target() if self.sections else None
        if target is None:
            self.unplaced.append(block)
            return
        target.blocks.append(block)

    def place_nowhere(self, element: Element, why: str) -> None:
        if isinstance(element, Items):
            block: dict[str, Any] = {"numbered" if element.ordered else "list": list(element.items)}
        elif isinstance(element, Grid):
            block = {"list": [" ".join(row) for row in element.rows]}
        else:
            block = {"paragraph": element.text}
        self.unplaced.append(block)
        text = element.text if isinstance(element, Paragraph) else "…"
        self.report.unplaced.append(f"{element.where}: {why}: “{_short(_plain(text))}”")

    # -- the result --------------------------------------------------------------------------

    def shaped(self) -> Shaped:
        sections = []
        for part in self.sections:
            kept = [s for s in part.subsections if s.blocks]
            for empty in (s for s in part.subsections if not s.blocks):
                self.unplaced.append({"paragraph": escaped(empty.heading)})
                self.report.unplaced.append(f"{empty.where}: heading with nothing under it")
            part.subsections = kept
            if part.blocks or part.subsections:
                sections.append(part.data())
            else:
                self.unplaced.append({"paragraph": escaped(part.heading)})
                self.report.unplaced.append(f"{part.where}: heading with nothing under it")
        faqs = []
        for faq in self.faqs:
            where = faq.pop("where")
            if faq["answer"]:
                faqs.append(faq)
            else:
                self.unplaced.append({"paragraph": escaped(faq["question"])})
                self.report.unplaced.append(f"{where}: a question with no answer")
        if self.unplaced:
            sections.append({"heading": UNPLACED_HEADING, "blocks": self.unplaced})
            self.to_check.append(
                f"move or delete what is under “{UNPLACED_HEADING}”, then delete that section"
            )
        subsections = sum(len(part.subsections) for part in self.sections)
        self.report.recognised.append(
            f"{counted(len(self.sections), 'section')}, {counted(subsections, 'subsection')}, "
            f"{counted(len(faqs), 'FAQ')}, {counted(len(self.takeaways), 'key takeaway')}, "
            f"{counted(len(self.bottom_line), 'bottom-line paragraph')}"
        )
        return Shaped(
            title=self.title or "",
            document_title=self.document_title,
            subtitle=self.subtitle,
            summary=self.summary,
            key_takeaways=self.takeaways,
            sections=sections,
            faqs=faqs,
            bottom_line=self.bottom_line,
            to_check=self.to_check,
        )


def shape(document: Document, report: Report) -> Shaped:
    """The leaflet's parts from a read document; ``report`` records what was done."""
    report.recognised += document.recognised
    report.guessed += document.guessed
    report.unplaced += document.unplaced
    return _Builder(document, report).run()
