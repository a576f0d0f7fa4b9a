"""Translations: a catalog is untrusted input.

Markup, placeholders, encoding, plural forms and unknown locales: each broken catalog is named
by `leaflet i18n status` (file:line: entry: problem, exit 1) and refused by `leaflet build` for
its language only, with nothing written for it, while the other languages of the batch are
built. A catalog is never rendered wrongly.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner, Result

from leafletgen import cli
from leafletgen.errors import SourceError
from leafletgen.i18n import workflow as catalogs
from leafletgen.i18n.lint import read_catalog
from leafletgen.i18n.localization import CatalogTranslations, Localization
from leafletgen.i18n.store import CHROME, catalog_path
from leafletgen.project import PACKAGE_TEMPLATES, Assets
from leafletgen.publish.cache import CACHE
from leafletgen.render import FORMATS
from leafletgen.render.templates import make_environment
from tests.conftest import QUICK_FORMATS, make_project, minimal_leaflet, write_leaflet

LINK = "https://example.org/label"
LEAFLET = minimal_leaflet(
    key_takeaways=[f"Take it with water, see [the label]({LINK})."],
    sections=[{"heading": "What it is", "blocks": [{"paragraph": "A sample medicine."}]}],
)
LANGUAGES = ("es", "ar")
PLURAL_ID = "%(num)s passage is not translated yet and is shown in %(language)s."


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    def po(self, language: str, domain: str = CHROME) -> Path:
        """The project's chrome catalog of ``language``, or the leaflet's (domain "sample")."""
        return catalog_path(self.locales, language, domain)

    def holding(self, language: str, text: str) -> Path:
        """The catalog of ``language`` that holds ``text``: the chrome's first."""
        return next(
            path
            for path in (self.po(language), self.po(language, "sample"))
            if text in path.read_text(encoding="utf-8")
        )

    def edit(self, language: str, old: str, new: str) -> Path:
        """Replace one passage of a catalog's text (it must be there exactly once)."""
        path = self.holding(language, old)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    def line(self, language: str, text: str) -> int:
        """The first line that holds ``text``: an entry is named by its msgid's line."""
        lines = self.holding(language, text).read_text(encoding="utf-8").splitlines()
        return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.fixture(scope="module")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one leaflet and complete Spanish and Arabic catalogs, made once."""
    root = tmp_path_factory.mktemp("catalogs")
    (root / "leaflets").mkdir()
    write_leaflet(root / "leaflets", LEAFLET)
    project = make_project(root=root)
    catalogs.extract(project)
    for language in LANGUAGES:
        # The leaflet's catalog, and the project's own chrome catalog over the shipped one.
        for path in catalogs.init(project, language, chrome=True).created:
            fill(path, language)
    return root


def fill(path: Path, language: str) -> None:
    """A recognisable stand-in for a translator's work, keeping links and placeholders."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if isinstance(message.id, tuple):
            message.string = tuple(f"{language.upper()} {message.id[1]}" for _ in message.string)
        elif message.id:
            message.string = f"{language.upper()} {message.id}"
    with path.open("wb") as handle:
        write_po(handle, catalog)


@pytest.fixture
def project(template_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A fresh copy to break; the CLI runs in it and reads its catalogs."""
    root = tmp_path / "project"
    shutil.copytree(template_project, root)
    monkeypatch.chdir(root)  # the CLI finds its Project here: these leaflets and catalogs
    return Project(Path("."))  # named as the CLI names them, relative to the project


def leaflet(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args))


def outputs(root: Path) -> set[str]:
    return {p.name for p in (root / "out").rglob("*") if p.is_file()}


def built(languages: tuple[str, ...], formats: tuple[str, ...] = ("html",)) -> set[str]:
    return {
        f"sample.{lang}.standard.a4{FORMATS[fmt].suffix}" for lang in languages for fmt in formats
    }


def errors(stderr: str) -> str:
    """What a command reported as errors: the build also warns about the outputs it made
    (a draft translation, no emergency number), which is not what these tests judge."""
    return "".join(f"{line}\n" for line in stderr.splitlines() if not line.startswith("Warning: "))


def assert_refused(project: Project, language: str, *problems: str) -> None:
    """`i18n status` and `build --lang all` report exactly ``problems`` (file:line: …) for
    ``language``, exit 1 without a traceback; the build writes nothing for that language and
    builds every other one."""
    expected = [f"Error: {problem}" for problem in problems]
    status = leaflet("i18n", "status")
    assert status.exit_code == 1, status.output
    assert isinstance(status.exception, SystemExit) and "Traceback" not in status.output
    assert errors(status.stderr).splitlines() == expected
    assert re.search(
        rf"^{language.replace('_', '-')} +\S+: refused by the build:", status.stdout, re.M
    )
    for other in (lang for lang in LANGUAGES if lang != language):
        assert re.search(rf"^{other} .*: \d+/\d+ translated", status.stdout, re.M), status.stdout

    result = leaflet("build", "sample", "--lang", "all", "--format", "html", "-j", "1",
                     "--out", "out")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert errors(result.stderr).splitlines() == expected
    others = tuple(lang for lang in ("en", *LANGUAGES) if lang != language)
    assert outputs(project.root) == built(others) | {"manifest.json", "index.html", CACHE}


def assert_accepted(project: Project) -> None:
    status = leaflet("i18n", "status")
    assert status.exit_code == 0, status.output
    result = leaflet("build", "sample", "--lang", "all", "--format", "html", "-j", "1",
                     "--out", "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert outputs(project.root) >= built(("en", *LANGUAGES))


def html_of(project: Project, language: str) -> str:
    path = project.root / "out" / "sample" / f"sample.{language}.standard.a4.html"
    return path.read_text(encoding="utf-8")


# --- Markup in template chrome ------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgstr", "markup"),
    [
        ('<img src=\\"file:///etc/passwd\\">', ['<img src="file:///etc/passwd">']),
        ('<a href=\\"https://evil.example/\\">Saltar</a>', ["</a>", '<a href="https://evil.example/">']),
        ("<script>alert(1)</script>", ["</script>", "<script>"]),
        ('<span style=\\"display:none\\">Saltar</span>', ["</span>", '<span style="display:none">']),
        ("Saltar &lt;al&gt; contenido", ["&gt;", "&lt;"]),
        ("Saltar <!-- al contenido", ["<!-- al contenido"]),
    ],
    ids=["img-file-url", "link", "script", "style", "entities", "comment"],
)  # fmt: skip
def test_chrome_translation_with_html_markup_is_refused(
    project: Project, msgstr: str, markup: list[str]
) -> None:
    path = project.edit("es", 'msgstr "ES Skip to main content"', f'msgstr "{msgstr}"')
    line = project.line("es", 'msgid "Skip to main content"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: msgid 'Skip to main content': "
        f"translation has HTML markup {markup}, the source has []",
    )


def test_chrome_markup_refused_in_pdf_and_html_alike(project: Project) -> None:
    path = project.edit("es", 'msgstr "ES Key takeaways"', 'msgstr "<b>Claves</b>"')
    result = leaflet("build", "sample", "--lang", "es,ar", "--format", ",".join(QUICK_FORMATS), "-j", "1",
                     "--out", "out")  # fmt: skip
    assert result.exit_code == 1
    line = project.line("es", 'msgid "Key takeaways"')
    assert errors(result.stderr) == (
        f"Error: {path}:{line}: msgid 'Key takeaways': "
        "translation has HTML markup ['</b>', '<b>'], the source has []\n"
    )
    assert outputs(project.root) == built(("ar",), QUICK_FORMATS) | {
        "manifest.json",
        "index.html",
        CACHE,
    }


def test_chrome_translation_is_printed_as_text_even_past_the_check(tmp_path: Path) -> None:
    """Jinja2 marks a gettext result as safe; a translation that got past read_catalog would
    still be printed as text, never as markup."""
    catalog = Catalog(locale="es")
    catalog.add("Key takeaways", '<img src="file:///etc/passwd"> & <b>claves</b>')
    path = tmp_path / "leafletgen.po"
    translations = CatalogTranslations([(catalog, path)], path, "en")
    l10n = Localization("es", catalog.locale, translations, CatalogTranslations([], path, "en"))
    html = (
        make_environment(l10n, Assets.of(PACKAGE_TEMPLATES))
        .from_string("<h2>{{ _('Key takeaways') }}</h2>")
        .render()
    )
    assert html == (
        "<h2>&lt;img src=&#34;file:///etc/passwd&#34;&gt; &amp; &lt;b&gt;claves&lt;/b&gt;</h2>"
    )


def test_chrome_translation_with_a_direction_control_is_refused(project: Project) -> None:
    path = project.edit("es", 'msgstr "ES Key takeaways"', 'msgstr "Ideas \u202eclave"')
    line = project.line("es", 'msgid "Key takeaways"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: msgid 'Key takeaways': invisible direction control U+202E at character 7",
    )


# --- Leaflet text: inline markup and links --------------------------------------------------

TAKEAWAY = f"Take it with water, see [the label]({LINK})."


@pytest.mark.parametrize(
    ("msgstr", "links"),
    [
        ("Tómelo con agua, vea [la etiqueta](https://evil.example/label).",
         ["https://evil.example/label"]),
        ("Tómelo con agua, vea la etiqueta.", []),
        (f"Tómelo con agua, vea [la etiqueta]({LINK}) y [esto](https://evil.example/).",
         ["https://evil.example/", LINK]),
    ],
    ids=["changed", "dropped", "added"],
)  # fmt: skip
def test_leaflet_text_translation_must_keep_its_links(
    project: Project, msgstr: str, links: list[str]
) -> None:
    path = project.edit("es", f'msgstr "ES {TAKEAWAY}"', f'msgstr "{msgstr}"')
    line = project.line("es", f'msgid "{TAKEAWAY}"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: sample|key_takeaways: translation of {TAKEAWAY[:50]!r}: "
        f"links to {links}, the source to [{LINK!r}]",
    )


def test_leaflet_text_translation_may_move_its_link_and_add_bold(project: Project) -> None:
    project.edit("es", f'msgstr "ES {TAKEAWAY}"', f'msgstr "[La etiqueta]({LINK}): **con agua**."')
    assert_accepted(project)
    html = html_of(project, "es")
    assert f'<li><a href="{LINK}">La etiqueta</a>: <strong>con agua</strong>.</li>' in html


def test_raw_html_in_leaflet_text_translation_is_printed_as_text(project: Project) -> None:
    # Already so before issue 8: leaflet text goes through the inline markup, which escapes.
    project.edit(
        "es",
        'msgstr "ES A sample medicine."',
        'msgstr "Un <b>medicamento</b> <img src=\\"file:///etc/passwd\\">."',
    )
    assert_accepted(project)
    html = html_of(project, "es")
    assert (
        "<p>Un &lt;b&gt;medicamento&lt;/b&gt; &lt;img src=&#34;file:///etc/passwd&#34;&gt;.</p>"
        in html
    )


def test_leaflet_text_translation_with_broken_markup_is_refused_with_its_line(
    project: Project,
) -> None:
    path = project.edit("es", 'msgstr "ES A sample medicine."', 'msgstr "Un **medicamento."')
    line = project.line("es", 'msgid "A sample medicine."')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: sample|sections.blocks.paragraph: translation of 'A sample medicine.': "
        "'**' at character 4 is not closed (write \\* for a literal star)",
    )


# --- Placeholders ---------------------------------------------------------------------------

VERSION = "Version %(version)s"


@pytest.mark.parametrize(
    ("msgstr", "found"),
    [
        ("Versión", "[]"),
        ("Versión %(version)s %(evil)s", "['%(evil)s', '%(version)s']"),
        ("Versión %(version)d", "['%(version)d']"),
        ("Versión %s", "['%s']"),
    ],
    ids=["missing", "extra", "other-type", "positional"],
)
def test_chrome_translation_must_keep_its_placeholders(
    project: Project, msgstr: str, found: str
) -> None:
    path = project.edit("es", f'msgstr "ES {VERSION}"', f'msgstr "{msgstr}"')
    line = project.line("es", f'msgid "{VERSION}"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: msgid {VERSION!r}: "
        f"translation has placeholders {found}, the source has ['%(version)s']",
    )


def test_a_stray_percent_sign_in_chrome_is_refused_not_a_crash(project: Project) -> None:
    # Jinja2 %-formats every chrome message: "100%" used to end the build with a traceback.
    path = project.edit("es", f'msgstr "ES {VERSION}"', 'msgstr "Versión %(version)s al 100%"')
    line = project.line("es", f'msgid "{VERSION}"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: msgid {VERSION!r}: translation has placeholders "
        "['%', '%(version)s'], the source has ['%(version)s'] (write %% for a percent sign)",
    )


def test_a_percent_sign_written_as_two_is_printed(project: Project) -> None:
    # (with no number: a number the source does not state is refused, leafletgen.content.facts)
    project.edit("es", 'msgstr "ES Key takeaways"', 'msgstr "Lo esencial, en %%"')
    assert_accepted(project)
    assert '<h2 id="key-takeaways-heading">Lo esencial, en %</h2>' in html_of(project, "es")


@pytest.mark.parametrize(
    ("form", "msgstr", "found"),
    [
        (1, "ES muchos pasajes en %(language)s.", "['%(language)s']"),
        (0, "ES %(num)s pasaje en %(language)s %(evil)s.", "['%(evil)s', '%(language)s', '%(num)s']"),
    ],
    ids=["missing-in-msgstr[1]", "extra-in-msgstr[0]"],
)  # fmt: skip
def test_every_plural_form_must_keep_the_placeholders(
    project: Project, form: int, msgstr: str, found: str
) -> None:
    plural = PLURAL_ID.replace("passage is", "passages are").replace("is shown", "are shown")
    path = project.edit("es", f'msgstr[{form}] "ES {plural}"', f'msgstr[{form}] "{msgstr}"')
    line = project.line("es", f'msgid "{PLURAL_ID}"')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: msgid {PLURAL_ID[:47] + '...'!r}: translation has placeholders "
        f"{found}, the source has ['%(language)s', '%(num)s']",
    )


# --- Encoding --------------------------------------------------------------------------------


def test_latin1_bytes_in_a_utf8_catalog_are_refused_with_line_and_byte(project: Project) -> None:
    path = project.po("es")
    text = path.read_text(encoding="utf-8").replace(
        'msgstr "ES Key takeaways"', 'msgstr "Información clave"'
    )
    # Every other non-ASCII character of the catalog stays UTF-8; this line is Latin-1.
    line = project.line("es", 'msgid "Key takeaways"') + 1
    path.write_bytes(text.encode("utf-8").replace("Información".encode(), b"Informaci\xf3n"))
    assert_refused(
        project,
        "es",
        f"{path}:{line}: not UTF-8: byte 0xF3 at byte 18 of the line: "
        "save the catalog as UTF-8 (Content-Type: text/plain; charset=UTF-8)",
    )


def test_a_utf16_catalog_is_refused(project: Project) -> None:
    path = project.po("es")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert_refused(
        project,
        "es",
        f"{path}: not UTF-8 text (UTF-16?): "
        "save the catalog as UTF-8 (Content-Type: text/plain; charset=UTF-8)",
    )


@pytest.mark.parametrize("charset", ["ISO-8859-1", "klingon", "CHARSET"])
def test_a_catalog_declaring_another_or_unknown_charset_is_refused(
    project: Project, charset: str
) -> None:
    # Latin-1 would print UTF-8 text as mojibake; an unknown name ended in a traceback.
    path = project.edit("es", "charset=utf-8", f"charset={charset}")
    line = project.line("es", "charset=")
    assert_refused(
        project,
        "es",
        f"{path}:{line}: Content-Type: charset {charset.lower()!r}: "
        "save the catalog as UTF-8 (Content-Type: text/plain; charset=UTF-8)",
    )


def test_a_utf8_catalog_without_a_charset_or_with_a_bom_is_read_as_utf8(project: Project) -> None:
    # Without a charset it was already read as UTF-8; a byte-order mark broke the first line.
    path = project.edit("es", '"Content-Type: text/plain; charset=utf-8\\n"\n', "")
    project.edit("es", 'msgstr "ES Key takeaways"', 'msgstr "Información clave"')
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_accepted(project)
    assert '<h2 id="key-takeaways-heading">Información clave</h2>' in html_of(project, "es")


# --- Plural forms -----------------------------------------------------------------------------

ARABIC_PLURALS = (
    "'nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=0 && n%100<=2 ? 4 : 5);'"
)


def _two_arabic_plural_forms(project: Project) -> Path:
    path = project.po("ar")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"Plural-Forms: .*?\\n"\n(?="MIME)', '"Plural-Forms: nplurals=2; plural=(n != 1);\\\\n"\n', text, flags=re.S)  # fmt: skip
    path.write_text(text, encoding="utf-8")
    return path


def test_arabic_catalog_with_two_plural_forms_is_refused(project: Project) -> None:
    path = _two_arabic_plural_forms(project)
    line = project.line("ar", '"Plural-Forms:')
    assert_refused(
        project,
        "ar",
        f"{path}:{line}: Plural-Forms: nplurals=2, but Arabic has 6 plural forms: "
        f"write {ARABIC_PLURALS}",
    )


def test_arabic_catalog_with_two_plural_forms_everywhere_is_refused(project: Project) -> None:
    # Consistent with its wrong header, it used to be accepted: "11 passages" in the singular.
    path = _two_arabic_plural_forms(project)
    text = re.sub(r'msgstr\[[2-5]\] "[^\n]*\n', "", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    line = project.line("ar", '"Plural-Forms:')
    assert_refused(
        project,
        "ar",
        f"{path}:{line}: Plural-Forms: nplurals=2, but Arabic has 6 plural forms: "
        f"write {ARABIC_PLURALS}",
    )


def test_arabic_catalog_in_gnu_gettext_order_is_accepted(project: Project) -> None:
    # GNU gettext numbers Arabic's forms 4 and 5 the other way round from CLDR/Babel; the
    # catalog's own expression picks the form, so both are right.
    project.edit("ar", "n%100>=0 && n%100<=2 ? 4 : 5", "n%100>=11 ? 4 : 5")
    assert_accepted(project)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("(n > 5)", "does not follow the plural rules of Spanish (CLDR), first for n=1"),
        ("(n != 1) * 7", "gives form 7 for n=0"),
        ("n / 0", "fails for n=0 (integer division or modulo by zero)"),
        ("__import__", "is not a plural expression (invalid token in plural form: __import__)"),
    ],
    ids=["wrong-rule", "no-such-form", "division-by-zero", "not-an-expression"],
)
def test_a_plural_expression_that_does_not_match_the_language_is_refused(
    project: Project, expression: str, problem: str
) -> None:
    path = project.edit("es", "plural=(n != 1);", f"plural={expression};")
    line = project.line("es", '"Plural-Forms:')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: Plural-Forms: plural={expression!r} {problem}: "
        "write 'nplurals=2; plural=(n != 1);'",
    )


def test_a_plural_entry_with_too_few_forms_is_refused(project: Project) -> None:
    path = project.po("ar")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'msgstr\[[2-5]\] "[^\n]*\n', "", text), encoding="utf-8")
    line = project.line("ar", f'msgid "{PLURAL_ID}"')
    assert_refused(
        project,
        "ar",
        f"{path}:{line}: msgid {PLURAL_ID[:47] + '...'!r}: has 2 of the 6 plural forms "
        "(msgstr[0] to msgstr[5]): translate every form, or none",
    )


def test_a_plural_entry_with_too_many_forms_is_refused(project: Project) -> None:
    path = project.po("ar")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(msgstr\[5\] "[^\n]*\n)', r'\1msgstr[6] "AR %(num)s %(language)s."\n', text)
    path.write_text(text, encoding="utf-8")
    line = project.line("ar", f'msgid "{PLURAL_ID}"')
    assert_refused(
        project,
        "ar",
        f"{path}:{line}: not a valid catalog: more msgstr[n] than the 6 plural forms of the "
        "catalog's Plural-Forms header",
    )


# --- Languages and headers ---------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["xx", "zz_QQ"])
def test_a_catalog_for_an_unknown_locale_is_listed_and_refused(
    project: Project, folder: str
) -> None:
    path = catalog_path(project.locales, folder, "sample")
    path.parent.mkdir(parents=True)
    shutil.copy(project.po("es", "sample"), path)
    problem = (
        f"{path}: {folder!r} is not a known language: name the catalog's folder after a "
        "language tag, for example es or pt_BR"
    )
    status = leaflet("i18n", "status")
    assert status.exit_code == 1 and "Traceback" not in status.output
    assert errors(status.stderr) == f"Error: {problem}\n"
    assert re.search(r"^ar .*\n^es .*translated", status.stdout, re.M), status.stdout

    result = leaflet("build", "sample", "--lang", "all", "--format", "html", "-j", "1",
                     "--out", "out")  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    language = folder.replace("_", "-")
    assert errors(result.stderr) == (
        f"Error: Unknown language '{language}': {path} is not the catalog of a known language\n"
    )
    assert outputs(project.root) == built(("en", *LANGUAGES)) | {
        "manifest.json",
        "index.html",
        CACHE,
    }


def test_a_catalog_whose_language_header_names_another_language_is_refused(
    project: Project,
) -> None:
    path = project.edit("es", '"Language: es\\n"', '"Language: ar\\n"')
    line = project.line("es", '"Language:')
    assert_refused(
        project,
        "es",
        f"{path}:{line}: Language: 'ar', but the catalog is the one of 'es' (its folder)",
    )


def test_a_review_line_with_an_impossible_date_is_refused(project: Project) -> None:
    # It used to end the build and `i18n status` with a traceback.
    path = project.po("es")
    path.write_text(
        "# Reviewed-By: Dra. Ana Ruiz; 2026-13-45\n" + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert_refused(project, "es", f"{path}:1: Reviewed-By: invalid date: month must be in 1..12")


def test_every_problem_of_a_catalog_is_reported_at_once(project: Project) -> None:
    path = project.edit("es", f'msgstr "ES {VERSION}"', 'msgstr "Versión"')
    project.edit("es", 'msgstr "ES Key takeaways"', 'msgstr "<b>Claves</b>"')
    version_line = project.line("es", f'msgid "{VERSION}"')
    heading_line = project.line("es", 'msgid "Key takeaways"')
    with pytest.raises(SourceError) as raised:
        read_catalog(path, "es")
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path}:{version_line}: msgid {VERSION!r}: "
        "translation has placeholders [], the source has ['%(version)s']",
        f"{path}:{heading_line}: msgid 'Key takeaways': "
        "translation has HTML markup ['</b>', '<b>'], the source has []",
    ]


def test_a_language_header_with_a_region_names_the_same_language(project: Project) -> None:
    path = project.edit("es", '"Language: es\\n"', '"Language: es_ES\\n"')
    assert read_catalog(path, "es").locale_identifier == "es_ES"


# --- Files that are not catalogs ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "link-out", "huge"])
def test_a_catalog_that_is_no_regular_file_is_refused_at_once(
    project: Project, tmp_path: Path, kind: str
) -> None:
    path = project.po("es", "sample")
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)  # read it and `i18n status` would hang forever
        reason = "not a regular file"
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # read it and memory would run out
        reason = "symbolic links are not followed"
    elif kind == "link-out":
        (tmp_path / "elsewhere.po").write_text('msgid ""\nmsgstr ""\n')
        path.symlink_to(tmp_path / "elsewhere.po")
        reason = "symbolic links are not followed"
    else:
        path.write_bytes(b"#" * 5_000_001)
        reason = "file is larger than 5,000,000 bytes"
    assert_refused(project, "es", f"{path}: {reason}")
