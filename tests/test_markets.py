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
from tests.pdfutil import body_text, page_text

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
    assert medicine.brands_in(None) == ["Klonopin"]  # no market: one the source does not list


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


# --- a translated title leads with the generic and the market's brands ------------------------


def _catalog(title: str, paragraph: str = "Rivotril (clonazepam) puede hacerle llorar.") -> object:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="es")
    catalog.add("clonazepam", "clonazepam", context="x|medicine.generic")
    catalog.add("Klonopin", "Klonopin", context="x|medicine.brands")
    catalog.add("Rivotril", "Rivotril", context="x|medicine.brands_by_country.ES")
    catalog.add("Can Klonopin Make You Cry?", title, context="x|title")
    catalog.add("Klonopin can make you cry.", paragraph, context="x|sections.blocks.paragraph")
    return catalog


def _findings(catalog: object) -> dict[str, list[str]]:
    from leafletgen.i18n.factlock import lock

    found = lock(catalog, Path("x.po"), "es")  # type: ignore[arg-type]
    return {context.split("|")[1]: [str(f) for f in entry.errors] for (context, _), entry in
            found.items() if entry.errors}  # fmt: skip


def test_a_translated_title_names_the_medicine_as_the_market_s() -> None:
    # {medicine}: the generic, then the brands of the market the leaflet is printed for
    assert _findings(_catalog("¿Puede el {medicine} hacerle llorar?")) == {}
    # a brand written out (the source's, or another market's) would print in every market
    for title in ("¿Puede Klonopin hacerle llorar?", "¿Puede el clonazepam (Rivotril) hacerle "
                  "llorar?", "¿Puede el {medicine} (Klonopin) hacerle llorar?"):  # fmt: skip
        (finding,) = _findings(_catalog(title))["title"]
        assert finding.startswith("medicine: a title names the medicine as {medicine}, never by")
    # the generic alone drops the brand the source names
    findings = _findings(_catalog("¿Puede el clonazepam hacerle llorar?"))["title"]
    assert "medicine: Klonopin is not named" in findings
    # in the body, the brand is the source's wording (another brand of the same medicine is
    # accepted, a wrong one is not), and {medicine} is no placeholder of the source
    assert (
        _findings(_catalog("¿Puede el {medicine} hacerle llorar?", "Klonopin hace llorar.")) == {}
    )
    wrong = _findings(_catalog("¿Puede el {medicine} hacerle llorar?", "Valium hace llorar."))
    assert wrong == {"sections.blocks.paragraph": ["medicine: Klonopin is not named"]}
    added = _findings(_catalog("¿Puede el {medicine} hacerle llorar?", "{medicine} hace llorar."))
    assert "placeholder {medicine}: not in the source" in str(added["sections.blocks.paragraph"])


def test_a_source_title_may_name_the_medicine_as_the_market_s(tmp_path: Path) -> None:
    root = tmp_path
    (root / "leaflets").mkdir()
    medicine = {"generic": "clonazepam", "brands": ["Klonopin"],
                "brands_by_country": {"ES": ["Rivotril"], "FR": []}}  # fmt: skip
    write_leaflet(root / "leaflets", minimal_leaflet(title="{medicine} and you", medicine=medicine))
    result = CliRunner().invoke(main, ["--project", str(root), "build", "sample", "--format",
                                       "html", "--country", "ES"])  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (root / "output" / "sample" / "sample.en.standard.a4.html").read_text("utf-8")
    assert "<h1>clonazepam (Rivotril) and you</h1>" in html
    assert "<title>clonazepam (Rivotril) and you</title>" in html
    result = CliRunner().invoke(main, ["--project", str(root), "build", "sample", "--format",
                                       "html", "--country", "FR"])  # fmt: skip
    html = (root / "output" / "sample" / "sample.en.standard.a4.html").read_text("utf-8")
    assert "<h1>clonazepam and you</h1>" in html  # no brand in that market: the generic alone
    # anywhere else it would print as typed: refused where it is written
    source = write_leaflet(root / "leaflets", minimal_leaflet(summary="About {medicine}."))
    with pytest.raises(
        SourceError, match=r"sample.yaml:\d+: summary: \{medicine\} is for the title"
    ):
        load_leaflet(source)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["es", "ar", "ru"])
def test_the_seed_for_spain_leads_with_the_generic_and_prints_rivotril(
    tmp_path: Path, language: str
) -> None:
    import shutil

    from tests.conftest import ROOT, SEED

    (tmp_path / "leaflets").mkdir()
    shutil.copy(SEED, tmp_path / "leaflets")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    (tmp_path / "leaflet.toml").write_text('[market]\ncountry = "ES"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "build", SEED.stem, "--lang",
                                       language, "--format", "pdf,html"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "output" / SEED.stem / f"{SEED.stem}.{language}.standard.a4.pdf"
    generic = {"es": "clonazepam", "ar": "كلونازيبام", "ru": "клоназепам"}[language]
    title = {
        "es": "¿Puede el clonazepam (Rivotril) hacerle llorar?",
        "ar": "هل يمكن أن يجعلك كلونازيبام (Rivotril) تبكي؟",
        "ru": "Может ли клоназепам (Rivotril) вызывать слёзы?",
    }[language]
    html = out.with_suffix(".html").read_text("utf-8")  # .a4.html
    assert f"<h1>{title}</h1>" in html
    kicker = re.search(r'<p class="kicker">(.*?)</p>', html, re.S)[1]
    assert kicker.endswith(f" · {generic} (Rivotril)") and "Klonopin" not in kicker
    text = " ".join(page_text(out).values())  # as a screen reader reads it, in logical order
    masthead = text[: text.index(title.split()[-1]) + len(title.split()[-1])]
    assert "Rivotril" in masthead and "Klonopin" not in masthead
    assert masthead.index(generic) < masthead.index("Rivotril")  # leads with the generic
    # the body keeps the source's own wording, Klonopin (the leaflet's source names only it)
    assert "Klonopin" in text[len(masthead) :]
