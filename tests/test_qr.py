"""The QR code on paper: with `[publish] base_url`, every PDF carries a vector QR code to its
HTML twin there, tagged as a Figure with alternative text; a decoder reads the expected
address off a rendered page; never a patient detail in it; nothing without a base URL."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from leafletgen.config import PublishSettings
from leafletgen.counter import PrintDetails
from leafletgen.engine import Request, render
from leafletgen.errors import SourceError
from tests.conftest import ROOT, SEED, make_project, minimal_leaflet, write_leaflet

BASE = "https://leaflets.example.org/published"


def _project(root: Path, settings: str = f'[publish]\nbase_url = "{BASE}/"\n', **changes: object):  # type: ignore[no-untyped-def]
    (root / "leaflets").mkdir(parents=True)
    write_leaflet(root / "leaflets", minimal_leaflet(**changes))
    (root / "leaflet.toml").write_text(settings, encoding="utf-8")
    return make_project(root=root)


def decoded(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code zbar finds on the PDF's pages, drawn at 150 dpi."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbar-tools (scripts/install-system-deps.sh)"
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for index in range(len(document)):
        image = tmp_path / f"page-{index}.png"
        document[index].render(scale=150 / 72).to_pil().save(image)
        result = subprocess.run(
            [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found += result.stdout.splitlines()
    return found


def _figures(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            str(element.get("/Alt", ""))
            for element in _elements(document.Root.StructTreeRoot)
            if element.get("/S") == "/Figure"
        ]


def _elements(node: pikepdf.Object):  # type: ignore[no-untyped-def]
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_the_pdf_carries_a_code_a_phone_can_read(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    rendered = render(project, Request("sample"))
    expected = f"{BASE}/sample/sample.en.standard.a4.html"
    assert decoded(rendered.data, tmp_path) == [expected]
    assert _figures(rendered.data) == [f"QR {expected}"]
    text = "".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(rendered.data)
    )
    assert expected in text.replace("\r", "").replace("\n", "")  # printed beside it
    # Vector: the code is drawn as paths, never a picture of pixels.
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        images = [
            name
            for page in pdf.pages
            for name, xobject in page.Resources.get("/XObject", {}).items()
            if xobject.get("/Subtype") == "/Image"
        ]
    assert images == []


def test_each_language_and_variant_points_to_its_own_twin(tmp_path: Path) -> None:
    shipped = make_project(root=ROOT)
    config = shipped.config.model_copy(update={"publish": PublishSettings(base_url=BASE)})
    project = dataclasses.replace(shipped, config=config)
    rendered = render(project, Request(SEED.stem, "ar", variant="plain"))
    expected = f"{BASE}/{SEED.stem}/{SEED.stem}.ar.plain.a4.html"
    assert decoded(rendered.data, tmp_path) == [expected]
    assert _figures(rendered.data) == [f"QR {expected}"]


def test_a_counter_print_points_to_the_published_leaflet_only(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    details = PrintDetails(
        patient="Maria Lopez", note="Take with food", printed_on=date(2026, 12, 1)
    )
    rendered = render(project, Request("sample", counter=details))
    (url,) = decoded(rendered.data, tmp_path)
    assert url == f"{BASE}/sample/sample.en.standard.a4.html"
    assert "Maria" not in url and "Lopez" not in url and "food" not in url


def test_no_base_url_no_code_and_the_html_twin_never_has_one(tmp_path: Path) -> None:
    plain = _project(tmp_path / "plain", settings="")
    without = render(plain, Request("sample")).data
    assert decoded(without, tmp_path) == [] and _figures(without) == []
    html = render(_project(tmp_path / "qr"), Request("sample", format="html")).data
    assert b"qr-link" not in html and BASE.encode() not in html
    # The same HTML twin as without a base URL: only the paper carries the code.
    assert html == render(plain, Request("sample", format="html")).data


@pytest.mark.parametrize(
    "value",
    [
        "ftp://leaflets.example.org",
        "https://leaflets.example.org/?patient=x",
        "https://leaflets.example.org/#x",
        "https://user:pw@leaflets.example.org/",
        "https://leaflets.example.org/a b",
        "leaflets.example.org",
    ],
)
def test_a_base_url_is_a_plain_web_address(tmp_path: Path, value: str) -> None:
    with pytest.raises(SourceError, match=r"publish\.base_url"):
        _project(tmp_path, settings=f'[publish]\nbase_url = "{value}"\n')


def _twin_links(html: bytes) -> list[tuple[str, str, str]]:
    """The links of the HTML twin's "other formats" list: (href, type, text)."""
    import lxml.html

    page = lxml.html.fromstring(html)
    return [
        (a.get("href"), a.get("type"), a.text_content())
        for a in page.xpath('//nav[@aria-labelledby="formats-heading"]//a')
    ]


def _build(project, formats: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from leafletgen.publish.build import build
    from leafletgen.publish.plan import BuildRequest

    report = build(project, BuildRequest(leaflets=("sample",), formats=formats))
    assert not report.failed, report.failed
    return report


@pytest.mark.slow
def test_the_code_leads_to_the_twin_and_the_twin_to_the_audio_built_beside_it(
    tmp_path: Path,
) -> None:
    """What a carer does with a phone: read the code off the printed page, open that address
    in the published folder, follow the page's link to the recording of the same leaflet,
    language and variant, and find a file the build wrote and checked."""
    import dataclasses as dc

    project = dc.replace(_project(tmp_path / "p"), output_dir=tmp_path / "site")
    _build(project, ("pdf", "html", "audio", "brf"))
    folder = tmp_path / "site" / "sample"
    (url,) = decoded((folder / "sample.en.standard.a4.pdf").read_bytes(), tmp_path)
    assert url == f"{BASE}/sample/sample.en.standard.a4.html"
    twin = folder / url.removeprefix(f"{BASE}/sample/")
    links = _twin_links(twin.read_bytes())
    assert [(href, kind) for href, kind, _ in links] == [
        ("sample.en.standard.a4.ogg", "audio/ogg; codecs=opus"),  # the audio first
        ("sample.en.standard.a4.brf", "text/plain; charset=us-ascii"),
        ("sample.en.standard.a4.pdf", "application/pdf"),
    ]
    assert links[0][2] == "Listen: the leaflet read aloud"
    from leafletgen.publish.manifest import Manifest
    from leafletgen.render.audio import probe

    manifest = Manifest(tmp_path / "site")
    for href, _, _ in links:
        entry = manifest.entry(folder / href)
        assert entry is not None and (folder / href).is_file()
        assert entry["check"].split(" ")[-1] != "FAIL"
    assert probe((folder / links[0][0]).read_bytes()).duration > 1  # a recording, decoded


def test_the_twin_links_what_the_build_plans_never_what_lies_on_disk(tmp_path: Path) -> None:
    """The braille built first, then the page alone: the page links nothing (its bytes are
    the same as in a folder without the braille); built together, it links the braille, and
    the PDF is the same in every case, so no order of builds changes what is printed."""
    import dataclasses as dc

    base = _project(tmp_path / "p")
    first = dc.replace(base, output_dir=tmp_path / "first")
    _build(first, ("brf",))
    _build(first, ("pdf", "html"))
    alone = dc.replace(base, output_dir=tmp_path / "alone")
    _build(alone, ("pdf", "html"))
    together = dc.replace(base, output_dir=tmp_path / "together")
    _build(together, ("brf", "pdf", "html"))
    name = "sample/sample.en.standard.a4"
    read = lambda site, suffix: (tmp_path / site / f"{name}{suffix}").read_bytes()  # noqa: E731
    assert read("first", ".html") == read("alone", ".html")
    assert [href for href, _, _ in _twin_links(read("first", ".html"))] == [
        "sample.en.standard.a4.pdf"
    ]
    assert [href for href, _, _ in _twin_links(read("together", ".html"))] == [
        "sample.en.standard.a4.brf",
        "sample.en.standard.a4.pdf",
    ]
    assert read("first", ".pdf") == read("alone", ".pdf") == read("together", ".pdf")
    # The links are a planned input of the page: building it with the braille rebuilds the
    # page alone (the braille and the PDF are current).
    report = _build(first, ("brf", "pdf", "html"))
    assert [Path(b.path).suffix for b in report.built] == [".html"]
    assert read("first", ".html") == read("together", ".html")


def test_the_twin_links_in_its_own_language(tmp_path: Path) -> None:
    shipped = make_project(root=ROOT)
    rendered = render(
        shipped, Request(SEED.stem, "ar", format="html", companions=("audio", "epub", "html"))
    )
    links = _twin_links(rendered.data)
    assert [href for href, _, _ in links] == [
        f"{SEED.stem}.ar.standard.a4.ogg",
        f"{SEED.stem}.ar.standard.a4.epub",
    ]
    assert links[0][2] == "استمع: النشرة مقروءة بصوت عالٍ"
    assert 'hreflang="ar"' in rendered.data.decode()
    # A counter print's page (no planned formats) links nothing.
    assert _twin_links(render(shipped, Request(SEED.stem, "ar", format="html")).data) == []
