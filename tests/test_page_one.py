"""Page 1 and the page furniture of every shipped output, read back from the PDFs: "get help
now" and the key messages on page 1, one footer line, the draft marked once on every page,
no near-empty page (issue 17)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leafletgen.content.markup import to_text
from leafletgen.counter import Pharmacy, PharmacyProfile, PrintDetails
from leafletgen.engine import Prepared, Request, prepare, render
from leafletgen.publish.names import parse_output_name
from leafletgen.render.templates import draft_mark, draft_notice
from leafletgen.variants import VARIANTS
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import (
    body_line_counts,
    body_line_lengths,
    footer_lines,
    margin_text,
    page_text,
    squeezed,
    table_pages,
)

LANGUAGES = ("en", "es", "ar", "ru")
SHIPPED_VARIANTS = ("standard", "large-print", "plain", "plain-large-print")
MATRIX = [(language, variant) for language in LANGUAGES for variant in SHIPPED_VARIANTS]
# With the one-page summaries: every variant of the registry.
SEED_ID = "clonazepam-emotional-effects"
FULL_MATRIX = [(language, variant) for language in LANGUAGES for variant in VARIANTS]


def _pdf(shipped: Path, language: str, variant: str) -> Path:
    return next(shipped.rglob(f"clonazepam-emotional-effects.{language}.{variant}.a4.pdf"))


def _prepared(path: Path) -> Prepared:
    name = parse_output_name(path)
    return prepare(make_project(), name.leaflet_id, name.language, name.variant)


def test_the_matrix_is_complete(shipped: Path) -> None:
    for language, variant in MATRIX:
        assert _pdf(shipped, language, variant).is_file()


@pytest.mark.parametrize(("language", "variant"), MATRIX)
def test_page_one_holds_get_help_and_the_key_messages(
    shipped: Path, language: str, variant: str
) -> None:
    path = _pdf(shipped, language, variant)
    prepared = _prepared(path)
    chrome = prepared.localization.translations
    page_one = _get_help_on_page_one(path, prepared)
    # The key messages start on page 1; in regular print they are all there.
    messages = prepared.edition.key_takeaways
    assert squeezed(chrome.gettext("Key takeaways")) in page_one
    on_page_one = messages if not prepared.edition.variant.large_print else messages[:1]
    for message in on_page_one:
        assert squeezed(to_text(message)) in page_one, message


def _get_help_on_page_one(path: Path, prepared: Prepared, whole: bool = True) -> str:
    """Page 1's letters, once "Get help now" is found there whole (its heading, every
    situation and the number to call), or, not ``whole``, started: its heading and first
    situation on page 1, the rest at the top of page 2."""
    chrome = prepared.localization.translations
    pages = page_text(path)
    page_one = squeezed(pages[1])
    assert squeezed(chrome.gettext("Get help now")) in page_one
    number = squeezed(chrome.gettext("In an emergency, call your local emergency number."))
    first, *others = [squeezed(to_text(s)) for s in prepared.edition.get_help]
    assert first in page_one
    both = page_one if whole else page_one + squeezed(pages[2])
    assert all(other in both for other in others) and number in both
    return page_one


# The fast suite prints the hardest cases (a long translation with its draft notice, large
# print, right to left); the slow one the whole matrix.
COUNTER_FAST = {("en", "standard"), ("ru", "standard"), ("ru", "plain-large-print"), ("ar", "large-print")}  # fmt: skip
COUNTER_MATRIX = [
    pytest.param(*pair, marks=() if pair in COUNTER_FAST else pytest.mark.slow) for pair in MATRIX
]


@pytest.mark.parametrize(("language", "variant"), COUNTER_MATRIX)
def test_a_counter_print_keeps_get_help_on_page_one(
    tmp_path: Path, language: str, variant: str
) -> None:
    # The print's box and the pharmacy's line come first: "get help now" still fits whole
    # under them, with a name and a one-line note; at 18 pt it may go on overleaf.
    pharmacy = Pharmacy(PharmacyProfile(name="Riverside Pharmacy", phone="555 0100"), None)
    details = PrintDetails(pharmacy, "Maria Lopez", "Take with food.", date(2026, 12, 1))
    request = Request(SEED_ID, language, variant, counter=details, allow_incomplete=True)
    path = tmp_path / "print.pdf"
    path.write_bytes(render(make_project(), request).data)
    prepared = prepare(make_project(), SEED_ID, language, variant)
    large = prepared.edition.variant.large_print
    page_one = _get_help_on_page_one(path, prepared, whole=not large)
    assert squeezed("Maria Lopez") in page_one
    if not large:  # the key messages start on page 1 too
        chrome = prepared.localization.translations
        assert squeezed(chrome.gettext("Key takeaways")) in page_one
        assert squeezed(to_text(prepared.edition.key_takeaways[0])) in page_one


@pytest.mark.parametrize(("language", "variant"), MATRIX)
def test_the_footer_is_one_line_on_every_page(shipped: Path, language: str, variant: str) -> None:
    path = _pdf(shipped, language, variant)
    footers = footer_lines(path)
    pages = len(body_line_counts(path))
    assert sorted(footers) == list(range(1, pages + 1))
    for number, baselines in footers.items():
        # Both boxes on one baseline: nothing wrapped, nothing pushed onto a second line.
        assert len(baselines) == 1, (number, baselines)


@pytest.mark.parametrize(("language", "variant"), FULL_MATRIX)
def test_no_page_holds_fewer_than_three_lines(shipped: Path, language: str, variant: str) -> None:
    counts = body_line_counts(_pdf(shipped, language, variant))
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize(("language", "variant"), FULL_MATRIX)
def test_no_table_continues_on_another_page(shipped: Path, language: str, variant: str) -> None:
    # A continued table's next page repeats its header row but not its caption: a table that
    # fits on a page is kept whole (base.css).
    assert all(len(pages) == 1 for pages in table_pages(_pdf(shipped, language, variant)))


def test_a_table_longer_than_a_page_still_breaks_between_rows(tmp_path: Path) -> None:
    rows = [[f"Row {n}", f"Value {n} " * 12] for n in range(1, 41)]
    data = minimal_leaflet(
        sections=[
            {
                "heading": "Long",
                "blocks": [
                    {"table": {"caption": "Many rows", "header": ["Row", "Value"], "rows": rows}}
                ],
            }
        ]
    )
    (tmp_path / "leaflets").mkdir()
    write_leaflet(tmp_path / "leaflets", data)
    out = render(make_project(root=tmp_path), Request("sample"))
    path = tmp_path / "long.pdf"
    path.write_bytes(out.data)
    (pages,) = table_pages(path)
    assert len(pages) > 1  # "avoid" gives way: nothing is pushed off the page
    text = "\n".join(page_text(path).values())
    assert all(f"Row {n}" in text for n in range(1, 41))
    # Each page it goes on to names it at the top; the page where it starts and the page
    # after its last row carry the running title only.
    headers = margin_text(path)
    title = "Sample leaflet"
    for number in pages[1:]:
        assert f"{title} · Many rows (continued)" in headers[number], headers[number]
    after = max(pages) + 1
    if after in headers:
        assert "continued" not in headers[after] and title in headers[after]
    if pages[0] != 1:
        assert "continued" not in headers[pages[0]]


@pytest.mark.parametrize(("language", "variant"), [m for m in MATRIX if m[0] != "en"])
def test_a_draft_is_marked_once_on_every_page_and_explained_on_page_one(
    shipped: Path, language: str, variant: str
) -> None:
    path = _pdf(shipped, language, variant)
    prepared = _prepared(path)
    assert prepared.localization.draft
    notice = squeezed(draft_notice(prepared.localization, make_project().assets))
    mark = squeezed(draft_mark(prepared.localization, make_project().assets))
    pages = page_text(path)
    assert squeezed(pages[1]).count(notice) == 1
    assert all(notice not in squeezed(text) for number, text in pages.items() if number > 1)
    margins = margin_text(path, rtl=language == "ar")
    for number, text in margins.items():
        # Page 1's box is its mark; every later page carries the short mark once, at the top.
        assert squeezed(text).count(mark) == (0 if number == 1 else 1), (number, text)


@pytest.mark.parametrize(
    ("language", "variant"),
    [(lang, v) for lang in ("en", "es", "ru") for v in ("standard", "plain")],
)
def test_body_lines_run_about_75_characters(shipped: Path, language: str, variant: str) -> None:
    # Plain-language guidance: 50 to 75 characters a line (Arabic letters are narrower, and
    # large print's lines are shorter by themselves).
    lengths = body_line_lengths(_pdf(shipped, language, variant))
    assert lengths[int(len(lengths) * 0.9)] <= 78 and lengths[-1] <= 84, lengths[-10:]


def test_large_print_never_breaks_a_word_at_its_hyphen(tmp_path: Path) -> None:
    from leafletgen.engine import Request, render
    from tests.conftest import minimal_leaflet, write_leaflet

    (tmp_path / "leaflets").mkdir()
    text = "Swallow the tablet whole: " + "this extended-release tablet " * 12
    write_leaflet(
        tmp_path / "leaflets",
        minimal_leaflet(sections=[{"heading": "How", "blocks": [{"paragraph": text}]}]),
    )
    project = make_project(root=tmp_path)
    out = render(project, Request("sample", variant="large-print"))
    path = tmp_path / "out.pdf"
    path.write_bytes(out.data)
    from tests.pdfutil import _lines

    lines = [line.get_text().strip() for _, in_body, line in _lines(path) if in_body]
    assert sum("extended-release" in line for line in lines) >= 6
    assert not [line for line in lines if line.endswith("extended-")], lines
    # In regular print the same text may break there: the rule is large print's own.
    html = render(project, Request("sample", variant="large-print", format="html")).data
    assert b'<span class="word">extended-release</span>' in html
