"""Editions: what one variant of a leaflet prints.

``edition(leaflet, variant)`` picks the text a variant prints; the renderer never has to ask
whether it is plain or full. Plain text that is missing is an error, never a silent fallback
to the full text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from leafletgen.content.model import (
    MEDICINE,
    FaqText,
    GlossaryEntry,
    Leaflet,
    Omitted,
    SafetyTakeaway,
    SectionText,
    Takeaway,
)
from leafletgen.errors import LeafletError
from leafletgen.variants import Variant


@dataclass(frozen=True)
class KeyMessage:
    """One key takeaway; ``safety`` ones are printed apart from the others."""

    text: str
    safety: bool = False


def key_messages(takeaways: list[Takeaway]) -> list[KeyMessage]:
    return [
        KeyMessage(t.safety, True) if isinstance(t, SafetyTakeaway) else KeyMessage(t)
        for t in takeaways
    ]


@dataclass(frozen=True)
class Edition:
    """What one variant of a leaflet prints: its metadata and the chosen text."""

    leaflet: Leaflet
    variant: Variant
    title: str
    subtitle: str | None
    summary: str | None
    get_help: list[str]  # situations; the numbers to call come from the project, not the text
    key_messages: list[KeyMessage]
    sections: list[SectionText]
    faqs: list[FaqText]
    bottom_line: list[str]
    glossary: list[GlossaryEntry]
    brands: list[str]  # the medicine's brands in the market it is printed for

    @property
    def key_takeaways(self) -> list[str]:
        return [message.text for message in self.key_messages]

    @property
    def document_title(self) -> str:
        """The title of the HTML page and of the PDF."""
        return f"{self.title} – {self.subtitle}" if self.subtitle else self.title


def coverage_gaps(leaflet: Leaflet) -> list[str]:
    """Parts of the leaflet with no plain-language counterpart (and no `omit` reason)."""
    gaps = [] if leaflet.plain else ["the top-level 'plain:' part (key takeaways, bottom line)"]
    if leaflet.plain and leaflet.get_help and not leaflet.plain.get_help:
        gaps.append("'get_help' (write 'plain: get_help:')")
    gaps += [f"section '{s.heading}'" for s in leaflet.sections if s.plain is None]
    gaps += [f"FAQ '{f.question}'" for f in leaflet.faqs if f.plain is None]
    return gaps


def omissions(leaflet: Leaflet) -> list[tuple[str, str]]:
    """(part, reason) for every part the author chose to leave out of the plain text."""
    parts = [(f"section '{s.heading}'", s.plain) for s in leaflet.sections]
    parts += [(f"FAQ '{f.question}'", f.plain) for f in leaflet.faqs]
    return [(name, plain.omit) for name, plain in parts if isinstance(plain, Omitted)]


def edition(
    leaflet: Leaflet, variant: Variant, country: str | None = None, language: str | None = None
) -> Edition:
    """The text ``variant`` prints: its level (full or plain), only the parts it prints, and
    the brands of ``country``'s market, also where a title names the medicine as ``MEDICINE``
    (listed as ``language``, the leaflet's by default, lists them)."""
    chosen = _text(leaflet, variant, country)
    parts = variant.parts
    short = variant.summary and variant.text == "full"
    return replace(
        chosen,
        title=named(chosen.title, leaflet, country, language),
        subtitle=named(chosen.subtitle, leaflet, country, language) if chosen.subtitle else None,
        bottom_line=(leaflet.summary_bottom_line or chosen.bottom_line)
        if short
        else chosen.bottom_line,
        sections=chosen.sections if "sections" in parts else [],
        faqs=chosen.faqs if "faqs" in parts else [],
        glossary=chosen.glossary if "glossary" in parts else [],
    )


def named(text: str, leaflet: Leaflet, country: str | None, language: str | None) -> str:
    """``text`` with ``MEDICINE`` as the generic name and the brands of ``country``'s market."""
    if MEDICINE not in text or leaflet.medicine is None:
        return text
    return text.replace(MEDICINE, leaflet.medicine.named(country, language or leaflet.language))


def _text(leaflet: Leaflet, variant: Variant, country: str | None) -> Edition:
    brands = leaflet.medicine.brands_in(country) if leaflet.medicine else []
    if variant.text == "full":
        return Edition(
            leaflet=leaflet,
            variant=variant,
            title=leaflet.title,
            subtitle=leaflet.subtitle,
            summary=leaflet.summary,
            get_help=list(leaflet.get_help or []),
            key_messages=key_messages(leaflet.key_takeaways),
            sections=list(leaflet.sections),
            faqs=list(leaflet.faqs),
            bottom_line=leaflet.bottom_line,
            glossary=[],
            brands=brands,
        )
    if leaflet.plain is None:
        raise LeafletError(f"Leaflet '{leaflet.id}': has no plain-language text (no 'plain:' part)")
    if gaps := coverage_gaps(leaflet):
        raise LeafletError(f"Leaflet '{leaflet.id}': no plain-language text for {'; '.join(gaps)}")
    plain = leaflet.plain
    assert plain is not None  # coverage_gaps says so
    return Edition(
        leaflet=leaflet,
        variant=variant,
        title=plain.title or leaflet.title,
        subtitle=plain.subtitle if plain.title else plain.subtitle or leaflet.subtitle,
        summary=plain.summary,
        get_help=list(plain.get_help or []),
        key_messages=key_messages(plain.key_takeaways),
        sections=[s.plain for s in leaflet.sections if isinstance(s.plain, SectionText)],
        faqs=[f.plain for f in leaflet.faqs if isinstance(f.plain, FaqText)],
        bottom_line=plain.bottom_line,
        glossary=plain.glossary,
        brands=brands,
    )
