"""Coverage and size limits are source checks (issue 14, item 4): a character no bundled font
has, a word of thousands of letters or a tower of combining marks is a located error when the
source or catalog is read, not a failed (or endless) render."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.content.coverage import covered
from leafletgen.errors import SourceError
from leafletgen.i18n.lint import read_catalog
from leafletgen.project import FONTS, PACKAGE_TEMPLATES
from tests.conftest import minimal_leaflet, write_leaflet

FIELD = "sections[0].blocks[0].paragraph"

# (paragraph text, the message after "file:line: field: ")
REFUSED = {
    "hebrew": (
        "Ask \u05e9\u05dc\u05d5\u05dd first.",
        "character 5, U+05E9 (HEBREW LETTER SHIN), is in none of the bundled fonts "
        "(templates/fonts)",
    ),
    "cjk": (
        "Take \u85ac daily.",
        "character 6, U+85AC (CJK UNIFIED IDEOGRAPH-85AC), is in none of the bundled fonts "
        "(templates/fonts)",
    ),
    "private-use": (
        "Call \ue000 now.",
        "character 6, U+E000 (private use), is in none of the bundled fonts (templates/fonts)",
    ),
    "line-separator": (
        "One\u2028two.",
        "line or paragraph separator U+2028 (LINE SEPARATOR) (write a line break) at character 4",
    ),
    "stacked-marks": (
        "Zalgo" + "\u0301" * 100,
        "combining mark U+0301 (COMBINING ACUTE ACCENT): more than 4 on one letter at character 10",
    ),
    # 334 s to lay out before: refused by the text's length before its words are looked at.
    "word-of-200000-letters": (
        "Before " + "a" * 200_000 + " after.",
        "200,014 characters: a text is at most 5,000",
    ),
    "long-word": (
        "Before " + "a" * 600 + " after.",
        "a word of 600 characters at character 8: a word is at most 500 (a long web address "
        "can be a link: [label](address))",
    ),
    "long-link-label": (
        "[" + "b" * 501 + "](https://example.org/)",
        "a word of 501 characters at character 2: a word is at most 500 (a long web address can "
        "be a link: [label](address))",
    ),
    "long-link-target": (
        "[site](https://example.org/" + "c" * 2_000 + ")",
        "link target at character 8 has 2,020 characters: at most 2,000",
    ),
    "long-paragraph": (
        "word " * 1_001,
        "5,004 characters: a text is at most 5,000",
    ),
}


def _source(tmp_path: Path, text: str) -> Path:
    section = {"heading": "What it is", "blocks": [{"paragraph": text}]}
    return write_leaflet(tmp_path / "leaflets", minimal_leaflet(sections=[section]))


@pytest.mark.parametrize("case", REFUSED)
def test_a_source_is_refused_with_file_line_and_field(tmp_path: Path, case: str) -> None:
    text, message = REFUSED[case]
    (tmp_path / "leaflets").mkdir()
    (tmp_path / "leaflet.toml").write_text("", encoding="utf-8")
    source = _source(tmp_path, text)
    line = next(n for n, t in enumerate(source.read_text().splitlines(), 1) if "paragraph:" in t)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--project", str(tmp_path), "build", "sample", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"Error: {source}:{line}: {FIELD}: {message}"
    assert not out.exists() or not any(out.rglob("*.*"))


def test_a_long_web_address_in_a_link_and_a_long_chemical_name_are_kept(tmp_path: Path) -> None:
    (tmp_path / "leaflets").mkdir()
    text = "Dimethylaminopropyl" * 26 + " [site](https://example.org/" + "a" * 1_900 + ")"
    from leafletgen.content.loader import load_leaflet

    load_leaflet(_source(tmp_path, text))  # 494 letters, a 1,920-character target: no error


CATALOG = """\
msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgctxt "sample|sections[0].blocks[0].paragraph"
msgid "A sample medicine."
msgstr "{translation}"
"""


@pytest.mark.parametrize(
    ("translation", "message"),
    [
        ("Пример \u05d0.", "character 8, U+05D0 (HEBREW LETTER ALEF), is in none of the bundled "
         "fonts (templates/fonts)"),
        ("Пример" + "\u0301" * 9, "combining mark U+0301 (COMBINING ACUTE ACCENT): more than 4 "
         "on one letter at character 11"),
        ("Пример \u4e2d.", "character 8, U+4E2D (CJK UNIFIED IDEOGRAPH-4E2D), is in none of the "
         "bundled fonts (templates/fonts)"),
    ],
)  # fmt: skip
def test_a_catalog_translation_is_refused_with_its_line(
    tmp_path: Path, translation: str, message: str
) -> None:
    path = tmp_path / "ru" / "LC_MESSAGES" / "sample.po"
    path.parent.mkdir(parents=True)
    path.write_text(CATALOG.format(translation=translation), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_catalog(path, "ru")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:9: sample|sections[0].blocks[0].paragraph: translation of "
        f"'A sample medicine.': {message}"
    ]


def test_coverage_is_read_from_the_bundled_fonts_once() -> None:
    fonts = PACKAGE_TEMPLATES / FONTS
    points = covered(fonts)
    assert covered(fonts) is points  # once per process
    assert ord("ж") in points and ord("ب") in points and ord("a") in points
    assert 0x05D0 not in points and 0x4E00 not in points
