"""What is typed at the counter is untrusted text (issue 14, item 3): refused by the rules of
every printed text and a length limit, with the option and the position, never echoed."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

from leafletgen.cli import main
from leafletgen.counter import CounterError, PrintDetails
from tests.conftest import ROOT, SEED, minimal_leaflet, write_leaflet


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the private prints folder
    (tmp_path / "tmp").mkdir()
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", minimal_leaflet())
    return tmp_path


# (option, typed, the located message, the raw characters that must never be printed)
REFUSED = {
    "bidi-override-note": (
        "--note", "Take \u202e01\u202c mg at night",
        "--note: invisible direction control U+202E at character 6", "\u202e",
    ),
    "escape-and-bell-in-name": (
        "--patient", "Maria\x1b]0;pwned\x07 Lopez",
        "--patient: control character U+001B at character 6", "\x1b",
    ),
    "zero-width-space-in-name": (
        "--patient", "Maria\u200bLopez",
        "--patient: invisible character U+200B (ZERO WIDTH SPACE) at character 6", "\u200b",
    ),
    "hebrew-name-no-glyph": (
        "--patient", "\u05d3\u05d5\u05d3 Cohen",
        "--patient: character 1, U+05D3 (HEBREW LETTER DALET), is in none of the bundled "
        "fonts (templates/fonts)", "\u05d3",
    ),
    "cjk-note-no-glyph": (
        "--note", "Take \u4e00 tablet",
        "--note: character 6, U+4E00 (CJK UNIFIED IDEOGRAPH-4E00), is in none of the bundled "
        "fonts (templates/fonts)", "\u4e00",
    ),
    "private-use-in-name": (
        "--patient", "Ann \ue000",
        "--patient: character 5, U+E000 (private use), is in none of the bundled fonts "
        "(templates/fonts)", "\ue000",
    ),
    "line-separator-in-note": (
        "--note", "One\u2028Two",
        "--note: line or paragraph separator U+2028 (LINE SEPARATOR) (write a line break) at "
        "character 4", "\u2028",
    ),
    "stacked-marks-in-name": (
        "--patient", "Ze" + "\u0301" * 20,
        "--patient: combining mark U+0301 (COMBINING ACUTE ACCENT): more than 4 on one letter "
        "at character 7", "\u0301" * 5,
    ),
    "name-too-long": ("--patient", "A" * 101, "--patient: 101 characters: at most 100", "A" * 101),
    "note-too-long": ("--note", "word " * 101, "--note: 505 characters: at most 500", "word " * 101),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED)
def test_counter_input_is_refused_naming_the_option_without_echoing_it(
    project: Path, case: str
) -> None:
    option, typed, message, raw = REFUSED[case]
    target = project / "print.pdf"
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", "sample", option, typed, "-o", str(target)]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output == f"Error: {message}\n"
    assert raw not in result.output
    assert not target.exists()
    assert not any((project / "tmp").rglob("*.*"))  # nothing in the private prints folder


def test_print_details_validate_themselves_for_every_front_end() -> None:
    # The engine's own type refuses them: a web app gets the same rule as the command line.
    with pytest.raises(CounterError) as caught:
        PrintDetails(note="Take \u202e01\u202c mg")
    assert caught.value.field == "note"
    assert str(caught.value.message) == "note: invisible direction control U+202E at character 6"


def _rtl_lines(path: Path) -> list[str]:
    # A PDF stores a right-to-left line in visual order: read its glyphs back to front.
    lines = []
    for page in extract_pages(path):
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine):
                        chars = [c.get_text() for c in line if isinstance(c, LTChar)]
                        lines.append("".join(reversed(chars)))
    return lines


def _ltr_lines(path: Path) -> list[str]:
    return [
        line.get_text()
        for page in extract_pages(path)
        for element in page
        if isinstance(element, LTTextContainer)
        for line in element
        if isinstance(line, LTTextLine)
    ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("ar", "محمد علي"), ("ru", "Иван Петров"), ("es", "José Núñez")],
)
def test_an_accepted_name_reads_back_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, name: str
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    target = tmp_path / "print.pdf"
    result = CliRunner().invoke(
        main,
        ["--project", str(ROOT), "build", SEED.stem, "--lang", language, "--patient", name,
         "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = _rtl_lines(target) if language == "ar" else _ltr_lines(target)
    assert any(name in line for line in lines), [line for line in lines if name[:2] in line]


@pytest.mark.parametrize("name", ["राम शर्मा", "Jose\u0301 Nu\u0303n\u0303ez"])
def test_a_shaped_name_reads_back_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Devanagari draws a reph and vowel signs out of typed order, and one glyph stands for
    # different letters in different words: the line carries /ActualText with what was typed.
    # Read back as Chromium's viewer (pdfium) and poppler's readers do.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    target = tmp_path / "print.pdf"
    result = CliRunner().invoke(
        main, ["--project", str(ROOT), "build", SEED.stem, "--patient", name, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(target)
    assert name in document[0].get_textpage().get_text_range()
    document.close()
    poppler = subprocess.run(
        ["pdftotext", "-l", "1", str(target), "-"], capture_output=True, text=True, check=True
    )
    assert name in poppler.stdout
