"""The fact lock on catalogs (leafletgen.i18n.factlock): a translation that changes a number
is not printed, one that drops or adds a negation keeps the leaflet a draft until checked."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.content.loader import load_leaflet
from leafletgen.content.model import takeaway_text
from leafletgen.errors import LeafletError
from leafletgen.i18n import workflow as catalogs
from leafletgen.i18n.factlock import CHECKED_FLAG
from leafletgen.i18n.localization import localize, translate_leaflet
from leafletgen.i18n.store import catalog_path
from tests.conftest import ROOT, SEED, build_files, make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, normalize
from tests.test_translation import chrome_of, fake_translation, fill

PERCENT = "alrededor del 5–10% de los pacientes"
STOP = 'msgstr "No suspenda el medicamento de forma brusca."'


def _sample_project(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped sample leaflet with its es/ar/ru catalogs; the Spanish one's path."""
    root = tmp_path / "project"
    (root / "leaflets").mkdir(parents=True)
    shutil.copy(SEED, root / "leaflets")
    shutil.copytree(ROOT / "locales", root / "locales")
    return root, catalog_path(root / "locales", "es", SEED.stem)


def _tamper(path: Path, old: str, new: str) -> int:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
    return text[: text.index(old)].count("\n") + 1


def _line_of_msgid(path: Path, line: int) -> int:
    """The msgid line of the entry whose msgstr has ``line``."""
    lines = path.read_text("utf-8").splitlines()
    return max(n for n in range(1, line + 1) if lines[n - 1].startswith("msgid "))


def test_a_changed_percentage_is_refused_with_its_line(tmp_path: Path) -> None:
    root, spanish = _sample_project(tmp_path)
    changed = _tamper(spanish, PERCENT, "alrededor del 50–100% de los pacientes")
    report = build_files([root / "leaflets" / SEED.name], tmp_path / "out", languages=("es",),
                         locales_dir=root / "locales")  # fmt: skip
    assert not report.built
    message = report.failed[0].message
    assert f"{spanish}:{_line_of_msgid(spanish, changed)}: the translation of 'Research" in message
    assert "5% and 10% are not in the translation; it has 50% and 100%" in message

    # --allow-incomplete: the English passage, never the changed figure
    report = build_files([root / "leaflets" / SEED.name], tmp_path / "out", languages=("es",),
                         locales_dir=root / "locales", allow_incomplete=True)  # fmt: skip
    text = normalize(body_text(report.built[0].path))
    assert "50–100%" not in text and "50-100%" not in text
    assert "paradoxical reactions happen in about 5–10% of patients" in text
    assert "Traducción en borrador" in text  # the draft notice

    result = CliRunner().invoke(main, ["--project", str(root), "i18n", "check", "--lang", "es"])
    assert result.exit_code == 1
    assert (
        f"{spanish}:{_line_of_msgid(spanish, changed)}: error: number: 5% and 10% are not in the "
        "translation; it has 50% and 100%; source 'Research suggests" in result.output
    )


def test_a_dropped_negation_needs_a_translator_s_check(tmp_path: Path) -> None:
    root, spanish = _sample_project(tmp_path)
    leaflet = load_leaflet(root / "leaflets" / SEED.name)
    before = localize("es", root / "locales", leaflet_id=SEED.stem)
    translate_leaflet(leaflet, before)
    unchecked = {entry.msgid for entry in before.unchecked}
    assert "Do not stop medication abruptly." not in unchecked

    _tamper(spanish, STOP, 'msgstr "Suspenda el medicamento de forma brusca."')
    after = localize("es", root / "locales", leaflet_id=SEED.stem)
    text = translate_leaflet(leaflet, after)
    printed = [takeaway_text(t) for t in text.key_takeaways]
    assert "Suspenda el medicamento de forma brusca." in printed
    assert {entry.msgid for entry in after.unchecked} - unchecked == {
        "Do not stop medication abruptly."
    }
    assert after.draft
    result = CliRunner().invoke(main, ["--project", str(root), "i18n", "check", "--lang", "es"])
    assert result.exit_code == 0  # printed as a draft, not refused
    assert "review: negation: the source negates (not), the translation does not; source " \
        "'Do not stop medication abruptly.'" in result.output  # fmt: skip


def test_an_unchecked_negation_makes_a_reviewed_leaflet_a_draft(tmp_path: Path) -> None:
    leaflets = tmp_path / "leaflets"
    leaflets.mkdir()
    source = write_leaflet(leaflets, minimal_leaflet(key_takeaways=["Do not stop it suddenly."]))
    project = make_project(root=tmp_path)
    catalogs.extract(project)
    catalogs.init(project, "es", chrome=True)
    locales = tmp_path / "locales"
    path = catalog_path(locales, "es", "sample")
    fill(path, fake_translation, checked=False)
    fill(chrome_of(locales), fake_translation)
    # "ES Do not stop it suddenly." has no Spanish negation: a translator must check it first
    with pytest.raises(LeafletError, match="not ready for review: draft: 1 negations to check"):
        catalogs.review(project, "es", "Dra. Ana Ruiz", today=date(2026, 1, 15))
    flagged = path.read_text("utf-8").replace(
        'msgctxt "sample|key_takeaways"', f'#, {CHECKED_FLAG}\nmsgctxt "sample|key_takeaways"'
    )
    path.write_text(flagged, "utf-8")
    catalogs.review(project, "es", "Dra. Ana Ruiz", today=date(2026, 1, 15))
    l10n = localize("es", locales, leaflet_id="sample")
    translate_leaflet(load_leaflet(source), l10n)
    assert not l10n.unchecked and not l10n.draft

    # The flag removed (flags are not what the review's fingerprints cover): a draft again.
    path.write_text(path.read_text("utf-8").replace(f"#, {CHECKED_FLAG}\n", ""), "utf-8")
    l10n = localize("es", locales, leaflet_id="sample")
    translate_leaflet(load_leaflet(source), l10n)
    assert [entry.msgid for entry in l10n.unchecked] == ["Do not stop it suddenly."]
    assert l10n.draft and l10n.stale_review is None
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    assert "ES Draft translation" in body_text(report.built[0].path)
    path.write_text(flagged.replace("\n# Reviewed-By", "\n# Reviewed-By"), "utf-8")

    # The source changes: the entry is fuzzy, and the check was of the old text.
    path.write_text(flagged, "utf-8")
    source.write_text(source.read_text("utf-8").replace("suddenly", "all at once"), "utf-8")
    catalogs.extract(project)
    catalogs.update(project)
    updated = path.read_text("utf-8")
    assert "#, fuzzy" in updated and CHECKED_FLAG not in updated
