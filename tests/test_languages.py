"""The shipped translations: complete, in the right script and direction, and marked as drafts."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.localization import localize
from leafletgen.i18n.store import CHROME, PACKAGE_LOCALES, catalog_path
from leafletgen.project import PACKAGE_TEMPLATES as TEMPLATES_DIR
from leafletgen.render.pdf.validate import check_pdfua
from leafletgen.variants import VARIANTS
from tests.conftest import ROOT, SEED
from tests.pdfutil import body_text, margin_text, page_text

LOCALES_DIR = ROOT / "locales"

LANGUAGES = ["es", "ar", "ru"]


@pytest.fixture(scope="module")
def translated(shipped: Path) -> dict[tuple[str, str, str], Path]:
    """The seed in every shipped language and variant: {(language, variant, format): path}."""
    return {
        (*p.name.split(".")[1:3], p.suffix[1:]): p  # type: ignore[misc]
        for p in shipped.glob(f"{SEED.stem}/*")
        if p.name.split(".")[1] in LANGUAGES
    }


def _catalog(language: str, domain: str) -> Path:
    """The sample leaflet's catalog, or the shipped chrome's."""
    return catalog_path(PACKAGE_LOCALES if domain == CHROME else LOCALES_DIR, language, domain)


@pytest.mark.parametrize("domain", [SEED.stem, CHROME])
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_stale(language: str, domain: str) -> None:
    catalog = read_catalog(_catalog(language, domain), language)
    entries = [m for m in catalog if m.id]
    assert entries and not [m.id for m in entries if m.fuzzy]
    assert not [
        m.id for m in entries if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_language_and_variant_passes_pdf_ua_1_in_its_language(
    translated, language, variant
) -> None:
    path = translated[(language, variant, "pdf")]
    assert check_pdfua(path.read_bytes()).ok
    pdf = pikepdf.open(path)
    assert str(pdf.Root.Lang) == language
    # Unreviewed drafts say so on every page: in full on page 1, by a short mark on the others.
    chrome = localize(language, LOCALES_DIR).translations
    notice = chrome.gettext("Draft translation — not yet checked by a qualified translator")
    mark = chrome.gettext("Draft translation")
    assert "".join(notice.split()) in "".join(page_text(path)[1].split())
    margins = margin_text(path, rtl=language == "ar")
    assert all(mark in text for number, text in margins.items() if number > 1)


def test_arabic_is_right_to_left_with_latin_names_in_logical_order(translated) -> None:
    html = translated[("ar", "standard", "html")].read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    text = body_text(translated[("ar", "standard", "pdf")])
    # A Latin word inside Arabic text keeps its own left-to-right order, and so do numbers.
    assert "Klonopin" in text and "niponolK" not in text
    assert re.search("[\u0600-\u06ff]", text)
    assert "2026" in text and "6202" not in text


def test_only_the_citation_and_review_record_stay_in_english(translated) -> None:
    for language in LANGUAGES:
        html = translated[(language, "standard", "html")].read_text(encoding="utf-8")
        english = [
            e.strip("\u2066\u2068\u2069") for e in re.findall(r'lang="en"[^>]*>([^<]*)<', html)
        ]
        assert [e[:20] for e in english] == ["leafletgen editors (", "Can Klonopin Make Yo"]
        text = body_text(translated[(language, "standard", "pdf")])
        for chrome in (
            "Key takeaways",
            "Frequently asked questions",
            "The bottom line",
            "Page 1 of",
        ):
            assert chrome not in text


def _covered(font_files: list[str]) -> set[int]:
    covered: set[int] = set()
    for name in font_files:
        covered |= set(TTFont(TEMPLATES_DIR / "fonts" / name).getBestCmap())
    return covered


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_bundled_fonts_have_every_glyph_the_text_needs(language: str) -> None:
    l10n = localize(language, LOCALES_DIR)
    css = "".join((TEMPLATES_DIR / s).read_text() for s in ("css/base.css", *l10n.stylesheets))
    fonts = re.findall(r'url\("\.\./fonts/([^"]+\.ttf)"\)', css)
    covered = _covered(fonts)
    if language == "en":
        texts = [SEED.read_text(encoding="utf-8")]
    else:
        texts = [
            s
            for domain in (SEED.stem, CHROME)
            for m in read_catalog(_catalog(language, domain), language)
            for s in (m.string if isinstance(m.string, tuple) else (m.string,))
        ]
    missing = {
        char for text in texts for char in text if ord(char) not in covered and not char.isspace()
    }
    assert not missing, sorted(missing)


def test_words_to_know_follow_each_language_s_alphabet() -> None:
    from leafletgen.content.loader import load_leaflet
    from leafletgen.i18n.collation import collated
    from leafletgen.i18n.localization import localize, translate_leaflet
    from tests.conftest import ROOT, SEED

    # Spanish sorts ñ as a letter of its own after n, accents as their letters; Russian ё
    # with е (CLDR).
    assert collated(["oso", "ñandú", "nube", "Ánimo", "ansiedad"], "es", str) == [
        "Ánimo", "ansiedad", "nube", "ñandú", "oso",
    ]  # fmt: skip
    assert collated(["жук", "елка", "ёж"], "ru", str) == ["ёж", "елка", "жук"]
    source = load_leaflet(SEED)
    assert [e.term for e in source.plain.glossary][:3] == ["Antidepressant", "Anxiety",
                                                           "Benzodiazepine"]  # fmt: skip
    spanish = translate_leaflet(source, localize("es", ROOT / "locales", leaflet_id=SEED.stem))
    terms = [entry.term for entry in spanish.plain.glossary]
    assert terms[:4] == ["Ansiedad", "Antidepresivo", "Benzodiacepina", "Convulsión"]
    assert terms[-2:] == ["Trastorno bipolar", "Trastorno de pánico"]
    # each term keeps its own definition
    entry = next(e for e in spanish.plain.glossary if e.term == "Ansiedad")
    assert "Preocupación" in entry.definition or "miedo" in entry.definition
