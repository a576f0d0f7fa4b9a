from __future__ import annotations

import pytest

from leafletgen.content.markup import MarkupError, to_html, to_text


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("plain", "plain"),
        ("**Mood swings:** rapid", "<strong>Mood swings:</strong> rapid"),
        (
            "see [the NHS](https://www.nhs.uk/?a=1&b=2)",
            'see <a href="https://www.nhs.uk/?a=1&amp;b=2">the NHS</a>',
        ),
        ("<img src=file:///etc/passwd>", "&lt;img src=file:///etc/passwd&gt;"),
        ('<a href="x" style="color:red">', "&lt;a href=&#34;x&#34; style=&#34;color:red&#34;&gt;"),
        ("{{ 7*7 }} {% include 'x' %}", "{{ 7*7 }} {% include &#39;x&#39; %}"),
        (r"a \*\* b \[x](y)", "a ** b [x](y)"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("5–10% & more", "5–10% &amp; more"),
    ],
    ids=[
        "text",
        "bold",
        "link",
        "html",
        "attributes",
        "jinja",
        "escapes",
        "js-link-literal",
        "ampersand",
    ],
)
def test_to_html(source: str, html: str) -> None:
    assert to_html(source) == html


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a ** b", "'**' at character 3 is not closed"),
        (
            "[x](file:///etc/passwd)",
            "link target 'file:///etc/passwd' at character 5 must start with",
        ),
        ("[x](data:text/html,hi)", "must start with one of http:, https:, mailto:, tel:"),
    ],
)
def test_broken_or_unsafe_markup_is_refused(source: str, message: str) -> None:
    with pytest.raises(MarkupError, match=message.replace("(", r"\(").replace("*", r"\*")):
        to_html(source)


def test_to_text_drops_markup() -> None:
    assert to_text("**Bold:** and [a link](https://example.org)") == "Bold: and a link"
