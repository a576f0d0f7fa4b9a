"""Brands per market: ``medicine.brands`` per country, the project's ``[market] country`` and
``leaflet build --country``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.config import load_config
from leafletgen.content.facts import compare, facts
from leafletgen.content.loader import load_leaflet
from leafletgen.errors import SourceError
from leafletgen.i18n.factlock import _names
from leafletgen.publish.manifest import Manifest
from tests.conftest import minimal_leaflet, write_leaflet
from tests.pdfutil import body_text

BRANDS = {"US": ["Klonopin"], "ES": ["Rivotril"], "AR": ["Rivotril"]}


def _project(tmp_path: Path, toml: str = "") -> Path:
    (tmp_path / "leaflets").mkdir()
    (tmp_path / "leaflet.toml").write_text(toml, encoding="utf-8")
    write_leaflet(
        tmp_path / "leaflets",
        minimal_leaflet(medicine={"generic": "clonazepam", "brands_by_country": BRANDS}),
    )
    return tmp_path


def test_a_source_lists_brands_per_country(tmp_path: Path) -> None:
    medicine = load_leaflet(_project(tmp_path) / "leaflets" / "sample.yaml").medicine
    assert medicine.brands_in("US") == ["Klonopin"]
    assert medicine.brands_in("ES") == ["Rivotril"]
    assert medicine.brands_in(None) == ["Klonopin", "Rivotril"]  # no market: every brand once
    assert medicine.brands_in("FR") == []  # never another market's brand
    both = {
        "generic": "clonazepam",
        "brands": ["Klonopin"],
        "brands_by_country": {"ES": ["Rivotril"]},
    }
    medicine = load_leaflet(write_leaflet(tmp_path, minimal_leaflet(medicine=both))).medicine
    assert medicine.brands_in("ES") == ["Rivotril"] and medicine.brands_in("FR") == ["Klonopin"]
    assert medicine.brands_in(None) == ["Klonopin", "Rivotril"]


def test_a_country_code_is_checked_where_it_is_written(tmp_path: Path) -> None:
    source = write_leaflet(
        tmp_path, minimal_leaflet(medicine={"generic": "x", "brands_by_country": {"Spain": ["Y"]}})
    )
    with pytest.raises(
        SourceError,
        match=r"sample.yaml:\d+: medicine.brands_by_country.*'Spain' is not a country code",
    ):
        load_leaflet(source)
    (tmp_path / "leaflet.toml").write_text('[market]\ncountry = "es"\n', encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"leaflet.toml: market.country: .*'es' is not a country code"
    ):
        load_config(tmp_path)
    (tmp_path / "leaflet.toml").write_text('[market]\ncountry = "ES"\n', encoding="utf-8")
    assert load_config(tmp_path).market.country == "ES"


def _kicker(root: Path, *options: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(root), "build", "sample", *options])
    assert result.exit_code == 0, result.output
    pdf = root / "output" / "sample" / "sample.en.standard.a4.pdf"
    return re.search(r"Patient information · (.*?) Sample leaflet", body_text(pdf))[1]


def test_the_market_picks_the_brands_that_print(tmp_path: Path) -> None:
    root = _project(tmp_path, '[market]\ncountry = "US"\n')
    assert _kicker(root) == "clonazepam (Klonopin)"
    # --country overrides the project's market, and the manifest rebuilds for it
    assert _kicker(root, "--country", "ES") == "clonazepam (Rivotril)"
    (entry,) = Manifest(root / "output").entries.values()
    assert entry["inputs"]["country"] == "ES"
    assert _kicker(root, "--country", "FR") == "clonazepam"
    result = CliRunner().invoke(
        main, ["--project", str(root), "build", "sample", "--country", "XX"]
    )
    assert result.exit_code == 2 and "--country: 'XX' is not a country code" in result.output


def test_a_translation_may_name_another_market_s_brand_of_the_same_medicine() -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="es")
    catalog.add("clonazepam", "clonazepam", context="x|medicine.generic")
    catalog.add("Klonopin", "Klonopin", context="x|medicine.brands_by_country.US")
    catalog.add("Rivotril", "Rivotril", context="x|medicine.brands_by_country.ES")
    names = _names(catalog)
    source = facts("Klonopin (clonazepam) can make you cry.", "en", names)
    assert compare(source, facts("Rivotril (clonazepam) puede hacerle llorar.", "es", names)) == []
    (finding,) = compare(source, facts("Valium (clonazepam) puede hacerle llorar.", "es", names))
    assert finding.rule == "medicine" and finding.message == "Klonopin is not named"
