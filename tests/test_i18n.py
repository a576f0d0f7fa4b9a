from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leafletgen.errors import LeafletError
from leafletgen.i18n.localization import localize
from leafletgen.render.templates import css_string, page_counter_css
from tests.conftest import ROOT

LOCALES_DIR = ROOT / "locales"


def test_source_language_needs_no_catalog() -> None:
    l10n = localize("en", LOCALES_DIR)
    assert l10n.direction == "ltr"
    assert l10n.date(date(2026, 11, 25)) == "November 25, 2026"
    assert localize("en-GB", LOCALES_DIR).date(date(2026, 11, 25)) == "25 November 2026"


def test_a_language_without_catalog_is_refused_not_mixed(tmp_path: Path) -> None:
    with pytest.raises(LeafletError, match="No catalog for language 'es'"):
        localize("es", tmp_path, leaflet_id="sample")


def test_css_strings_cannot_break_out() -> None:
    assert css_string('a"} body{x') == '"a\\000022 } body{x"'
    assert css_string("·\n") == '"\\0000b7 \\00000a "'


def test_page_counter_follows_the_translators_order() -> None:
    assert (
        page_counter_css("Page %(page)s of %(pages)s")
        == '"Page " counter(page) " of " counter(pages)'
    )
    assert (
        page_counter_css("%(pages)s中第%(page)s页")
        == 'counter(pages) "\\004e2d \\007b2c " counter(page) "\\009875 "'
    )
