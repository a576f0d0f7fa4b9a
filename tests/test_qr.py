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
