"""Reading grade of the standard and plain-language text, part by part, with textstat."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from leafletgen.content.markup import to_text
from leafletgen.content.model import (
    Block,
    BulletList,
    Callout,
    FaqText,
    Leaflet,
    NumberedList,
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


def sentences(texts: Iterable[str]) -> str:
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
        elif isinstance(block, BulletList | NumberedList):
            yield from block.items
        elif isinstance(block, Table):
            yield block.table.caption
            for row in block.table.rows:
                yield from row
        elif isinstance(block, Callout):
            yield from _block_texts(block.callout.content)


def section_text(section: SectionText) -> str:
    texts = list(_block_texts(section.blocks))
    for sub in section.subsections:
        texts += [sub.heading, *_block_texts(sub.blocks)]
    return sentences(texts)


def faq_text(faq: FaqText) -> str:
    return sentences([faq.question, *faq.answer])


def grade(text: str, language: str) -> float:
    """Flesch–Kincaid grade level (English); other languages are measured from issue 5 on."""
    import textstat  # loads a pronouncing dictionary: only when a grade is asked for

    if not language.startswith("en"):
        raise NotImplementedError(f"no reading-grade formula for language '{language}'")
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def takeaway_texts(takeaways: list[Takeaway]) -> list[str]:
    return [takeaway_text(t) for t in takeaways]


def grades(leaflet: Leaflet) -> list[PartGrade]:
    """Every part's grade, standard beside plain, in reading order."""
    lang = leaflet.language
    plain = leaflet.plain
    rows = [
        PartGrade(
            "Key takeaways",
            grade(sentences(takeaway_texts(leaflet.key_takeaways)), lang),
            grade(sentences(takeaway_texts(plain.key_takeaways)), lang) if plain else None,
        )
    ]
    if leaflet.get_help:
        help_plain = plain.get_help if plain else None
        rows.append(
            PartGrade(
                "Get help now",
                grade(sentences(leaflet.get_help), lang),
                grade(sentences(help_plain), lang) if help_plain else None,
            )
        )
    for section in leaflet.sections:
        rows.append(_row(section.heading, section_text(section), section.plain, section_text, lang))
    for faq in leaflet.faqs:
        rows.append(_row(faq.question, faq_text(faq), faq.plain, faq_text, lang))
    rows.append(
        PartGrade(
            "The bottom line",
            grade(sentences(leaflet.bottom_line), lang),
            grade(sentences(plain.bottom_line), lang) if plain else None,
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
    yield "Key takeaways", sentences(takeaway_texts(plain.key_takeaways))
    if plain.get_help:
        yield "Get help now", sentences(plain.get_help)
    for section in leaflet.sections:
        if isinstance(section.plain, SectionText):
            yield (
                f"section {section.plain.heading!r}",
                sentences([section.plain.heading]) + " " + section_text(section.plain),
            )
    for faq in leaflet.faqs:
        if isinstance(faq.plain, FaqText):
            yield f"FAQ {faq.plain.question!r}", faq_text(faq.plain)
    yield "The bottom line", sentences(plain.bottom_line)


@dataclass(frozen=True)
class EaseFormula:
    """A reading-ease formula made for a language: higher is easier."""

    name: str
    measure: Callable[[str], float]
    band: Callable[[float], str] | None = None  # the formula's own words for a score


@dataclass(frozen=True)
class PartEase:
    part: str
    standard: float
    plain: float


def _inflesz(score: float) -> str:
    # Barrio-Cantalejo et al. (2008), the INFLESZ scale of the Szigriszt-Pazos index
    for limit, words in ((40, "muy difícil"), (55, "algo difícil"), (65, "normal"),
                         (80, "bastante fácil")):  # fmt: skip
        if score < limit:
            return words
    return "muy fácil"


def _textstat(language: str, metric: str) -> Callable[[str], float]:
    def measure(text: str) -> float:
        import sys

        import textstat  # noqa: F401  (its module is shadowed by its default instance)

        # An instance of its own: textstat.set_lang would change the process's language.
        statistics = sys.modules["textstat.textstat"].textstatistics()
        statistics.set_lang(language)
        return round(float(getattr(statistics, metric)(text)), 1)

    return measure


# The formulas of each language; a language absent here has none we trust (see NO_FORMULA).
EASE_FORMULAS: dict[str, tuple[EaseFormula, ...]] = {
    "es": (
        EaseFormula("Szigriszt-Pazos (INFLESZ)", _textstat("es", "szigriszt_pazos"), _inflesz),
        EaseFormula("Fernández-Huerta", _textstat("es", "fernandez_huerta")),
    ),
    "ru": (
        EaseFormula(
            "Flesch reading ease, Oborneva's adaptation", _textstat("ru", "flesch_reading_ease")
        ),
    ),
}
NO_FORMULA = (
    "no validated reading-ease formula for {language}: the plain text's ease is not measured "
    "(a reader of the language must judge it)"
)


def ease_formulas(language: str) -> tuple[EaseFormula, ...]:
    return EASE_FORMULAS.get(language.replace("_", "-").split("-")[0].lower(), ())
