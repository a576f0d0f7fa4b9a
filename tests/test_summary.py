"""The one-page summary (`summary`, `summary-large-print`): page 1 of the leaflet on its own, in
every language; a summary that does not fit fails the build naming the part, and never
shrinks the type."""

from __future__ import annotations

from pathlib import Path

import pytest

from leafletgen.content.markup import to_text
from leafletgen.engine import Request, prepare, render
from leafletgen.errors import RenderError
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import char_sizes, page_text, squeezed


@pytest.mark.parametrize("language", ["en", "es", "ar", "ru"])
@pytest.mark.parametrize(
    ("variant", "limit", "smallest"), [("summary", 1, 12), ("summary-large-print", 2, 18)]
)
def test_the_seed_summary_fits_in_every_language(
    tmp_path: Path, language: str, variant: str, limit: int, smallest: float
) -> None:
    project = make_project()
    out = render(project, Request("clonazepam-emotional-effects", language, variant))
    assert out.pages is not None and out.pages <= limit
    path = tmp_path / "summary.pdf"
    path.write_bytes(out.data)
    assert min(char_sizes(path)) >= smallest  # fitted by its text, never by smaller type
    text = squeezed(" ".join(page_text(path).values()))
    prepared = prepare(project, "clonazepam-emotional-effects", language, variant)
    chrome = prepared.localization.translations
    edition = prepared.edition
    assert not edition.sections and not edition.faqs
    for part in (
        edition.title,
        *edition.get_help,
        *edition.key_takeaways,
        *edition.bottom_line,
        chrome.gettext(
            "This is a summary. The full leaflet tells you more about this medicine: ask your pharmacist or doctor for it."
        ),
    ):
        assert squeezed(to_text(part)) in text, part
    # The short bottom line: the source's own advice, not the full three paragraphs.
    assert len(edition.bottom_line) == 1
    assert squeezed(chrome.gettext("Get help now")) in squeezed(page_text(path)[1])


def test_a_summary_that_does_not_fit_fails_naming_the_part(tmp_path: Path) -> None:
    (tmp_path / "leaflets").mkdir()
    long = "Ask your pharmacist about this medicine before you take it. " * 12
    write_leaflet(tmp_path / "leaflets", minimal_leaflet(bottom_line=[long] * 6))
    with pytest.raises(RenderError) as error:
        render(make_project(root=tmp_path), Request("sample", variant="summary"))
    message = str(error.value)
    assert "sample.en.summary.a4.pdf: 2 pages, the summary variant fits on 1" in message
    assert "'bottom-line' runs onto page 2" in message
    # The full leaflet of the same source is built: only the summary has a page limit.
    assert (render(make_project(root=tmp_path), Request("sample")).pages or 0) > 1
