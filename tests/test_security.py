"""Leaflet text is untrusted: it is printed, never interpreted, and the renderer reads only our assets."""

from __future__ import annotations

from pathlib import Path

import pytest

from leafletgen.errors import RenderError
from leafletgen.project import PACKAGE_TEMPLATES, Assets
from leafletgen.render.pdf.validate import check_pdfua
from leafletgen.render.pdf.weasy import render_pdf
from tests.conftest import build_files, minimal_leaflet, write_leaflet
from tests.pdfutil import body_text


def test_hostile_text_is_printed_literally(
    tmp_path: Path, trap_server: tuple[str, list[str]]
) -> None:
    url, requests = trap_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PATIENT-DATA", encoding="utf-8")
    hostile = [
        f"<img src=file://{secret}>",
        f'<link rel="stylesheet" href="{url}/evil.css">',
        f'<p style="background: url({url}/bg.png)">styled</p>',
        "{{ 7*7 }} {% include 'base.html.j2' %}",
        "<script>alert(1)</script>",
        f"[a real link]({url}/page)",
    ]
    source = write_leaflet(
        tmp_path,
        minimal_leaflet(
            title="<b>Title</b> {{ config }}",
            sections=[
                {"heading": "<h1>heading</h1>", "blocks": [{"paragraph": text} for text in hostile]}
            ],
        ),
    )
    report = build_files([source], tmp_path / "out", formats=("pdf", "html"))
    assert not report.failed, report.failed
    paths = {b.format: b.path for b in report.built}

    html = paths["html"].read_text(encoding="utf-8")
    assert "&lt;img src=file://" in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "<p>{{ 7*7 }} {% include &#39;base.html.j2&#39; %}</p>" in html
    assert "&lt;h1&gt;heading&lt;/h1&gt;" in html
    assert f'<a href="{url}/page">a real link</a>' in html

    text = body_text(paths["pdf"])
    for literal in (
        "<img src=file://",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "<h1>heading</h1>",
        "<b>Title</b>",
    ):
        assert literal in text
    for path in paths.values():
        assert b"TOP-SECRET-PATIENT-DATA" not in path.read_bytes()
    assert requests == []
    assert check_pdfua(paths["pdf"].read_bytes()).ok  # with a link annotation in it


@pytest.mark.parametrize(
    "reference",
    [
        "file:///etc/passwd",
        "../../../../../../etc/hostname",
        "{server}/x.css",
        "data:text/css,body{{color:red}}",
    ],
    ids=["absolute-file", "relative-escape", "http", "data-url"],
)
def test_renderer_refuses_anything_but_project_assets(
    reference: str, trap_server: tuple[str, list[str]]
) -> None:
    url, requests = trap_server
    target = reference.format(server=url)
    html = f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{target}"></head><body><p>x</p></body></html>'
    with pytest.raises(RenderError, match="renderer refused: not one of the project's assets"):
        render_pdf(html, name="probe.pdf", assets=Assets.of(PACKAGE_TEMPLATES))
    assert requests == []


def test_renderer_refuses_a_symlink_out_of_the_assets(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "outside.css").write_text("p { color: red }", encoding="utf-8")
    (assets / "link.css").symlink_to(tmp_path / "outside.css")
    html = '<html lang="en"><head><title>t</title><link rel="stylesheet" href="link.css"></head><body><p>x</p></body></html>'
    with pytest.raises(RenderError, match="not one of the project's assets"):
        render_pdf(html, name="probe.pdf", assets=Assets.of(assets))
