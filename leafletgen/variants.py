"""The registries of variants and paper sizes: data, not code.

A variant is the text of a leaflet (full or plain) set in regular or large print. Adding one
is one entry here and one CSS layer in ``templates/css/``; nothing else lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextLevel = Literal["full", "plain"]
BASE_STYLESHEET = "css/base.css"

# The parts of a leaflet a variant may leave out. Every variant prints the title, medicine
# names, summary, "get help now", key takeaways, bottom line and "About this leaflet".
OPTIONAL_PARTS = ("sections", "faqs", "glossary")


def N_(message: str) -> str:
    """Mark a label for extraction into the catalogs; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Variant:
    name: str  # in output file names and on the command line
    label: str  # for people, in the source language (translatable)
    description: str  # one line: who it is for
    text: TextLevel  # which text it prints
    large_print: bool  # tables reflow to stacked rows, and nothing is italic
    layers: tuple[str, ...]  # CSS layers over base.css, in cascade order (the last wins)
    min_font_pt: float  # the smallest text it may print, running headers and page numbers too
    rules: tuple[str, ...] = ()  # output audit rules beyond those every variant obeys
    parts: tuple[str, ...] = OPTIONAL_PARTS  # of OPTIONAL_PARTS, those it prints
    max_pages: int | None = None  # it must fit: more pages fail the build, naming the part

    @property
    def summary(self) -> bool:
        """A short version: page 1 without the body, its bottom line the short one."""
        return "sections" not in self.parts

    @property
    def stylesheets(self) -> tuple[str, ...]:
        return (BASE_STYLESHEET, *self.layers)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "standard",
            N_("Standard"),
            N_("The full text, in regular print."),
            text="full",
            large_print=False,
            layers=(),
            min_font_pt=12.0,
        ),
        Variant(
            "large-print",
            N_("Large print"),
            N_("The full text, every letter at least 18 points, for low vision."),
            text="full",
            large_print=True,
            layers=("css/large-print.css",),
            min_font_pt=18.0,
            rules=("no-italic",),
        ),
        Variant(
            "plain",
            N_("Plain language"),
            N_("Short sentences and everyday words, in regular print."),
            text="plain",
            large_print=False,
            layers=("css/plain.css",),
            min_font_pt=12.0,
        ),
        Variant(
            "plain-large-print",
            N_("Plain language, large print"),
            N_("Short sentences and everyday words, every letter at least 18 points."),
            text="plain",
            large_print=True,
            # Plain first: large print's sizes win.
            layers=("css/plain.css", "css/large-print.css"),
            min_font_pt=18.0,
            rules=("no-italic",),
        ),
        # The short version: page 1 of the full leaflet on its own, pointing to the rest. It
        # must fit; it never fits by shrinking the type.
        Variant(
            "summary",
            N_("One-page summary"),
            N_("The key messages and when to get help, on one page."),
            text="full",
            large_print=False,
            layers=("css/summary.css",),
            min_font_pt=12.0,
            parts=(),
            max_pages=1,
        ),
        Variant(
            "summary-large-print",
            N_("Summary, large print"),
            N_("The key messages and when to get help, every letter at least 18 points."),
            text="full",
            large_print=True,
            layers=("css/summary.css", "css/large-print.css"),
            min_font_pt=18.0,
            rules=("no-italic",),
            parts=(),
            max_pages=2,
        ),
    )
}


@dataclass(frozen=True)
class Paper:
    name: str  # in output file names and on the command line
    label: str  # for people
    css_size: str  # the CSS @page size


PAPERS: dict[str, Paper] = {
    p.name: p for p in (Paper("a4", "A4", "A4"), Paper("letter", "Letter", "letter"))
}
