"""Give shaped text its typed characters back in the PDF's text layer.

A PDF maps each glyph to characters once per font (its ToUnicode map). In scripts whose
shaping reorders or joins letters (a Devanagari reph or vowel sign drawn before its consonant,
an Arabic ligature) one glyph stands for different characters in different words, so copy,
search and screen readers read some words wrongly. PDF's answer is ``/ActualText``: a marked
span that says which characters the glyphs inside it stand for. Each line of such text is
drawn inside one, holding the line's characters in logical order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pydyf

# Scripts whose shaping can reorder, split or join characters (Unicode blocks): Hebrew to
# Sinhala, Thai to Tibetan, Myanmar, Khmer, Mongolian, the Indic extensions, and the Hebrew
# and Arabic presentation forms.
_SHAPED = (
    (0x0590, 0x0DFF),
    (0x0E00, 0x0FFF),
    (0x1000, 0x109F),
    (0x1780, 0x18AF),
    (0x1CD0, 0x1CFF),
    (0xA830, 0xA8FF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def needs_actual_text(text: str) -> bool:
    """Whether glyphs drawn for ``text`` may not read back as ``text``."""
    return any(
        any(low <= ord(char) <= high for low, high in _SHAPED)
        or unicodedata.category(char) == "Mn"  # combining marks join their base's cluster
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
