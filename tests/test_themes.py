"""A clinic's theme (docs/theming.md): its templates/ over the package's, file by file; a
template that extends the default and fills a block; stylesheets after every shipped layer;
fonts and images of its own. Each shows in the PDF and in the HTML twin, and nothing that is
not a template asset reaches either."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from PIL import Image

from leafletgen.cli import main
from leafletgen.engine import Request, prepare, render
from leafletgen.errors import LeafletError, SourceError
from leafletgen.project import PACKAGE_TEMPLATES, Project
from leafletgen.publish.build import build
from leafletgen.publish.manifest import Manifest
from leafletgen.publish.plan import BuildRequest
from leafletgen.render.templates import HTML_TWIN_STYLESHEET, render_html
from leafletgen.variants import PAPERS, VARIANTS
from tests.conftest import ROOT, SEED, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text, char_sizes
from tests.test_css import PALETTE, contrast

CLINIC_ACCENT = "#5a1a5a"  # a clinic's purple, in place of the shipped --accent
SHIPPED_ACCENT = PALETTE["accent"]
FOOTER_LINE = "Questions? Call Riverside Clinic on 555 0100."
HEADER_LINE = "Riverside Clinic pharmacy service"
FONT_NAME = "Riverside Test Sans"  # inside the theme's font file, so its bytes are its own

THEME_CSS = f"""\
@font-face {{
  font-family: "Clinic Sans";
  src: url("../fonts/ClinicSans-Regular.ttf");
  font-weight: 400;
  font-style: normal;
}}
:root {{ --accent: {CLINIC_ACCENT}; --rule: {CLINIC_ACCENT}; }}
.clinic-line {{ font-family: "Clinic Sans", "Leaflet Sans"; }}
.clinic-logo {{ block-size: 10mm; }}
/* large-print.css sets .kicker to 18pt with the same specificity: this wins only if last */
.kicker {{ font-size: 19pt; }}
"""

THEME_TEMPLATE = f"""\
{{% extends "default/leaflet.html.j2" %}}
{{% block header_start %}}
  <p><img class="clinic-logo" src="{{{{ asset_url('images/logo.png') }}}}" alt="Riverside Clinic"></p>
{{% endblock %}}
{{% block header_end %}}
  <p class="clinic-line">{HEADER_LINE}</p>
{{% endblock %}}
{{% block about_end %}}
  <p class="clinic-line">{FOOTER_LINE}</p>
{{% endblock %}}
"""


def leaflet(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def new_project(root: Path, *, extra_css: list[str] | None = None) -> Path:
    (root / "leaflets").mkdir(parents=True)
    write_leaflet(root / "leaflets", minimal_leaflet())
    if extra_css is not None:
        (root / "leaflet.toml").write_text(f"[theme]\nextra_css = {json.dumps(extra_css)}\n")
    return root


def write_asset(project: Path, name: str, data: str | bytes) -> Path:
    path = project / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def renamed_font(target: Path) -> bytes:
    """A bundled font under a name of its own: a different file, recognisable in a PDF."""
    font = TTFont(PACKAGE_TEMPLATES / "fonts" / "NotoSans-Regular.ttf", recalcTimestamp=False)
    font["name"].setName(FONT_NAME, 1, 3, 1, 0x409)
    font["name"].setName(FONT_NAME.replace(" ", "") + "-Regular", 6, 3, 1, 0x409)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return target.read_bytes()


def build_outputs(project: Path, *args: str) -> dict[tuple[str, str], Path]:
    out = project / "output"
    code, output = leaflet(
        project, "build", "sample", "--format", "pdf,html", "--out", str(out), *args
    )
    assert code == 0, output
    return {(p.name.split(".")[2], p.suffix[1:]): p for p in out.rglob("sample.*")}


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """A clinic's project with a theme, built in standard and large print, PDF and HTML."""
    project = new_project(tmp_path_factory.mktemp("themed"), extra_css=["css/clinic.css"])
    write_asset(project, "css/clinic.css", THEME_CSS)
    write_asset(project, "leaflet.html.j2", THEME_TEMPLATE)
    renamed_font(project / "templates" / "fonts" / "ClinicSans-Regular.ttf")
    logo = project / "templates" / "images" / "logo.png"
    logo.parent.mkdir()
    Image.new("RGB", (120, 40), "#286428").save(logo)  # not the accent: pixels count the CSS
    return build_outputs(project, "--variant", "standard,large-print")


def fill_colours(pdf_path: Path, page: int = 0) -> set[str]:
    """The fill colours a page's content stream sets, as #rrggbb."""
    with pikepdf.open(pdf_path) as pdf:
        return {
            "#" + "".join(f"{round(float(x) * 255):02x}" for x in operands)
            for operands, operator in pikepdf.parse_content_stream(pdf.pages[page])
            if str(operator) == "rg"
        }


def pixels_near(pdf_path: Path, colour: str, tmp_path: Path) -> int:
    """How many pixels of page 1, rasterized by pdftoppm, are (nearly) ``colour``."""
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_path), str(prefix)],
        check=True,
    )
    data = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB").tobytes()
    target = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return sum(
        1
        for pixel in zip(data[0::3], data[1::3], data[2::3], strict=True)
        if all(abs(channel - want) <= 12 for channel, want in zip(pixel, target, strict=True))
    )


def font_programs(pdf_path: Path) -> list[bytes]:
    with pikepdf.open(pdf_path) as pdf:
        return [
            obj.FontFile2.read_bytes()
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj
        ]


def has_font_named(pdf_path: Path, family: str) -> bool:
    # The subset keeps the name table, in UTF-16 (Windows) records.
    return any(family.encode("utf-16-be") in program for program in font_programs(pdf_path))


def test_the_theme_colour_keeps_the_promised_contrast() -> None:
    for background in ("paper", "tint", "warning-tint"):
        assert contrast(CLINIC_ACCENT, PALETTE[background]) >= 7, background


def test_a_css_variable_recolours_the_pdf(
    themed: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    # WeasyPrint 70 resolves var(): one custom property changes every heading, rule and link.
    colours = fill_colours(themed["standard", "pdf"])
    assert CLINIC_ACCENT in colours and SHIPPED_ACCENT not in colours, colours
    assert pixels_near(themed["standard", "pdf"], CLINIC_ACCENT, tmp_path) > 100
    assert pixels_near(themed["standard", "pdf"], SHIPPED_ACCENT, tmp_path) == 0


def test_a_css_variable_recolours_the_html_twin(themed: dict[tuple[str, str], Path]) -> None:
    page = themed["standard", "html"].read_text(encoding="utf-8")
    assert f"--accent: {CLINIC_ACCENT}" in page
    # The theme's rules come after the HTML twin's own stylesheet, the last shipped layer.
    assert page.index(f"--accent: {CLINIC_ACCENT}") > page.index("scroll-margin-block-start")


def test_a_filled_block_prints_in_the_pdf_and_the_html(
    themed: dict[tuple[str, str], Path],
) -> None:
    for variant in ("standard", "large-print"):
        text = body_text(themed[variant, "pdf"])
        assert FOOTER_LINE in text and HEADER_LINE in text
        # The rest of the default template is still there, the new line after the about text.
        assert text.index("About this leaflet") < text.index(FOOTER_LINE)
        assert text.index(HEADER_LINE) < text.index("Key takeaways")
        page = themed[variant, "html"].read_text(encoding="utf-8")
        assert FOOTER_LINE in page and HEADER_LINE in page
        assert page.index('id="about"') < page.index(FOOTER_LINE) < page.index("</footer>")


def test_extra_css_is_the_last_layer(themed: dict[tuple[str, str], Path]) -> None:
    # Large print sets .kicker to 18 pt with the theme's specificity: the theme's 19 pt wins.
    assert 19.0 in char_sizes(themed["large-print", "pdf"])
    assert 19.0 in char_sizes(themed["standard", "pdf"])


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("standalone", [False, True], ids=["pdf", "html"])
def test_extra_css_follows_every_shipped_layer(
    language: str, variant: str, standalone: bool
) -> None:
    prepared = prepare(Project.load(ROOT), str(SEED), language, variant)
    rendered = render_html(
        prepared.edition,
        prepared.localization,
        Project.load(ROOT).assets,
        paper=PAPERS["a4"],
        standalone=standalone,
        extra_css=("css/plain.css", "css/base.css"),  # shipped files, to need no project
    )
    shipped = rendered.stylesheets[:-2]
    assert rendered.stylesheets[-2:] == ("css/plain.css", "css/base.css")
    assert shipped[0] == "css/base.css" and (HTML_TWIN_STYLESHEET in shipped) == standalone
    if language == "ar":
        assert "css/rtl.css" in shipped


def test_the_theme_font_is_embedded_in_both_formats(
    themed: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    assert has_font_named(themed["standard", "pdf"], FONT_NAME)
    font = renamed_font(tmp_path / "font.ttf")
    page = themed["standard", "html"].read_text(encoding="utf-8")
    assert base64.b64encode(font).decode("ascii") in page


def test_the_theme_image_is_in_both_formats(themed: dict[tuple[str, str], Path]) -> None:
    with pikepdf.open(themed["standard", "pdf"]) as pdf:
        images = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
    assert [(int(i.Width), int(i.Height)) for i in images] == [(120, 40)]
    page = themed["standard", "html"].read_text(encoding="utf-8")
    assert re.search(r'<img class="clinic-logo" src="data:image/png;base64,', page)


def test_the_themed_pdf_passes_check_built(themed: dict[tuple[str, str], Path]) -> None:
    # check --built holds a theme to the variant's smallest size and every other promise.
    out = themed["standard", "pdf"].parent.parent
    project = out.parent
    code, output = leaflet(project, "check", "--built", "--out", str(out))
    assert code == 0, output


def test_a_project_file_overrides_the_package_file_of_the_same_name(tmp_path: Path) -> None:
    # No setting: the project's css/base.css and its Atkinson font replace the package's.
    project = new_project(tmp_path / "project")
    base = (PACKAGE_TEMPLATES / "css" / "base.css").read_text(encoding="utf-8")
    write_asset(project, "css/base.css", base.replace(SHIPPED_ACCENT, CLINIC_ACCENT))
    font = renamed_font(project / "templates" / "fonts" / "AtkinsonHyperlegible-Regular.ttf")
    built = build_outputs(project)
    assert CLINIC_ACCENT in fill_colours(built["standard", "pdf"])
    assert has_font_named(built["standard", "pdf"], FONT_NAME)
    page = built["standard", "html"].read_text(encoding="utf-8")
    shipped_font = (PACKAGE_TEMPLATES / "fonts" / "AtkinsonHyperlegible-Regular.ttf").read_bytes()
    assert base64.b64encode(font).decode("ascii") in page
    assert base64.b64encode(shipped_font).decode("ascii") not in page
    assert f"--accent: {CLINIC_ACCENT}" in page and f"--accent: {SHIPPED_ACCENT}" not in page


def test_a_template_that_only_extends_the_default_changes_nothing(tmp_path: Path) -> None:
    # The empty blocks print nothing: the shipped output, byte for byte.
    plain = build_outputs(new_project(tmp_path / "plain"))
    extended = new_project(tmp_path / "extended")
    write_asset(extended, "leaflet.html.j2", '{% extends "default/leaflet.html.j2" %}\n')
    write_asset(extended, "base.html.j2", '{% extends "default/base.html.j2" %}\n')
    same = build_outputs(extended)
    assert plain.keys() == same.keys()
    for key, path in plain.items():
        assert path.read_bytes() == same[key].read_bytes(), key


def test_a_project_without_a_theme_records_no_theme_input(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project")
    build_outputs(project)
    entries = list(Manifest(project / "output").entries.values())
    assert entries and all("theme" not in entry["inputs"] for entry in entries)


def test_changing_the_setting_rebuilds(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", extra_css=["css/a.css"])
    write_asset(project, "css/a.css", "h1 { color: var(--ink); }\n")
    write_asset(project, "css/b.css", "h2 { color: var(--ink); }\n")
    request = BuildRequest(leaflets=("sample",), formats=("html",))

    def built_again(settings: list[str] | None) -> bool:
        toml = project / "leaflet.toml"
        if settings is None:
            toml.unlink()
        else:
            toml.write_text(f"[theme]\nextra_css = {json.dumps(settings)}\n", encoding="utf-8")
        report = build(Project.load(project), request)
        assert not report.failed, report.failed
        return bool(report.built)

    assert built_again(["css/a.css"])
    assert not built_again(["css/a.css"])
    assert built_again(["css/a.css", "css/b.css"])
    assert built_again(["css/b.css", "css/a.css"])  # the order is the cascade
    assert built_again(None)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("../clinic.css", "no '..'"),
        ("/etc/clinic.css", "relative"),
        ("css/missing.css", "no such file"),
        ("css/clinic.txt", "not a stylesheet"),
        ("css\\clinic.css", "with '/'"),
    ],
)
def test_a_bad_extra_css_setting_is_refused(tmp_path: Path, setting: str, message: str) -> None:
    project = new_project(tmp_path / "project", extra_css=[setting])
    write_asset(project, "css/clinic.txt", "")
    with pytest.raises(SourceError, match=re.escape(message)) as caught:
        Project.load(project)
    assert "theme.extra_css" in str(caught.value)
    code, output = leaflet(project, "build", "sample")
    assert code != 0 and "theme.extra_css" in output


def test_a_stylesheet_listed_twice_is_refused(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", extra_css=["css/base.css", "css/base.css"])
    with pytest.raises(SourceError, match="listed twice"):
        Project.load(project)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret" / "Secret.ttf"
    path.parent.mkdir()
    shutil.copy(PACKAGE_TEMPLATES / "fonts" / "NotoSans-Regular.ttf", path)
    return path


@pytest.mark.parametrize("reference", ["../../../secret/Secret.ttf", "absolute", "link"])
@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_theme_cannot_reach_a_file_outside_the_templates(
    tmp_path: Path, secret: Path, reference: str, fmt: str
) -> None:
    project = new_project(tmp_path / "project", extra_css=["css/clinic.css"])
    if reference == "absolute":
        reference = secret.as_uri()
    elif reference == "link":
        (project / "templates" / "fonts").mkdir(parents=True)
        (project / "templates" / "fonts" / "Linked.ttf").symlink_to(secret)
        reference = "../fonts/Linked.ttf"
    write_asset(
        project,
        "css/clinic.css",
        f'@font-face {{ font-family: "Leaflet Sans"; src: url("{reference}"); }}\n',
    )
    with pytest.raises(LeafletError, match=r"not one of the|outside the templates"):
        render(Project.load(project), Request("sample", format=fmt))


def test_a_broken_theme_fails_its_outputs_and_the_index_not_the_batch(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", extra_css=["css/clinic.css"])
    write_asset(project, "css/clinic.css", 'h1 { background: url("https://example.org/x.png"); }')
    report = build(
        Project.load(project), BuildRequest(leaflets=("sample",), formats=("pdf", "html"))
    )
    assert not report.built
    assert len(report.failed) == 2  # the job (its PDF refused first) and index.html
    assert any("not one of the templates' files" in failure.message for failure in report.failed)


@pytest.mark.parametrize("css", ['@import "base.css";', "p::after { content: '</style>'; }"])
def test_a_theme_stylesheet_that_cannot_go_inside_a_page_is_refused(
    tmp_path: Path, css: str
) -> None:
    project = new_project(tmp_path / "project", extra_css=["css/clinic.css"])
    write_asset(project, "css/clinic.css", css + "\n")
    with pytest.raises(LeafletError, match="cannot go inside a page"):
        render(Project.load(project), Request("sample", format="html"))


def test_every_block_of_the_shipped_templates_is_documented() -> None:
    documented = (ROOT / "docs" / "theming.md").read_text(encoding="utf-8")
    for template in ("base.html.j2", "leaflet.html.j2"):
        source = (PACKAGE_TEMPLATES / template).read_text(encoding="utf-8")
        # Only the real tags: the example in leaflet.html.j2's opening comment is not one.
        source = re.sub(r"\{#.*?#\}", "", source, flags=re.DOTALL)
        for block in re.findall(r"\{%-?\s*block\s+(\w+)", source):
            assert f"`{block}`" in documented, (template, block)


@pytest.mark.slow
def test_the_theme_reaches_the_e_book(themed: dict[tuple[str, str], Path]) -> None:
    import zipfile

    project = themed[("standard", "pdf")].parents[2]
    code, output = leaflet(
        project, "build", "sample", "--format", "epub", "--out", str(project / "epub")
    )
    assert code == 0, output  # epubcheck passed it: every picture and font it names is inside
    book = zipfile.ZipFile(next((project / "epub").rglob("*.epub")))
    names = book.namelist()
    assert "EPUB/images/logo.png" in names and "EPUB/css/clinic.css" in names
    assert "EPUB/fonts/ClinicSans-Regular.ttf" in names
    assert b'src="images/logo.png"' in book.read("EPUB/chapter-01.xhtml")
