"""Editions: what one variant of a leaflet prints.

``edition(leaflet, variant)`` picks the text a variant prints; the renderer never has to ask
whether it is plain or full. Plain text that is missing is an error, never a silent fallback
to the full text.
"""

from __future__ import annotations

from dataclasses import dataclass

from leafletgen.content.model import FaqText, GlossaryEntry, Leaflet, Omitted, SectionText
from leafletgen.errors import LeafletError
from leafletgen.variants import Variant


@dataclass(frozen=True)
class Edition:
    """What one variant of a leaflet prints: its metadata and the chosen text."""

    leaflet: Leaflet
    variant: Variant
    title: str
    subtitle: str | None
    summary: str | None
    key_takeaways: list[str]
    sections: list[SectionText]
    faqs: list[FaqText]
    bottom_line: list[str]
    glossary: list[GlossaryEntry]
    brands: list[str]  # the medicine's brands in the market it is printed for

    @property
    def document_title(self) -> str:
        """The title of the HTML page and of the PDF."""
        return f"{self.title} – {self.subtitle}" if self.subtitle else self.title


def coverage_gaps(leaflet: Leaflet) -> list[str]:
    """Parts of the leaflet with no plain-language counterpart (and no `omit` reason)."""
    gaps = [] if leaflet.plain else ["the top-level 'plain:' part (key takeaways, bottom line)"]
    gaps += [f"section '{s.heading}'" for s in leaflet.sections if s.plain is None]
    gaps += [f"FAQ '{f.question}'" for f in leaflet.faqs if f.plain is None]
    return gaps


def omissions(leaflet: Leaflet) -> list[tuple[str, str]]:
    """(part, reason) for every part the author chose to leave out of the plain text."""
    parts = [(f"section '{s.heading}'", s.plain) for s in leaflet.sections]
    parts += [(f"FAQ '{f.question}'", f.plain) for f in leaflet.faqs]
    return [(name, plain.omit) for name, plain in parts if isinstance(plain, Omitted)]


def edition(leaflet: Leaflet, variant: Variant, country: str | None = None) -> Edition:
    """What ``variant`` prints of ``leaflet``, with the brands of ``country``'s market."""
    brands = leaflet.medicine.brands_in(country) if leaflet.medicine else []
    if variant.text == "full":
        return Edition(
            leaflet=leaflet,
            variant=variant,
            title=leaflet.title,
            subtitle=leaflet.subtitle,
            summary=leaflet.summary,
            key_takeaways=leaflet.key_takeaways,
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
        key_takeaways=plain.key_takeaways,
        sections=[s.plain for s in leaflet.sections if isinstance(s.plain, SectionText)],
        faqs=[f.plain for f in leaflet.faqs if isinstance(f.plain, FaqText)],
        bottom_line=plain.bottom_line,
        glossary=plain.glossary,
        brands=brands,
    )
