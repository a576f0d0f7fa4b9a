"""Give shaped text its typed characters back in the PDF's text layer.

A PDF maps each glyph to characters once per font (its ToUnicode map), and WeasyPrint fills
that map from the first cluster it draws each glyph in. Two mechanisms, one for each kind of
glyph run, make every reader (pdf.js, poppler, pdfium, screen readers) read the typed text:

- ``repair_to_unicode``, after rendering: where glyphs map one to one or many to one (a
  letter, a mark, an Arabic ligature) the font's own map is made right for every use of
  the glyph. pdf.js reads nothing else (it ignores ``/ActualText``).
- ``/ActualText``, while drawing: where a run cannot map so (a Devanagari reph or vowel sign
  drawn before its consonant, a glyph standing for different characters in different
  clusters), each such line is drawn inside a marked span holding its characters in
  logical order.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pikepdf
import pydyf
from fontTools.ttLib import TTFont

# Scripts whose shaping can reorder or split characters across glyphs (Unicode blocks):
# Devanagari to Sinhala, Thai to Tibetan, Myanmar, Khmer, Mongolian, the Indic extensions.
_REORDERING = (
    (0x0900, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1780, 0x18AF),
    (0x1CD0, 0x1CFF),
    (0xA830, 0xA8FF),
)
# Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms):
# their glyphs are drawn in visual order, one glyph for a letter, a mark or a ligature of
# letters, which the ToUnicode map can say.
_RIGHT_TO_LEFT = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def _in(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= ord(char) <= high for low, high in ranges)


def needs_actual_text(text: str) -> bool:
    """Whether glyphs drawn for ``text`` may not map one to one onto ``text``."""
    if text.isascii():  # most lines of a Latin page: no character to look up
        return False
    return any(
        _in(char, _REORDERING)
        # a combining mark joins its base's cluster; right-to-left marks get glyphs of their own
        or (unicodedata.category(char) == "Mn" and not _in(char, _RIGHT_TO_LEFT))
        for char in text
        if ord(char) > 0x7F
    )


def _with_actual_text(draw_text: Callable[..., Any]) -> Callable[..., Any]:
    def draw_text_with_actual_text(stream: Any, textbox: Any, *args: Any) -> Any:
        text = textbox.text
        if not text.strip() or not needs_actual_text(text):
            return draw_text(stream, textbox, *args)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return draw_text(stream, textbox, *args)
        finally:
            stream.end_marked_content()

    draw_text_with_actual_text.wrapped = draw_text  # type: ignore[attr-defined]
    return draw_text_with_actual_text


def install() -> None:
    """Draw WeasyPrint's text boxes through :func:`_with_actual_text` (once per process).

    WeasyPrint has no hook for this; ``draw_text`` is the one function every text box is drawn
    by (WeasyPrint is pinned, and the tests read the text layer back, so a change shows).
    """
    from weasyprint import draw

    if not hasattr(draw.draw_text, "wrapped"):
        draw.draw_text = _with_actual_text(draw.draw_text)


# -- The fonts' ToUnicode maps ---------------------------------------------------------------

_MAPPING = re.compile(rb"<([0-9a-f]{4})> <([0-9a-f]*)>")


def repair_to_unicode(pdf: pikepdf.Pdf) -> None:
    """Make each embedded font's ToUnicode map say, for every glyph, its own characters.

    WeasyPrint 70 gives a glyph the text of the first cluster it draws it in, which goes
    wrong three ways, each put right here:

    - a glyph that shares a cluster with a mark drawn before it (right-to-left ئ followed by
      a tanwin) maps to nothing: a malformed map that PDF/UA-1 rejects, and a lost letter;
    - a letter drawn with a mark in its first cluster maps to both, so every later use of
      the letter reads the mark too: a glyph the font draws for one character maps to it;
    - a ligature of right-to-left letters maps to them in logical order, but readers take
      a glyph's characters as drawn, left to right, and then reverse the whole line: the
      letters come out swapped ("لا" reads "ال"). They are written in visual order.
    """
    for font in pdf.objects:
        if not isinstance(font, pikepdf.Dictionary) or "/ToUnicode" not in font:
            continue
        if "/DescendantFonts" not in font:
            continue
        to_unicode = font.ToUnicode.read_bytes()
        program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
        repaired = _MAPPING.sub(_repairer(TTFont(io.BytesIO(program))), to_unicode)
        if repaired != to_unicode:
            font.ToUnicode.write(repaired)


def _repairer(ttfont: TTFont) -> Callable[[re.Match[bytes]], bytes]:
    glyph_ids = {name: index for index, name in enumerate(ttfont.getGlyphOrder())}
    nominal: dict[int, str] = {}  # glyph -> the character the font draws it for
    for code_point, glyph in sorted(ttfont.getBestCmap().items(), reverse=True):
        if not _in(chr(code_point), _RIGHT_TO_LEFT[1:]):  # never a presentation form
            nominal[glyph_ids[glyph]] = chr(code_point)

    def repaired(match: re.Match[bytes]) -> bytes:
        glyph = int(match[1], 16)
        text = bytes.fromhex(match[2].decode()).decode("utf-16-be", "replace")
        own = nominal.get(glyph)
        if not text:
            if own is None:
                return match[0]  # left as it is: the validator will say so
            text = own
        elif own is not None and own in text and len(text) > 1 and _marks_besides(text, own):
            text = own
        elif len(text) > 1 and _in(text[0], _RIGHT_TO_LEFT):
            text = text[::-1]
        return b"<%s> <%s>" % (match[1], text.encode("utf-16-be").hex().encode())

    return repaired


def _marks_besides(text: str, own: str) -> bool:
    """Whether ``text`` is ``own`` with combining marks (a cluster, not a ligature)."""
    rest = text.replace(own, "", 1)
    return all(unicodedata.category(char).startswith("M") for char in rest)
