"""The format's blocks for a second kind of leaflet: numbered steps (tagged as a numbered list),
callouts holding several paragraphs and lists, the medicine's class, and original content
with an author instead of a source. Each reaches every front-end: HTML, PDF, ePI (and back),
the outline braille and audio read, and the translation catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pytest
import yaml

from leafletgen.content.loader import load_leaflet
from leafletgen.content.messages import messages
from leafletgen.content.model import Callout, NumberedList, Paragraph
from leafletgen.engine import Request, render
from leafletgen.errors import SourceError
from leafletgen.importing import import_file
from leafletgen.render.outline import read_outline
from tests.conftest import make_project, minimal_leaflet, write_leaflet
from tests.pdfutil import assert_in_order, page_text, tagged_text

STEPS = ["Wash your hands.", "Take **one** tablet.", "Drink a glass of water."]
SIGNS = ["You cannot breathe well.", "Your lips turn blue."]
SECTIONS = [
    {
        "heading": "How to take it",
        "blocks": [
            {"numbered": STEPS},
            {
                "callout": {
                    "type": "warning",
                    "blocks": [
                        {"paragraph": "Call an ambulance if:"},
                        {"list": SIGNS},
                        {"paragraph": "Do not drive yourself."},
                    ],
                }
            },
            {"callout": {"type": "note", "blocks": [{"numbered": ["First this.", "Then that."]}]}},
        ],
    }
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "leaflets").mkdir()
    data = minimal_leaflet(sections=SECTIONS, author="Riverside Clinic pharmacy team")
    data["medicine"] = {"generic": "samplemab", "class": "benzodiazepine"}
    del data["source"]
    write_leaflet(tmp_path / "leaflets", data)
    return tmp_path


def built(project: Path, fmt: str, **request: object) -> bytes:
    return render(make_project(root=project), Request("sample", format=fmt, **request)).data  # type: ignore[arg-type]


def test_the_model_reads_numbered_steps_callout_blocks_class_and_author(project) -> None:
    leaflet = load_leaflet(project / "leaflets" / "sample.yaml")
    steps, warning, note = leaflet.sections[0].blocks
    assert isinstance(steps, NumberedList) and steps.items == STEPS
    assert isinstance(warning, Callout)
    assert [type(b).__name__ for b in warning.callout.content] == [
        "Paragraph",
        "BulletList",
        "Paragraph",
    ]
    assert isinstance(note, Callout) and isinstance(note.callout.content[0], NumberedList)
    assert leaflet.medicine is not None and leaflet.medicine.class_ == "benzodiazepine"
    assert leaflet.author == "Riverside Clinic pharmacy team" and leaflet.source is None


def test_a_callout_with_one_text_is_one_paragraph() -> None:
    from leafletgen.content.model import CalloutData

    content = CalloutData.model_validate({"type": "note", "text": "One."}).content
    assert content == [Paragraph.model_validate({"paragraph": "One."})]


@pytest.mark.parametrize(
    ("callout", "message"),
    [
        ({"type": "note"}, "a callout needs 'text' or 'blocks' (not both)"),
        ({"text": "A.", "blocks": [{"paragraph": "B."}]}, "not both"),
        ({"blocks": [{"table": {"caption": "c", "header": ["a"], "rows": [["b"]]}}]}, "numbered"),
    ],
)
def test_a_wrong_callout_is_named(tmp_path: Path, callout: dict, message: str) -> None:
    data = minimal_leaflet(
        sections=[{"heading": "H", "blocks": [{"callout": callout}]}],
    )
    path = write_leaflet(tmp_path, data)
    with pytest.raises(SourceError) as raised:
        load_leaflet(path)
    assert "sections[0].blocks[0].callout" in str(raised.value)
    assert message in str(raised.value)


def test_without_source_or_author_the_message_names_author(tmp_path: Path) -> None:
    data = minimal_leaflet()
    del data["source"]
    with pytest.raises(SourceError) as raised:
        load_leaflet(write_leaflet(tmp_path, data))
    text = str(raised.value)
    assert "author: required when there is no 'source'" in text, text
    assert "person or organisation" in text


def test_the_html_has_an_ol_a_callout_of_blocks_the_class_and_the_author(project) -> None:
    html = built(project, "html").decode()
    assert "<ol>\n  <li>Wash your hands.</li>\n  <li>Take <strong>one</strong> tablet.</li>" in html
    warning = html[html.index('<div class="callout callout-warning">') :]
    warning = warning[: warning.index("</div>")]
    assert '<p><strong class="callout-label">Warning:</strong> Call an ambulance if:</p>' in warning
    assert "<li>Your lips turn blue.</li>" in warning and "Do not drive yourself." in warning
    # A callout opening with a list: its label is a line of its own.
    assert '<p><strong class="callout-label">Note:</strong></p>\n<ol>' in html
    assert "samplemab · benzodiazepine</p>" in html
    assert "<strong>Written by:</strong>" in html and "Riverside Clinic pharmacy team" in html
    assert "<strong>Source:</strong>" not in html


def test_the_pdf_prints_the_numbers_the_class_and_the_author(project, tmp_path) -> None:
    path = tmp_path / "out.pdf"
    path.write_bytes(built(project, "pdf"))
    text = "\n".join(page_text(path).values())
    assert "Wash your hands. Take one tablet. Drink a glass of water." in text
    assert "1. 2. 3." in text  # the markers (pdfminer reads them after the page's text)
    assert "samplemab · benzodiazepine" in text
    assert "Written by: Riverside Clinic pharmacy team" in text
    assert "Riverside Clinic pharmacy team" in tagged_text(path)


def _lists(element: pikepdf.Dictionary):
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if kid.S == "/L":
                yield kid
            yield from _lists(kid)


def test_the_pdf_tags_every_ordered_list_as_numbered_and_no_bulleted_one(project, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(built(project, "pdf"))
    with pikepdf.open(path) as pdf:
        kinds = []
        for node in _lists(pdf.Root.StructTreeRoot):
            attributes = node.get("/A")
            kinds.append(str(attributes.ListNumbering) if attributes is not None else "-")
    # Lists in reading order: get help's situations (none in this leaflet), the takeaways,
    # the steps, the warning's signs, the note's steps.
    assert kinds == ["-", "/Decimal", "-", "/Decimal"], kinds


def test_braille_and_audio_read_the_steps_with_their_numbers(project) -> None:
    html = built(project, "html").decode()
    outline = read_outline(html, "en", "ltr")
    text = outline.text()
    assert "1. Wash your hands.\n2. Take one tablet.\n3. Drink a glass of water." in text
    assert "1. First this.\n2. Then that." in text
    assert "Your lips turn blue." in text and "2. Your lips" not in text


def test_the_epi_carries_the_blocks_and_class_and_reads_back(project, tmp_path) -> None:
    data = built(project, "epi")
    bundle = json.loads(data)
    product = bundle["entry"][1]["resource"]
    assert product["classification"] == [{"text": "benzodiazepine"}]
    path = tmp_path / "sample.epi.json"
    path.write_bytes(data)
    imported = import_file(path, "sample")
    assert not any("numbered" in g for g in imported.report.guessed), imported.report.guessed
    leaflet = imported.leaflet
    steps, warning, note = leaflet.sections[0].blocks
    assert isinstance(steps, NumberedList) and steps.items == STEPS
    assert isinstance(warning, Callout) and warning.callout.type == "warning"
    assert [type(b).__name__ for b in warning.callout.content] == [
        "Paragraph",
        "BulletList",
        "Paragraph",
    ]
    assert warning.callout.content[0] == Paragraph.model_validate(
        {"paragraph": "Call an ambulance if:"}
    )
    assert isinstance(note, Callout) and isinstance(note.callout.content[0], NumberedList)
    assert leaflet.medicine is not None and leaflet.medicine.class_ == "benzodiazepine"


def test_the_new_text_is_extracted_for_translation_and_the_author_is_not(project) -> None:
    leaflet = load_leaflet(project / "leaflets" / "sample.yaml")
    found = {m.msgid: m.context for m in messages(leaflet)}
    assert found["benzodiazepine"] == "sample|medicine.class"
    assert found["Wash your hands."] == "sample|sections.blocks.numbered"
    assert found["Your lips turn blue."] == "sample|sections.blocks.callout.blocks.list"
    assert found["First this."] == "sample|sections.blocks.callout.blocks.numbered"
    assert "Riverside Clinic pharmacy team" not in found
    assert not any("key_takeaways_after" in context for context in found.values())


def _with_takeaways_after(project: Path, where: str) -> None:
    path = project / "leaflets" / "sample.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["key_takeaways_after"] = where
    data["sections"].append({"heading": "Side effects", "blocks": [{"paragraph": "Some."}]})
    write_leaflet(project / "leaflets", data)


@pytest.mark.parametrize(
    ("where", "order"),
    [
        ("get_help", ["Get help now", "Key takeaways", "How to take it", "Side effects"]),
        ("first_section", ["Get help now", "How to take it", "Key takeaways", "Side effects"]),
    ],
)
def test_the_key_takeaways_go_where_the_source_says(project, tmp_path, where, order) -> None:
    _with_takeaways_after(project, where)
    html = built(project, "html").decode()
    main = html[html.index("<main") :]
    contents = main[main.index('<nav class="contents"') : main.index("</nav>")]
    body = main.replace(contents, "")
    assert_in_order(body, [f">{heading}</h2>" for heading in order])
    assert_in_order(contents, [f">{heading}</a>" for heading in order])
    titles = [
        s["title"] for s in json.loads(built(project, "epi"))["entry"][0]["resource"]["section"]
    ]
    assert titles[:-1] == order[1:]  # no situations here: no "get help" section
    bundle = tmp_path / "sample.epi.json"
    bundle.write_bytes(built(project, "epi"))
    back = import_file(bundle, "back").leaflet  # the importer reads where they were
    assert back.key_takeaways_after == where
    path = tmp_path / "out.pdf"
    path.write_bytes(built(project, "pdf"))
    assert "Get help now" in page_text(path)[1]  # page 1, wherever the takeaways are


def test_the_summary_keeps_the_takeaways_on_its_page(project, tmp_path) -> None:
    _with_takeaways_after(project, "first_section")
    html = built(project, "html", variant="summary").decode()
    assert "Key takeaways" in html and "How to take it" not in html


def test_an_unknown_place_for_the_takeaways_is_named(project) -> None:
    _with_takeaways_after(project, "end")
    with pytest.raises(SourceError) as raised:
        load_leaflet(project / "leaflets" / "sample.yaml")
    assert "key_takeaways_after" in str(raised.value)


def test_the_docs_block_examples_are_valid() -> None:
    from pydantic import TypeAdapter

    from leafletgen.content.model import Block

    text = (Path(__file__).parent.parent / "docs" / "leaflet-format.md").read_text("utf-8")
    examples = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
        if block.startswith(("- numbered:", "- callout:"))
    ]
    assert len(examples) == 2
    blocks = [b for example in examples for b in TypeAdapter(list[Block]).validate_python(example)]
    assert [b.kind for b in blocks] == ["numbered", "callout", "callout"]


def test_a_note_is_not_drawn_as_a_warning(project) -> None:
    from weasyprint import HTML

    html = built(project, "html").decode()
    document = HTML(string=html).render()
    colours: dict[str, tuple[float, ...]] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            kind = (element.get("class") or "") if element is not None else ""
            if kind.startswith("callout callout-"):
                colours[kind.split("-")[-1]] = tuple(box.style["background_color"])
    assert set(colours) == {"warning", "note"}
    assert colours["note"] != colours["warning"]
    assert colours["note"] == pytest.approx((0xEE / 255, 0xF3 / 255, 0xF8 / 255, 1.0), abs=0.01)
