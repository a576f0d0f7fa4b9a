"""The fact lock inside the source language: each part's plain-language text keeps the facts
of its standard text (USP <1265>: a plainer text never drops a fact).

A number, range, dose, time span, phone number or URL of the standard text that the plain
text lacks is an error of `leaflet check`; a negation on one side only is a warning (plain
language rewords "isn't universal" as "Not everyone gets this", and a person should look).
What the plain text adds ("5 to 10 out of every 100 people") is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leafletgen.checks.readability import faq_text, section_text, sentences, takeaway_texts
from leafletgen.content.facts import Finding, Severity, facts, missing_facts
from leafletgen.content.model import FaqText, Leaflet, SectionText


@dataclass(frozen=True)
class PartFinding:
    part: str
    finding: Finding

    @property
    def is_error(self) -> bool:
        return self.finding.severity is Severity.ERROR

    def __str__(self) -> str:
        message = self.finding.message.replace("the translation", "the plain text")
        message = message.replace("the source", "the standard text")
        return f"{self.part}: {self.finding.rule}: {message}"


def counterparts(leaflet: Leaflet) -> Iterable[tuple[str, str, str]]:
    """(part, standard text, plain text) of every part that has both."""
    plain = leaflet.plain
    if plain is not None:
        yield "the summary", leaflet.summary or "", plain.summary or ""
        yield (
            "Key takeaways",
            sentences(takeaway_texts(leaflet.key_takeaways)),
            sentences(takeaway_texts(plain.key_takeaways)),
        )
        if leaflet.get_help and plain.get_help:
            yield "Get help now", sentences(leaflet.get_help), sentences(plain.get_help)
    for section in leaflet.sections:
        if isinstance(section.plain, SectionText):
            yield (
                f"section {section.heading!r}",
                sentences([section.heading]) + " " + section_text(section),
                sentences([section.plain.heading]) + " " + section_text(section.plain),
            )
    for faq in leaflet.faqs:
        if isinstance(faq.plain, FaqText):
            yield f"FAQ {faq.question!r}", faq_text(faq), faq_text(faq.plain)
    if plain is not None:
        yield "The bottom line", sentences(leaflet.bottom_line), sentences(plain.bottom_line)


def plain_facts(leaflet: Leaflet) -> list[PartFinding]:
    """What each part's plain text leaves out of its standard text's facts."""
    found = []
    for part, standard, plain in counterparts(leaflet):
        if not standard:
            continue
        lost = missing_facts(facts(standard, leaflet.language), facts(plain, leaflet.language))
        found += [PartFinding(part, finding) for finding in lost]
    return found
