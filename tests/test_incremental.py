"""Incremental builds rebuild exactly what changed (issue 21, item 3): one catalog entry →
that leaflet in that language; a stylesheet → the outputs that link it; the package's
version → everything; nothing → nothing, trusting each output's size and time unless
--verify."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchmarks.catalogue import generate
from leafletgen.project import PACKAGE_TEMPLATES, Project
from leafletgen.publish.build import BuildReport, build
from leafletgen.publish.plan import BuildRequest
from leafletgen.variants import VARIANTS

LANGUAGES = ["es", "ar"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two leaflets in en, es and ar, every variant, as HTML (the PDF's inputs are the same
    ones), built once."""
    root = tmp_path_factory.mktemp("catalogue") / "project"
    generate(root, 2, LANGUAGES)
    report = rebuild(root)
    assert not report.failed and len(report.built) == 2 * 3 * len(VARIANTS)
    return root


@pytest.fixture
def project(built_once: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built_once, root, symlinks=True)
    return root


def rebuild(root: Path, **changes: object) -> BuildReport:
    request = BuildRequest(
        leaflets=("all",), variants=("all",), languages=("all",), formats=("html",), **changes
    )
    return build(Project.load(root), request)  # type: ignore[arg-type]


def rebuilt(report: BuildReport) -> list[str]:
    assert not report.failed, report.failed
    return sorted(built.path.name for built in report.built)


def test_nothing_changed_rebuilds_nothing(project: Path) -> None:
    report = rebuild(project)
    assert rebuilt(report) == [] and report.skipped == 2 * 3 * len(VARIANTS)


def test_one_catalog_entry_rebuilds_that_leaflet_in_that_language(project: Path) -> None:
    catalog = project / "locales/es/LC_MESSAGES/medicine-00001.po"
    text = catalog.read_text(encoding="utf-8")
    old = 'msgstr "Feeling dizzy."'
    assert old in text
    catalog.write_text(text.replace(old, 'msgstr "Mareo."'), encoding="utf-8")
    assert rebuilt(rebuild(project)) == sorted(
        f"medicine-00001.es.{variant}.a4.html" for variant in VARIANTS
    )


@pytest.mark.parametrize(
    ("stylesheet", "rebuilds"),
    [
        (
            "large-print.css",
            lambda lang, variant: "css/large-print.css" in VARIANTS[variant].layers,
        ),
        ("script-arabic.css", lambda lang, variant: lang == "ar"),
        ("base.css", lambda lang, variant: True),
    ],
    ids=["variant-layer", "script-layer", "base"],
)
def test_a_stylesheet_rebuilds_what_links_it(project: Path, stylesheet: str, rebuilds) -> None:
    # The project's own copy of the package's stylesheet, with one more rule.
    css = project / "templates" / "css" / stylesheet
    css.parent.mkdir(parents=True)
    css.write_text((PACKAGE_TEMPLATES / "css" / stylesheet).read_text() + "\n/* changed */\n")
    expected = sorted(
        f"medicine-0000{n}.{lang}.{variant}.a4.html"
        for n in (1, 2)
        for lang in ("ar", "en", "es")
        for variant in VARIANTS
        if rebuilds(lang, variant)
    )
    assert rebuilt(rebuild(project)) == expected


def test_a_new_package_version_rebuilds_everything(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("leafletgen.publish.inputs.__version__", "99.0")
    monkeypatch.setattr("leafletgen.publish.cache.__version__", "99.0")
    assert len(rebuilt(rebuild(project))) == 2 * 3 * len(VARIANTS)


def test_an_output_changed_behind_the_builds_back_is_seen_by_size_or_verify(
    project: Path,
) -> None:
    out = project / "output" / "medicine-00001"
    grown, same_size = (
        out / "medicine-00001.en.standard.a4.html",
        out / "medicine-00001.en.plain.a4.html",
    )
    grown.write_bytes(grown.read_bytes() + b"<!-- edited -->")
    stat = same_size.stat()
    data = bytearray(same_size.read_bytes())
    data[-2:] = b"X\n"  # same size; the time put back as make and rsync would not notice
    same_size.write_bytes(bytes(data))
    os.utime(same_size, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rebuilt(rebuild(project)) == [grown.name]
    assert rebuilt(rebuild(project, verify=True)) == [same_size.name]
    assert rebuilt(rebuild(project, verify=True)) == []


def test_a_fresh_folder_without_the_cache_hashes_and_trusts_nothing_else(project: Path) -> None:
    (project / "output" / ".leafletgen-cache.json").unlink()
    report = rebuild(project)
    assert rebuilt(report) == [] and report.skipped == 2 * 3 * len(VARIANTS)
    assert (project / "output" / ".leafletgen-cache.json").is_file()


def test_the_plan_does_not_read_an_unchanged_source_twice(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leafletgen.publish.cache as cache

    loaded: list[Path] = []
    real = cache.load_leaflet
    monkeypatch.setattr(cache, "load_leaflet", lambda path: loaded.append(path) or real(path))
    rebuild(project)
    assert loaded == []
    source = project / "leaflets" / "medicine-00002.yaml"
    source.write_text(source.read_text().replace('version: "1.2"', 'version: "1.3"'))
    report = rebuild(project)
    assert [path.name for path in loaded] == ["medicine-00002.yaml"]
    assert {built.path.parent.name for built in report.built} == {"medicine-00002"}
