"""The stylesheets keep the promises a printed leaflet makes to readers with low vision."""

from __future__ import annotations

import re
from itertools import product

import pytest

from leafletgen.project import PACKAGE_TEMPLATES as TEMPLATES_DIR

CSS_FILES = sorted((TEMPLATES_DIR / "css").glob("*.css"))
ALL_CSS = "\n".join(path.read_text(encoding="utf-8") for path in CSS_FILES)
PALETTE = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", ALL_CSS))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _used(prop: str) -> set[str]:
    return set(re.findall(rf"(?<![-\w]){prop}:\s*var\(--([a-z-]+)\)", ALL_CSS))


def test_contrast_calculation_matches_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_every_text_colour_has_7_to_1_on_every_background() -> None:
    texts, backgrounds = _used("color"), _used("background") | {"paper"}
    assert {"ink", "accent", "warning-ink"} <= texts and {"tint", "warning-tint"} <= backgrounds
    for text, background in product(texts, backgrounds):
        assert contrast(PALETTE[text], PALETTE[background]) >= 7, (text, background)
    assert not re.search(r"(?<![-\w])color:\s*#", ALL_CSS), "colours come from the checked palette"


def test_text_is_left_aligned_never_justified() -> None:
    assert "justify" not in ALL_CSS
    assert re.search(r"html\s*{[^}]*text-align:\s*start", ALL_CSS)


def test_only_bundled_fonts_and_no_italics() -> None:
    declared = set(re.findall(r'@font-face\s*{\s*font-family:\s*"([^"]+)"', ALL_CSS))
    used = {
        name
        for families in re.findall(r"(?<!@font-face {\n  )font-family:\s*([^;]+);", ALL_CSS)
        for name in re.findall(r'"([^"]+)"', families)
    }
    assert declared == {"Leaflet Sans", "Leaflet Sans Arabic", "Leaflet Sans Cyrillic"}
    assert used == declared  # no generic family: nothing may come from the machine
    sources = re.findall(r'src:\s*url\("\.\./fonts/([^"]+)"\)', ALL_CSS)
    assert sources and all((TEMPLATES_DIR / "fonts" / name).is_file() for name in sources)
    assert (TEMPLATES_DIR / "fonts" / "OFL-AtkinsonHyperlegible.txt").is_file()
    assert set(re.findall(r"font-style:\s*([a-z]+)", ALL_CSS)) == {"normal"}
