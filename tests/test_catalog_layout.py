"""One catalog per leaflet and language, and one for the templates' chrome.

The shipped es, ar and ru translations moved from one messages.po per language into
``locales/<lang>/LC_MESSAGES/clonazepam-emotional-effects.po`` (the sample project's) and
``leafletgen/locales/<lang>/LC_MESSAGES/leafletgen.po`` (the chrome's, shipped with the
package): not one translation may have been lost or changed on the way.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.content.model import MEDICINE
from leafletgen.i18n.store import CHROME, PACKAGE_LOCALES, catalog_path
from tests.conftest import FIXTURES, ROOT, SEED, minimal_leaflet, write_leaflet

BEFORE = FIXTURES / "translations-before-split.json"  # every msgstr of the old messages.po
REVIEW_OUT_OF_DATE = "Review out of date: the text changed after the review of %(date)s."
SOURCE_DRAFT = "Draft — not reviewed"  # the source's own draft notice (translated in issue 15)


def _strings(*paths: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    for path in paths:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    string = message.string
                    key = f"{message.context or ''}\x04{msgid}"
                    assert key not in found, key  # in one catalog only
                    found[key] = list(string) if isinstance(string, tuple) else string
    return found


FORMATS_LIST = (
    "This leaflet in other formats",
    "Listen: the leaflet read aloud",
    "Braille file, for an embosser or a braille display",
    "E-book, for a reading app",
    "PDF, for printing",
)


def test_the_split_kept_every_translation() -> None:
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    assert sorted(before) == ["ar", "es", "ru"]
    for language, strings in before.items():
        after = _strings(
            catalog_path(ROOT / "locales", language, SEED.stem),
            catalog_path(PACKAGE_LOCALES, language, CHROME),
        )
        # Every translation kept as it was. Since then issue 17 moved a takeaway into `safety:`
        # (a new context, the same translation) and took "Last reviewed" out of the footer; it,
        # issue 16 and issue 19 (the twin's links to the other formats) added strings, and lost no other one.
        assert len(strings) == 283
        moved = {key for key in strings if key.endswith("\x04Last reviewed %(date)s")}
        for key in [k for k in strings if k.split("\x04")[0].endswith("key_takeaways")]:
            safety = key.replace("key_takeaways\x04", "key_takeaways.safety\x04")
            if safety in after:
                assert after[safety] == strings[key], key
                moved.add(key)
        # Issue 16 wrote the title's medicine as {medicine}: its brand follows the market.
        title = f"{SEED.stem}|title\x04Can Klonopin Make You Cry?"
        assert "Klonopin" in strings[title] and MEDICINE in after[title] and title not in moved
        moved.add(title)
        assert {k: v for k, v in strings.items() if k not in moved}.items() <= after.items()
        assert len(moved) == 4
        gained = {f"\x04{m}" for m in (REVIEW_OUT_OF_DATE, SOURCE_DRAFT, *FORMATS_LIST)}
        assert gained | _since_the_split(language) <= set(after)  # and the counter's (issue 15)


def _since_the_split(language: str) -> set[str]:
    """The chrome entries of the counter app and of the schedule table (issue 15)."""
    with catalog_path(PACKAGE_LOCALES, language, CHROME).open("rb") as handle:
        return {
            f"\x04{message.id}"
            for message in read_po(handle)
            if message.id
            and all(
                place.startswith("leafletgen/") or place == "templates/_schedule.html.j2"
                for place, _ in message.locations
            )
        }


def test_leaflet_text_and_chrome_are_apart() -> None:
    for language in ("ar", "es", "ru"):
        text = _strings(catalog_path(ROOT / "locales", language, SEED.stem))
        chrome = _strings(catalog_path(PACKAGE_LOCALES, language, CHROME))
        assert all(key.startswith(f"{SEED.stem}|") for key in text)
        assert all(key.startswith("\x04") for key in chrome)  # the chrome has no context


def _project(tmp_path: Path) -> Path:
    """The sample project with its leaflet and its es/ar/ru catalogs, and a second leaflet."""
    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    shutil.copy(SEED, root / "leaflets")
    shutil.copytree(ROOT / "locales", root / "locales")
    return root


def leaflet(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_new_leaflet_touches_only_its_own_catalogs(tmp_path: Path) -> None:
    root = _project(tmp_path)
    leaflet(root, "i18n", "extract")
    leaflet(root, "i18n", "update")
    before = {p: p.read_bytes() for p in (root / "locales").rglob("*.po")}
    # A second leaflet whose text resembles the first one's: never filled from it.
    write_leaflet(root / "leaflets", minimal_leaflet(
        id="metformin", title="Can Klonopin Make You Cry?",
        key_takeaways=["Klonopin can affect your emotions."],
    ))  # fmt: skip
    leaflet(root, "i18n", "extract")
    leaflet(root, "i18n", "update")
    assert {p: p.read_bytes() for p in (root / "locales").rglob("*.po")} == before
    output = leaflet(root, "i18n", "init", "es")
    new = catalog_path(root / "locales", "es", "metformin")
    assert f"wrote {new}" in output and "kept" in output  # the existing catalog is kept
    with new.open("rb") as handle:
        started = [m for m in read_po(handle) if m.id]
    assert started and all(not m.string and not m.fuzzy for m in started)
    assert {p: p.read_bytes() for p in before} == before  # nothing else changed
    status = CliRunner().invoke(main, ["--project", str(root), "i18n", "status"]).output
    assert "es     español (Spanish) metformin: 0/" in status
    assert (
        "es     español (Spanish) clonazepam-emotional-effects: 263/263" in status
    )  # with Rivotril
    with (PACKAGE_LOCALES / "es" / "LC_MESSAGES" / "leafletgen.po").open("rb") as handle:
        chrome = len([m for m in read_po(handle) if m.id])  # every one translated
    assert f"es     español (Spanish) leafletgen (shipped): {chrome}/{chrome}" in status


def test_a_broken_catalog_refuses_only_its_own_leaflet(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write_leaflet(root / "leaflets", minimal_leaflet(id="other"))
    leaflet(root, "i18n", "extract")
    leaflet(root, "i18n", "init", "es")
    other = catalog_path(root / "locales", "es", "other")
    other.write_text(other.read_text("utf-8").replace('msgstr ""\n\n', 'msgstr "\u202e"\n\n', 1))
    result = CliRunner().invoke(
        main, ["--project", str(root), "build", "--all", "--lang", "es", "--allow-incomplete"]
    )
    assert result.exit_code == 1
    assert f"{other}:" in result.output and "U+202E" in result.output
    built = root / "output" / SEED.stem / f"{SEED.stem}.es.standard.a4.pdf"
    assert built.is_file()  # the other leaflet's Spanish is still built


def test_the_package_chrome_is_never_written(tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in PACKAGE_LOCALES.rglob("*") if p.is_file()}
    root = _project(tmp_path)
    for command in (["extract"], ["update"], ["init", "de"], ["init", "es", "--chrome"],
                    ["compile"]):  # fmt: skip
        leaflet(root, "i18n", *command)
    assert {p: p.read_bytes() for p in PACKAGE_LOCALES.rglob("*") if p.is_file()} == before
    # German has no shipped chrome: the project got its own; Spanish's was asked for.
    assert catalog_path(root / "locales", "de", CHROME).is_file()
    assert catalog_path(root / "locales", "es", CHROME).is_file()


def test_previous_msgids_are_written_as_po_and_survive_updates(tmp_path: Path) -> None:
    root = _project(tmp_path)
    source = root / "leaflets" / SEED.name
    old = "Research suggests paradoxical reactions happen in about 5–10% of patients"
    source.write_text(
        source.read_text("utf-8").replace(old, old.replace("of patients", "of all patients")),
        "utf-8",
    )
    leaflet(root, "i18n", "extract")
    leaflet(root, "i18n", "update")
    path = catalog_path(root / "locales", "es", SEED.stem)
    once = path.read_text("utf-8")
    leaflet(root, "i18n", "update")  # a second update changes nothing
    assert path.read_text("utf-8") == once
    lines = once.splitlines()
    previous = [line for line in lines if line.startswith("#|")]
    assert previous[0] == '#| msgid ""'
    assert all(line.startswith('#| "') and line.endswith('"') for line in previous[1:])
    assert not [line for line in lines if line.startswith("# |")]  # never a garbled comment
    # What GNU gettext would read: the previous msgid, whole.
    text = "".join(line[4:-1] for line in previous[1:])
    assert text.startswith(old) and text.endswith("must be taken seriously when present.")
    with path.open("rb") as handle:
        fuzzy = [m for m in read_po(handle) if m.fuzzy]
    assert len(fuzzy) == 1 and "de los pacientes" in fuzzy[0].string


def test_plain_pybabel_works_on_the_same_catalogs(tmp_path: Path) -> None:
    """As docs/translating.md says: one domain per leaflet, the project's babel.cfg."""
    import subprocess
    import sys

    from leafletgen.i18n.lint import read_catalog

    root = _project(tmp_path)
    shutil.copy(ROOT / "babel.cfg", root)
    before = _strings(catalog_path(root / "locales", "es", SEED.stem))
    pot = f"locales/{SEED.stem}.pot"
    for command in (
        ["extract", "-F", "babel.cfg", "-o", pot, f"leaflets/{SEED.name}"],
        ["update", "-D", SEED.stem, "-i", pot, "-d", "locales", "-l", "es", "--previous"],
    ):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", *command],
                       cwd=root, check=True, capture_output=True)  # fmt: skip
    path = catalog_path(root / "locales", "es", SEED.stem)
    assert _strings(path) == before  # every translation kept, nothing fuzzy-filled
    catalog = read_catalog(path, "es")  # and the build reads what pybabel wrote
    assert not [m for m in catalog if m.id and m.fuzzy]
