"""Content text is untrusted: printed literally, never interpreted, never reordered or hidden,
and never wider than the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer

from leafletgen.cli import main
from leafletgen.content.loader import load_leaflet
from tests.conftest import build_files, minimal_leaflet, write_leaflet
from tests.pdfutil import MM, body_text, normalize

# Every kind of field that prints text, each holding one hostile string.
HOSTILE = [
    "<img src=file:///etc/passwd>",
    '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
    '<p style="color: red; background: url(http://127.0.0.1:9/x)">styled</p>',
    "</p></body><script>alert(1)</script>",
    "{{ 7*7 }} {% include 'base.html.j2' %} {# comment #}",
    "&amp; &lt;b&gt; &#x41;",
    "url(file:///etc/passwd) @import 'x.css';",
]


def _everywhere(text: str) -> dict[str, object]:
    """A leaflet with ``text`` in the title, a heading, a paragraph, a list, a table caption,
    header and cell, a callout, a FAQ and the bottom line."""
    table = {"caption": text, "header": [text, "b"], "rows": [[text, "d"]]}
    return minimal_leaflet(
        title=f"Title {text}",
        key_takeaways=[f"Takeaway {text}"],
        sections=[
            {
                "heading": f"Heading {text}",
                "blocks": [
                    {"paragraph": f"Paragraph {text}"},
                    {"list": [f"Item {text}"]},
                    {"table": table},
                    {"callout": {"type": "warning", "text": f"Callout {text}"}},
                ],
            }
        ],
        faqs=[{"question": f"Question {text}", "answer": [f"Answer {text}"]}],
        bottom_line=[f"Bottom {text}"],
    )


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_html_css_and_template_syntax_are_printed_as_text(tmp_path: Path, text: str) -> None:
    source = write_leaflet(tmp_path, _everywhere(text))
    report = build_files([source], tmp_path / "out", formats=("pdf", "html"))
    assert not report.failed, report.failed
    paths = {built.format: built.path for built in report.built}

    page = _Page()
    page.feed(paths["html"].read_text(encoding="utf-8"))
    # No tag, attribute or template output of the text's own: it is all text.
    assert not {"img", "script", "link", "iframe"} & page.body_tags
    assert "style" not in page.body_attributes
    for field in ("Title", "Heading", "Paragraph", "Item", "Callout", "Question", "Answer"):
        assert normalize(f"{field} {text}") in normalize(page.text), field
    # A line may break inside the text, where the PDF has no space: compare without spaces.
    pdf_text = _unspaced(body_text(paths["pdf"]))
    for field in ("Title", "Heading", "Paragraph", "Item", "Callout", "Question", "Answer"):
        assert _unspaced(f"{field} {text}") in pdf_text, field


def _unspaced(text: str) -> str:
    return re.sub(r"\s", "", text)


class _Page(HTMLParser):
    """The tags and attributes inside <body>, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.body_tags: set[str] = set()
        self.body_attributes: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_body = self.in_body or tag == "body"
        if self.in_body:
            self.body_tags.add(tag)
            if tag != "col":  # a column's width, computed by the table layout, not text's
                self.body_attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        if self.in_body:
            self.text += data + " "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[x](javascript:alert%281%29)", "link target 'javascript:alert%281%29' at character 5"),
        ("[x](file:///etc/passwd)", "link target 'file:///etc/passwd' at character 5"),
        ("[x](//evil.example/a)", "link target '//evil.example/a' at character 5"),
        ("**bold", "'**' at character 1 is not closed"),
    ],
    ids=["javascript", "file", "scheme-relative", "unclosed-bold"],
)
def test_unsafe_or_broken_markup_is_a_located_error(
    tmp_path: Path, runner: CliRunner, text: str, message: str
) -> None:
    source = write_leaflet(tmp_path, minimal_leaflet(key_takeaways=[text]))
    result = runner.invoke(main, ["build", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{source}:" in result.output and "key_takeaways[0]:" in result.output
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


# Characters that change what a reader sees without being seen: refused with their position.
INVISIBLE = {
    **{f"U+{c:04X}": chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    "U+200B": "\u200b",  # zero width space
    "U+2060": "\u2060",  # word joiner
    "U+FEFF": "\ufeff",  # zero width no-break space
    "U+200D": "\u200d",  # zero width joiner, between Latin letters
    "U+200C": "\u200c",  # zero width non-joiner, between Latin letters
    "U+200F": "\u200f",  # right-to-left mark, in text without right-to-left letters
}


@pytest.mark.parametrize("code", INVISIBLE, ids=list(INVISIBLE))
def test_direction_controls_and_zero_width_characters_are_refused(
    tmp_path: Path, runner: CliRunner, code: str
) -> None:
    text = f"Do not{INVISIBLE[code]}stop taking it suddenly."  # the character is the 7th
    source = write_leaflet(
        tmp_path,
        minimal_leaflet(
            sections=[
                {"heading": "Stopping", "blocks": [{"paragraph": "Fine."}, {"paragraph": text}]}
            ]
        ),
    )
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.output
    line = next(n for n, t in enumerate(source.read_text().splitlines(), 1) if "Do not" in t)
    assert lines[0].startswith(f"Error: {source}:{line}: sections[0].blocks[1].paragraph: ")
    assert f"{code} " in lines[0] and lines[0].endswith("at character 7")
    assert not out.exists() or not any(out.rglob("*.*"))


@pytest.mark.parametrize(
    "text",
    [
        "می\u200cخواهم",  # Persian: the non-joiner is part of the spelling
        "नमस्\u200dते",  # Devanagari: a joiner inside a conjunct
        "كلونازيبام\u200f (Klonopin)",  # Arabic: a mark keeps the Latin name in order
        "co\u00adoperate",  # a soft hyphen: a hyphenation point, printed only at a line end
    ],
    ids=["persian-zwnj", "devanagari-zwj", "arabic-rlm", "soft-hyphen"],
)
def test_invisible_characters_a_script_needs_are_kept(tmp_path: Path, text: str) -> None:
    leaflet = load_leaflet(write_leaflet(tmp_path, minimal_leaflet(key_takeaways=[text])))
    assert leaflet.key_takeaways == [text]


LONG_WORD = "Dimethylaminopropyl" * 16  # 304 letters, no place to break
LONG_URL = "https://example.org/" + "a" * 250


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_extremely_long_words_and_cells_wrap_inside_the_page(tmp_path: Path, variant: str) -> None:
    three = {
        "caption": "Three columns",
        "header": ["Name", "Value", "Note"],
        "rows": [[LONG_WORD, "x" * 150, "short"], ["a", "b", LONG_WORD]],
    }
    two = {"caption": "Two columns", "header": ["Name", "Value"], "rows": [[LONG_WORD, LONG_WORD]]}
    source = write_leaflet(
        tmp_path,
        minimal_leaflet(
            title="Title " + LONG_WORD[:100],
            sections=[
                {
                    "heading": "Heading " + LONG_WORD,
                    "blocks": [
                        {"paragraph": f"Before {LONG_WORD} after."},
                        {"list": [f"Item {LONG_WORD}"]},
                        {"table": three},
                        {"table": two},
                        {"callout": {"type": "warning", "text": LONG_WORD}},
                        {"paragraph": f"[{LONG_WORD}]({LONG_URL})"},
                    ],
                }
            ],
        ),
    )
    report = build_files([source], tmp_path / "out", variants=(variant,))
    assert not report.failed, report.failed
    pdf = report.built[0].path
    side = (20 if variant == "large-print" else 18) * MM  # the page's side margins
    chars = 0
    for page in extract_pages(pdf):
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                for char in line:
                    if isinstance(char, LTChar) and char.get_text().strip():
                        chars += 1
                        assert side - 1 <= char.x0 and char.x1 <= page.width - side + 1, (
                            f"{char.get_text()!r} at x {char.x0:.0f}–{char.x1:.0f} of {page.width:.0f}"
                        )
    # Every letter is printed: the long words are wrapped, not cut.
    assert chars > 9 * len(LONG_WORD)
    assert LONG_WORD in body_text(pdf).replace(" ", "")
