"""Large print and plain language, measured in the PDFs the way a reviewer would."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from leafletgen.checks.source import check_leaflet
from leafletgen.config import ReadabilityLimits
from leafletgen.content.loader import load_leaflet
from leafletgen.edition import edition
from leafletgen.render.pdf.validate import check_pdfua
from leafletgen.variants import VARIANTS
from tests.conftest import SEED
from tests.pdfutil import (
    assert_in_order,
    body_text,
    char_sizes,
    last_body_line_sizes,
    margin_text,
    space_stretch,
    struct_types,
)

LARGE = ["large-print", "plain-large-print"]
ALL = list(VARIANTS)
FULL = [name for name, variant in VARIANTS.items() if not variant.summary]  # the whole text


def pdf_of(seed_variants: dict[tuple[str, str], Path], variant: str) -> Path:
    return seed_variants[(variant, "pdf")]


def test_variant_names_and_layers() -> None:
    assert ALL == [
        "standard",
        "large-print",
        "plain",
        "plain-large-print",
        "summary",
        "summary-large-print",
    ]
    assert VARIANTS["plain-large-print"].stylesheets == (
        "css/base.css",
        "css/plain.css",
        "css/large-print.css",
    )


@pytest.mark.parametrize("variant", ALL)
def test_every_variant_passes_pdf_ua_1(seed_variants, variant: str) -> None:
    verdict = check_pdfua(pdf_of(seed_variants, variant).read_bytes())
    assert verdict.ok, verdict.failures


@pytest.mark.parametrize("variant", LARGE)
def test_large_print_has_no_text_under_18_pt(seed_variants, variant: str) -> None:
    sizes = char_sizes(pdf_of(seed_variants, variant))
    assert min(sizes) >= 18, sorted(sizes)[:5]


@pytest.mark.parametrize("variant", LARGE)
def test_large_print_page_furniture_is_18_pt_and_on_every_page(seed_variants, variant: str) -> None:
    margins = margin_text(pdf_of(seed_variants, variant))
    for number, text in margins.items():
        assert f"Page {number} of {len(margins)}" in text
        # No internal id on the patient's page: version and review date only.
        assert "Version 1.0 · Reviewed 11/25/2026" in text
        assert "clonazepam-emotional-effects" not in text


@pytest.mark.parametrize("variant", ALL)
def test_no_italic_font_anywhere(seed_variants, variant: str) -> None:
    pdf = pikepdf.open(pdf_of(seed_variants, variant))
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = (
                font.DescendantFonts[0] if "/DescendantFonts" in font else font
            ).FontDescriptor
            assert "Italic" not in str(font.BaseFont) and "Oblique" not in str(font.BaseFont)
            assert float(descriptor.ItalicAngle) == 0


@pytest.mark.parametrize("variant", ALL)
def test_no_line_is_justified(seed_variants, variant: str) -> None:
    # A justified line stretches its spaces (9 pt and more here); ours keep the font's width.
    assert space_stretch(pdf_of(seed_variants, variant)) < 0.5


@pytest.mark.parametrize("variant", FULL)
def test_no_heading_ends_a_page(seed_variants, variant: str) -> None:
    sizes = last_body_line_sizes(pdf_of(seed_variants, variant))
    body = 18 if "large" in variant else 12.5
    # Headings are at least 14 pt (21 pt in large print); body and captions are smaller.
    assert max(sizes[:-1]) < (21 if "large" in variant else 14), (body, sizes)


def test_large_print_reflows_wide_tables_and_keeps_them_tagged(seed_variants) -> None:
    standard = struct_types(pikepdf.open(pdf_of(seed_variants, "standard")))
    large = struct_types(pikepdf.open(pdf_of(seed_variants, "large-print")))
    assert standard.count("Table") == 2 and large.count("Table") == 0
    # Each reflowed row is a list item: 6 rows more than the standard's lists.
    assert large.count("LI") == standard.count("LI") + 6
    text = body_text(pdf_of(seed_variants, "large-print"))
    assert_in_order(
        text,
        [
            "Typical Withdrawal Symptoms Affecting Emotions",
            "Symptom: Crying spells",
            "Description: Uncontrollable tears linked with heightened anxiety or sadness.",
            "Duration: Days to weeks",
            "Main Features of Paradoxical Reactions on Benzodiazepines",
            "Syndrome Aspect: Crying Spells & Emotional Lability",
            "Treatment Approach: Taper off medication cautiously; psychological support advised.",
        ],
    )


@pytest.mark.parametrize("variant", FULL)
def test_every_section_appears_in_every_variant(seed_variants, variant: str) -> None:
    leaflet = load_leaflet(SEED)
    text = edition(leaflet, VARIANTS[variant])
    headings = [s.heading for s in text.sections] + [f.question for f in text.faqs]
    assert len(text.sections) == len(leaflet.sections) and len(text.faqs) == len(leaflet.faqs)
    assert_in_order(body_text(pdf_of(seed_variants, variant)), headings)


@pytest.mark.parametrize("variant", ["plain", "plain-large-print"])
def test_plain_leaflet_prints_words_to_know(seed_variants, variant: str) -> None:
    leaflet = load_leaflet(SEED)
    assert leaflet.plain and len(leaflet.plain.glossary) >= 5
    text = body_text(pdf_of(seed_variants, variant))
    assert_in_order(text, ["Words to know", *(f"{g.term}:" for g in leaflet.plain.glossary)])
    assert "It has the same facts as the full version." in text


def test_seed_plain_text_meets_the_reading_grade() -> None:
    result = check_leaflet(load_leaflet(SEED), ReadabilityLimits())
    assert result.ok, result.failures
    mean, worst = result.plain_summary or (99, 99)
    assert mean <= 6 and worst <= 8
    standard_mean, _ = result.standard_summary
    assert standard_mean > mean + 4  # the plain text really is easier
