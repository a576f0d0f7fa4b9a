"""Translations through Babel's workflow: extraction, stale entries, review status, RTL."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from leafletgen.errors import LeafletError, SourceError
from leafletgen.i18n import workflow as catalogs
from leafletgen.i18n.factlock import CHECKED_FLAG
from leafletgen.i18n.localization import localize
from leafletgen.i18n.store import CHROME, catalog_path
from leafletgen.render.pdf.validate import check_pdfua
from tests.conftest import ROOT, build_files, make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, margin_text

SAMPLE = minimal_leaflet(
    sections=[
        {
            "heading": "What it is",
            "blocks": [
                {"paragraph": "Samplemab is a **calming** medicine."},
                {
                    "table": {
                        "caption": "Doses",
                        "header": ["Age", "Dose"],
                        "rows": [["Adults", "5 mg"]],
                    }
                },
            ],
        }
    ],
    faqs=[{"question": "Can I drive?", "answer": ["Ask your doctor first."]}],
)


def fake_translation(msgid: str) -> str:
    """A recognisable stand-in for a translator's work, keeping markup and placeholders."""
    return f"ES {msgid}"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project with the sample leaflet, its templates, and complete Spanish catalogs of its
    own: the leaflet's (returned) and the chrome's, over the shipped one."""
    leaflets = tmp_path / "leaflets"
    leaflets.mkdir()
    source = write_leaflet(leaflets, SAMPLE)
    locales = tmp_path / "locales"
    catalogs.extract(make_project(root=tmp_path))
    started = catalogs.init(make_project(root=tmp_path), "es", chrome=True)
    assert started.created == [catalog_path(locales, "es", "sample"), chrome_of(locales)]
    for path in started.created:
        fill(path, fake_translation)
    return source, locales, catalog_path(locales, "es", "sample")


def chrome_of(locales: Path, language: str = "es") -> Path:
    return catalog_path(locales, language, CHROME)


def fill(path: Path, translate, header_comment: str | None = None, *, checked: bool = True) -> None:
    """Translate what ``path`` leaves untranslated. ``fake_translation`` keeps the English
    words, so a "not" is no Spanish negation: ``checked`` stands for the translator's check of
    each such entry (the flag of leafletgen.i18n.factlock)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and checked:
            message.flags.add(CHECKED_FLAG)
        if message.id and not all(strings):
            if isinstance(message.id, tuple):
                message.string = tuple(
                    fake_translation(message.id[1]) for _ in range(catalog.num_plurals)
                )
            else:
                message.string = translate(message.id)
    if header_comment is not None:
        catalog.header_comment = header_comment
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_extract_writes_one_template_per_leaflet_and_one_for_the_chrome(tmp_path: Path) -> None:
    written = catalogs.extract(make_project(root=ROOT, locales_dir=tmp_path))
    assert [path.name for path in written] == ["clonazepam-emotional-effects.pot", "leafletgen.pot"]
    text = "".join(path.read_text(encoding="utf-8") for path in written)
    assert 'msgctxt "clonazepam-emotional-effects|sections.heading"' in text
    assert 'msgid "Understanding Klonopin and Its Emotional Impact"' in text
    assert "#. sections[4].blocks[3].table.rows[0][0], in the section" in text
    assert "leaflets/clonazepam-emotional-effects.yaml:" in text
    assert 'msgid "Frequently asked questions"' in text  # template chrome
    assert 'msgid_plural "%(num)s passages are not translated yet' in text
    assert 'msgctxt "clonazepam-emotional-effects|plain.glossary.definition"' in text


def test_complete_unreviewed_translation_prints_draft_notice_on_every_page(
    project, tmp_path
) -> None:
    source, locales, _ = project
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    assert not report.failed, report.failed
    pdf_path = report.built[0].path
    assert pdf_path.name == "sample.es.standard.a4.pdf"
    pdf = pikepdf.open(pdf_path)
    assert str(pdf.Root.Lang) == "es"
    assert check_pdfua(pdf_path.read_bytes()).ok
    text = body_text(pdf_path)
    assert "ES Draft translation — not yet checked by a qualified translator" in text
    assert "ES What it is" in text and "ES Frequently asked questions" in text
    assert "ES 5 mg" in text and "31 de enero de 2026" in text  # Babel's Spanish date
    # Marked once on every page: page 1 by the notice above, each later page at its top.
    for number, page_text in margin_text(pdf_path).items():
        assert page_text.count("ES Draft translation") == (0 if number == 1 else 1), number


def test_reviewed_translation_has_no_notice_and_names_the_reviewer(project, tmp_path) -> None:
    source, locales, path = project
    # the leaflet's catalog and the project's own chrome: both reviewed
    reviewed = catalogs.review(
        make_project(root=tmp_path), "es", "Dra. Ana Ruiz", today=date(2026, 1, 15)
    )
    assert reviewed == [path, chrome_of(locales)]
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    text = body_text(report.built[0].path)
    assert "Draft translation" not in text
    assert "ES Translation reviewed by Dra. Ana Ruiz on 15 de enero de 2026." in text
    l10n = localize("es", locales, leaflet_id="sample")
    assert not l10n.draft and l10n.review and l10n.review.on == date(2026, 1, 15)
    # The chrome's review counts too: its unreviewed shipped translation makes a draft.
    chrome_of(locales).unlink()
    assert localize("es", locales, leaflet_id="sample").draft


def test_a_review_line_that_does_not_say_what_was_reviewed_is_a_draft(project) -> None:
    _, locales, path = project
    for catalog in (path, chrome_of(locales)):
        fill(catalog, fake_translation, header_comment="# Reviewed-By: Dra. Ana Ruiz; 2026-01-15")
    l10n = localize("es", locales, leaflet_id="sample")
    assert l10n.draft and l10n.stale_review is not None


def test_a_reviewed_catalog_is_a_draft_again_after_any_change(project, tmp_path) -> None:
    source, locales, path = project
    root = make_project(root=tmp_path)
    catalogs.review(root, "es", "Dra. Ana Ruiz <ana@example.org>", today=date(2026, 1, 15))
    assert not localize("es", locales, leaflet_id="sample").draft
    # A translation changed, its header untouched: out of date.
    text = path.read_text("utf-8")
    path.write_text(text.replace('msgstr "ES Ask your doctor first."',
                                 'msgstr "ES Ask your nurse first."'), "utf-8")  # fmt: skip
    assert localize("es", locales, leaflet_id="sample").stale_review is not None
    path.write_text(text, "utf-8")
    assert not localize("es", locales, leaflet_id="sample").draft  # the reviewed text again

    # The source changes; the translator clears the fuzzy flag without retranslating.
    source.write_text(source.read_text("utf-8").replace("Ask your doctor first.",
                                                        "Ask your doctor today."), "utf-8")  # fmt: skip
    catalogs.extract(root)
    catalogs.update(root)
    text = path.read_text("utf-8")
    assert text.count("#, fuzzy") == 1
    path.write_text(text.replace("#, fuzzy\n", ""), "utf-8")
    l10n = localize("es", locales, leaflet_id="sample")
    assert l10n.draft and l10n.stale_review is not None and l10n.stale_review.by.startswith("Dra.")
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    printed = body_text(report.built[0].path)
    assert "ES Draft translation" in printed
    assert "ES Review out of date: the text changed after the review of 15 de enero de 2026." \
        in printed  # fmt: skip
    status = (
        CliRunner()
        .invoke(
            __import__("leafletgen.cli", fromlist=["main"]).main,
            ["--project", str(tmp_path), "i18n", "status"],
        )
        .output
    )
    assert "sample: " in status and "draft: review out of date" in status


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("# Reviewed-By: Dra. Ana Ruiz; 2999-01-15", "Reviewed-By: 2999-01-15 is in the future"),
        ("# Reviewed-By: Dra. \u202eziuR anA; 2026-01-15", "Reviewed-By: the reviewer's name"),
    ],
    ids=["future", "direction-control"],
)
def test_an_untrustworthy_review_record_is_refused_with_its_line(
    project, header: str, problem: str
) -> None:
    _, locales, path = project
    fill(path, fake_translation, header_comment=f"# Spanish\n{header}")
    with pytest.raises(SourceError) as refused:
        localize("es", locales, leaflet_id="sample")
    assert f"{path}:2: {problem}" in str(refused.value)


def test_a_reviewed_catalog_without_a_revision_date_is_refused(project) -> None:
    _, locales, path = project
    fill(path, fake_translation, header_comment="# Reviewed-By: Dra. Ana Ruiz; 2026-01-15")
    text = path.read_text("utf-8")
    path.write_text(
        "\n".join(line for line in text.split("\n") if "PO-Revision-Date" not in line), "utf-8"
    )
    with pytest.raises(SourceError, match="a reviewed catalog must say when it was last revised"):
        localize("es", locales, leaflet_id="sample")
    # and a revision date in the future likewise
    path.write_text(re.sub(r"PO-Revision-Date: [^\\]*", "PO-Revision-Date: 2999-01-01 00:00+0000",
                           text), "utf-8")  # fmt: skip
    with pytest.raises(SourceError, match="PO-Revision-Date: 2999-01-01 is in the future"):
        localize("es", locales, leaflet_id="sample")


def test_review_refuses_a_catalog_that_is_not_ready(project, tmp_path) -> None:
    source, _, path = project
    source.write_text(source.read_text("utf-8").replace("Ask your doctor first.",
                                                        "Ask your doctor today."), "utf-8")  # fmt: skip
    with pytest.raises(LeafletError, match="not ready for review: behind its source"):
        catalogs.review(make_project(root=tmp_path), "es", "A. Reviewer", today=date(2026, 1, 1))
    with pytest.raises(LeafletError, match="the reviewer's name"):
        catalogs.review(make_project(root=tmp_path), "es", "A\u202eB", today=date(2026, 1, 1))
    assert "Reviewed-By" not in path.read_text("utf-8")


def test_changed_source_makes_the_translation_fuzzy_and_the_build_says_so(
    project, tmp_path
) -> None:
    source, locales, path = project
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "Ask your doctor first.", "Ask your doctor or pharmacist first."
        ),
        encoding="utf-8",
    )
    catalogs.extract(make_project(root=tmp_path))
    catalogs.update(make_project(root=tmp_path))
    with path.open("rb") as handle:
        stale = [m for m in read_po(handle, locale="es") if m.fuzzy and m.id]
    assert [m.id for m in stale] == ["Ask your doctor or pharmacist first."]

    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    assert not report.built
    message = report.failed[0].message
    assert "1 translation missing, out of date" in message
    assert (
        f"{path}: fuzzy translation of 'Ask your doctor or pharmacist first.' (context 'sample|faqs.answer')"
        in message
    )

    report = build_files(
        [source],
        tmp_path / "out",
        languages=("es",),
        locales_dir=locales,
        allow_incomplete=True,
        formats=("pdf", "html"),
    )
    html = next(b.path for b in report.built if b.format == "html").read_text(encoding="utf-8")
    assert '<p><span lang="en">Ask your doctor or pharmacist first.</span></p>' in html
    assert "ES 1 passages are not translated yet and are shown in inglés." in html
    pdf_text = body_text(next(b.path for b in report.built if b.format == "pdf"))
    assert "ES Draft translation" in pdf_text and "Ask your doctor or pharmacist first." in pdf_text


def test_untrusted_catalog_text_is_checked(project, tmp_path) -> None:
    source, locales, path = project
    fill(path, lambda msgid: msgid)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    catalog.get("Can I drive?", context="sample|faqs.question").string = "¿Puedo \u202econducir?"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    assert not report.built
    assert (
        "sample|faqs.question: translation of 'Can I drive?': invisible direction control U+202E"
        in report.failed[0].message
    )


def test_languages_without_a_catalog_or_unknown_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LeafletError, match="No catalog for language 'de'"):
        localize("de", tmp_path, leaflet_id="sample")
    with pytest.raises(LeafletError, match="Unknown language 'xx'"):
        localize("xx", tmp_path, leaflet_id="sample")
    bad = catalog_path(tmp_path, "es", "sample")
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b'msgid "a"\nmsgstr "b"\nnonsense here\n')
    with pytest.raises(SourceError, match=r"sample\.po"):
        localize("es", tmp_path, leaflet_id="sample")


def test_i18n_status_names_languages_in_their_own_language_and_english(project) -> None:
    from leafletgen import cli

    _, locales, _ = project
    result = CliRunner().invoke(cli.main, ["--project", str(locales.parent), "i18n", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("es     español (Spanish) sample: ")
    assert lines[1].startswith(
        "         full text (standard, large-print, summary, summary-large-print): "
    )
    assert lines[3].startswith("es     español (Spanish) leafletgen: ")
    assert all(" 0 fuzzy, 0 missing, 0 with facts that differ" in line for line in lines)
    assert lines[0].endswith("; draft (not reviewed)") and lines[3].endswith("(not reviewed)")


def test_arabic_plural_forms_come_from_babel(project) -> None:
    _, locales, _ = project
    catalogs.init(make_project(root=locales.parent), "ar", chrome=True)
    l10n = localize("ar", locales, leaflet_id="sample")
    catalog = l10n.translations.catalog
    assert catalog is not None and catalog.num_plurals == 6
    forms = {n: l10n.translations.plural_index(n) for n in range(0, 203)}
    assert [forms[n] for n in (0, 1, 2, 3, 10)] == [0, 1, 2, 3, 3]
    assert {forms[n] for n in range(11, 100)} == {5} and forms[100] == forms[102] == 4
    assert l10n.direction == "rtl" and l10n.stylesheets == ("css/script-arabic.css", "css/rtl.css")


def test_a_translation_that_drops_a_placeholder_is_refused(project, tmp_path) -> None:
    source, locales, _ = project
    path = chrome_of(locales)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    catalog.get("Version %(version)s").string = "Versión"  # the version would vanish from the page
    with path.open("wb") as handle:
        write_po(handle, catalog)
    report = build_files([source], tmp_path / "out", languages=("es",), locales_dir=locales)
    assert not report.built
    assert f"{path}:" in report.failed[0].message
    assert "msgid 'Version %(version)s'" in report.failed[0].message


def test_each_variant_counts_the_gaps_it_prints(tmp_path: Path) -> None:
    """The draft notice of the standard leaflet counts the standard text's gaps, the plain
    leaflet's the plain text's: one passage left out of each, differently."""
    import shutil

    from leafletgen.content.loader import load_leaflet
    from leafletgen.i18n.localization import translate_leaflet
    from tests.conftest import SEED

    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    path = catalog_path(locales, "es", SEED.stem)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    standard = next(m for m in catalog if m.context and m.context.endswith("|sections.heading"))
    plain = [m for m in catalog if m.context and ".plain.blocks." in m.context][:2]
    for message in (standard, *plain):
        message.string = ""
    with path.open("wb") as handle:
        write_po(handle, catalog)
    leaflet = load_leaflet(SEED)
    counted = {}
    for text in ("full", "plain"):
        l10n = localize("es", locales, leaflet_id=SEED.stem)
        translate_leaflet(leaflet, l10n, text)
        counted[text] = sorted(gap.msgid for gap in l10n.gaps)
    assert counted == {"full": [standard.id], "plain": sorted(m.id for m in plain)}
    status = catalogs.status(make_project(root=ROOT, locales_dir=locales))
    row = next(r for r in status if r.language == "es" and r.domain == SEED.stem)
    assert dict(row.by_text)["full"].missing == 1 and dict(row.by_text)["plain"].missing == 2
    assert str(row.counts).startswith("260/263 translated (98%)")  # never rounded up
    assert catalogs.percent(282, 283) == "99%" and catalogs.percent(283, 283) == "100%"
