"""Reading grade of the standard and plain-language text, part by part, with textstat."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from leafletgen.content.markup import to_text
from leafletgen.content.model import (
    Block,
    BulletList,
    Callout,
    FaqText,
    Leaflet,
    Omitted,
    Paragraph,
    SectionText,
    Table,
    Takeaway,
    takeaway_text,
)


@dataclass(frozen=True)
class PartGrade:
    """One part of a leaflet (takeaways, a section, an FAQ, the bottom line) and its grades."""

    part: str
    standard: float
    plain: float | None  # None: no plain counterpart (see omitted)
    omitted: str | None = None  # the author's reason for leaving the part out of the plain text


def _sentences(texts: Iterable[str]) -> str:
    # List items, cells and captions are read as sentences of their own: without a full stop
    # they would be counted as one endless sentence.
    out = []
    for text in texts:
        plain = to_text(text).strip()
        out.append(plain if re.search(r"[.!?:;]$", plain) else f"{plain}.")
    return " ".join(out)


def _block_texts(blocks: Iterable[Block]) -> Iterable[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, BulletList):
            yield from block.items
        elif isinstance(block, Table):
            yield block.table.caption
            for row in block.table.rows:
                yield from row
        elif isinstance(block, Callout):
            yield block.callout.text


def section_text(section: SectionText) -> str:
    texts = list(_block_texts(section.blocks))
    for sub in section.subsections:
        texts += [sub.heading, *_block_texts(sub.blocks)]
    return _sentences(texts)


def faq_text(faq: FaqText) -> str:
    return _sentences([faq.question, *faq.answer])


def grade(text: str, language: str) -> float:
    """Flesch–Kincaid grade level (English); other languages are measured from issue 5 on."""
    import textstat  # loads a pronouncing dictionary: only when a grade is asked for

    if not language.startswith("en"):
        raise NotImplementedError(f"no reading-grade formula for language '{language}'")
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def _takeaways(takeaways: list[Takeaway]) -> list[str]:
    return [takeaway_text(t) for t in takeaways]


def grades(leaflet: Leaflet) -> list[PartGrade]:
    """Every part's grade, standard beside plain, in reading order."""
    lang = leaflet.language
    plain = leaflet.plain
    rows = [
        PartGrade(
            "Key takeaways",
            grade(_sentences(_takeaways(leaflet.key_takeaways)), lang),
            grade(_sentences(_takeaways(plain.key_takeaways)), lang) if plain else None,
        )
    ]
    if leaflet.get_help:
        help_plain = plain.get_help if plain else None
        rows.append(
            PartGrade(
                "Get help now",
                grade(_sentences(leaflet.get_help), lang),
                grade(_sentences(help_plain), lang) if help_plain else None,
            )
        )
    for section in leaflet.sections:
        rows.append(_row(section.heading, section_text(section), section.plain, section_text, lang))
    for faq in leaflet.faqs:
        rows.append(_row(faq.question, faq_text(faq), faq.plain, faq_text, lang))
    rows.append(
        PartGrade(
            "The bottom line",
            grade(_sentences(leaflet.bottom_line), lang),
            grade(_sentences(plain.bottom_line), lang) if plain else None,
        )
    )
    return rows


def _row(name, standard_text, counterpart, text_of, lang) -> PartGrade:  # type: ignore[no-untyped-def]
    standard = grade(standard_text, lang)
    if isinstance(counterpart, Omitted):
        return PartGrade(name, standard, None, omitted=counterpart.omit)
    plain = grade(text_of(counterpart), lang) if counterpart is not None else None
    return PartGrade(name, standard, plain)


def plain_parts(leaflet: Leaflet) -> Iterable[tuple[str, str]]:
    """(part, text) for every part of the plain-language text, headings included."""
    plain = leaflet.plain
    if plain is None:
        return
    yield "the summary", to_text(plain.summary or "")
    yield "Key takeaways", _sentences(_takeaways(plain.key_takeaways))
    if plain.get_help:
        yield "Get help now", _sentences(plain.get_help)
    for section in leaflet.sections:
        if isinstance(section.plain, SectionText):
            yield (
                f"section {section.plain.heading!r}",
                _sentences([section.plain.heading]) + " " + section_text(section.plain),
            )
    for faq in leaflet.faqs:
        if isinstance(faq.plain, FaqText):
            yield f"FAQ {faq.plain.question!r}", faq_text(faq.plain)
    yield "The bottom line", _sentences(plain.bottom_line)
