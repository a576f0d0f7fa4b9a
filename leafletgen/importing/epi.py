"""FHIR R5 ePI document Bundles, as `leaflet build --format epi` writes them (and others
like them): the Composition's sections, their XHTML read back into the leaflet's blocks,
the medicine's names, version, review and source.

A section's part of the leaflet is its leafletgen code (leafletgen/render/epi.py); a section
without one is a section of the leaflet, and one inside it a subsection.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from leafletgen.errors import Problem, SourceError
from leafletgen.importing.builder import Report, Shaped
from leafletgen.importing.document import escaped, tidy
from leafletgen.importing.inline import InlineWriter
from leafletgen.plural import counted
from leafletgen.render.epi import COUNTRY_SYSTEM, PART_SYSTEM, XHTML


def read_bundle(raw: bytes, path: Path, report: Report) -> tuple[Shaped, str, dict[str, Any]]:
    """The leaflet's parts, its language, and the fields the Bundle gives (medicine…)."""
    from fhir.resources.bundle import Bundle
    from pydantic import ValidationError

    try:
        bundle = Bundle.model_validate_json(raw)
    except ValidationError as error:
        problems = [
            Problem(path, None, ".".join(map(str, e["loc"])), e["msg"]) for e in error.errors()[:10]
        ]
        raise SourceError(problems) from None
    entries = bundle.entry or []
    if (
        bundle.type != "document"
        or not entries
        or entries[0].resource.get_resource_type() != "Composition"
    ):
        raise SourceError(
            [Problem(path, None, "", "not a FHIR document Bundle with a Composition first")]
        )
    composition = entries[0].resource
    language = composition.language or bundle.language
    if not language:
        raise SourceError([Problem(path, None, "Composition.language", "no language")])
    reader = _Sections(report, language)
    for number, section in enumerate(composition.section or [], start=1):
        reader.section(section, f"section {number}")
    known = _metadata(composition, entries, report)
    report.recognised.append(
        f"Composition “{composition.title}” ({language}, status {composition.status}): "
        f"{counted(len(reader.sections), 'section')}, {counted(len(reader.faqs), 'FAQ')}"
    )
    shaped = Shaped(
        title=composition.title or "",
        document_title=None,
        subtitle=reader.subtitle,
        summary=reader.summary,
        key_takeaways=reader.takeaways,
        key_takeaways_after=reader.takeaways_after,
        get_help=reader.get_help,
        sections=reader.sections + reader.unplaced_section(),
        faqs=reader.faqs,
        bottom_line=reader.bottom_line,
        to_check=reader.to_check,
    )
    return shaped, language, known


def _metadata(composition: Any, entries: list[Any], report: Report) -> dict[str, Any]:
    known: dict[str, Any] = {}
    if composition.version:
        known["version"] = composition.version
    attester = next((a for a in composition.attester or [] if a.party and a.party.display), None)
    if attester and (attester.time or composition.date):
        when = date.fromisoformat(str(attester.time or composition.date)[:10])
        known["reviewed"] = {"date": when, "by": attester.party.display}
    related = next((r for r in composition.relatesTo or [] if r.display), None)
    if related:
        source: dict[str, Any] = {"title": related.display}
        if related.citation:
            source["publisher"] = related.citation
        if related.document and related.document.url:
            source["url"] = related.document.url
        if related.publicationDate:
            source["published"] = date.fromisoformat(str(related.publicationDate)[:10])
        known["source"] = source
    subjects = {ref.reference for ref in composition.subject or [] if ref.reference}
    for entry in entries[1:]:
        resource = entry.resource
        if resource.get_resource_type() == "MedicinalProductDefinition" and (
            entry.fullUrl in subjects or not subjects
        ):
            names = resource.name or []
            generic = [n.productName for n in names if n.type and n.type.text == "generic"]
            others = [n for n in names if not (n.type and n.type.text == "generic")]
            if not generic and others:
                generic = [others.pop(0).productName]
                report.guessed.append(
                    "medicine: the product's first name taken as its generic name"
                )
            brands, by_country = [], {}
            for name in others:  # a name used in one country is that market's brand
                countries = _countries(name)
                for country in countries:
                    by_country.setdefault(country, []).append(name.productName)
                if not countries:
                    brands.append(name.productName)
            known["medicine"] = {"generic": generic[0], "brands": brands}
            if by_country:
                known["medicine"]["brands_by_country"] = by_country
            classes = [c.text for c in resource.classification or [] if c.text]
            if classes:
                known["medicine"]["class"] = classes[0]
    report.recognised += [f"{name} from the Composition" for name in known]
    return known


class _Sections:
    def __init__(self, report: Report, language: str) -> None:
        self.report = report
        self.language = language
        self.subtitle: str | None = None
        self.summary: str | None = None
        self.takeaways: list[str | dict[str, str]] = []
        self.takeaways_after: str | None = None
        self.get_help: list[str] = []
        self.sections: list[dict[str, Any]] = []
        self.faqs: list[dict[str, Any]] = []
        self.bottom_line: list[str] = []
        self.unplaced: list[dict[str, Any]] = []
        self.to_check: list[str] = []

    def section(self, section: Any, where: str) -> None:
        code = _code(section)
        blocks = self.blocks(section, where)
        if code == "introduction":
            for block in blocks:
                self.placed_in_introduction(block)
        elif code == "get-help":
            self.get_help += _texts(blocks)
        elif code == "key-takeaways":
            if len(self.sections) == 1 and not self.takeaways:  # as the exporter places them
                self.takeaways_after = "first_section"
            self.takeaways += [
                {"safety": item} if safety else item
                for block in blocks
                for item, safety in zip(
                    block.get("list", []),
                    block.get("safety", [False] * len(block.get("list", []))),
                    strict=True,
                )
            ]
        elif code == "bottom-line":
            self.bottom_line += _texts(blocks)
        elif code == "faqs":
            for number, faq in enumerate(section.section or [], start=1):
                self.faqs.append(
                    {
                        "question": tidy(faq.title or ""),
                        "answer": _texts(self.blocks(faq, f"{where}.{number}")),
                    }
                )
        elif code in ("section", None) and section.title:
            out: dict[str, Any] = {"heading": tidy(section.title)}
            if blocks:
                out["blocks"] = blocks
            subsections = [
                {"heading": tidy(sub.title or ""), "blocks": self.blocks(sub, f"{where}.{n}")}
                for n, sub in enumerate(section.section or [], start=1)
            ]
            if subsections:
                out["subsections"] = subsections
            self.sections.append(out)
        else:
            self.unplaced += blocks
            self.report.unplaced.append(f"{where}: “{section.title}” ({code or 'no code'})")

    def placed_in_introduction(self, block: dict[str, Any]) -> None:
        text = block.get("paragraph")
        if text is not None and block.get("class") == "subtitle":
            self.subtitle = text.replace("\\", "")
        elif text is not None and self.summary is None:
            self.summary = text
        else:
            self.unplaced.append(block)
        block.pop("class", None)

    def blocks(self, section: Any, where: str) -> list[dict[str, Any]]:
        if section.text is None:
            return []
        try:
            div = ElementTree.fromstring(section.text.div)
        except ElementTree.ParseError as error:
            raise SourceError([Problem(Path(where), None, "text.div", f"XHTML: {error}")]) from None
        return [block for child in div if (block := self.block(child, where))]

    def block(self, element: ElementTree.Element, where: str) -> dict[str, Any] | None:
        tag = element.tag.removeprefix(XHTML)
        if tag == "p":
            block: dict[str, Any] = {"paragraph": self.inline(element, where)}
            if element.get("class") in ("subtitle", "summary"):
                block["class"] = element.get("class")
            return block
        if tag in ("ul", "ol"):
            items = [li for li in element if li.tag == f"{XHTML}li"]
            block = {
                "list" if tag == "ul" else "numbered": [self.inline(li, where) for li in items]
            }
            if any(li.get("class") == "safety" for li in items):  # the key takeaways' only
                block["safety"] = [li.get("class") == "safety" for li in items]
            return block
        if tag == "table":
            return {"table": self.table(element, where)}
        if tag == "div" and "callout" in (element.get("class") or ""):
            return self.callout(element, where)
        text = tidy("".join(element.itertext()))
        if text:
            self.report.guessed.append(f"{where}: <{tag}> kept as a paragraph")
            return {"paragraph": escaped(text)}
        return None

    def callout(self, element: ElementTree.Element, where: str) -> dict[str, Any] | None:
        """A callout's paragraphs and lists; its printed label (the first paragraph's start, or
        a line of its own above a list) dropped."""
        kind = "warning" if "callout-warning" in (element.get("class") or "") else "note"
        children = list(element)
        if not children:
            return None
        first = children[0]
        inside: list[dict[str, Any]] = []
        if first.tag == f"{XHTML}p":
            if text := self.inline(first, where, label=True).strip():
                inside.append({"paragraph": text})
            children = children[1:]
        inside += [block for child in children if (block := self.block(child, where))]
        if not inside:
            return None
        if len(inside) == 1 and "paragraph" in inside[0]:
            return {"callout": {"type": kind, "text": inside[0]["paragraph"]}}
        return {"callout": {"type": kind, "blocks": inside}}

    def table(self, element: ElementTree.Element, where: str) -> dict[str, Any]:
        caption = element.find(f"{XHTML}caption")
        rows = element.findall(f".//{XHTML}tr")
        header = [tidy("".join(c.itertext())) for c in rows[0]] if rows else []
        body = [[tidy("".join(c.itertext())) for c in row] for row in rows[1:]]
        row_headers = all(len(row) and row[0].tag == f"{XHTML}th" for row in rows[1:])
        table: dict[str, Any] = {
            "caption": tidy("".join(caption.itertext())) if caption is not None else "Table",
            "header": header,
            "rows": body,
        }
        if caption is None:
            self.to_check.append(f"give the table in {where} a caption")
        if not row_headers:
            table["row_headers"] = False
        return table

    def inline(self, element: ElementTree.Element, where: str, *, label: bool = False) -> str:
        """An element's text as inline markup; ``label`` drops a callout's printed label."""
        writer = InlineWriter(self.report.guessed, where)
        writer.text(element.text or "")
        for child in element:
            tag = child.tag.removeprefix(XHTML)
            words = "".join(child.itertext())
            if tag == "strong" and label and "callout-label" in (child.get("class") or ""):
                pass
            elif tag in ("strong", "b"):
                writer.bold(words)
            elif tag == "a":
                writer.link(words, child.get("href") or "")
            else:
                writer.text(words)
            writer.text(child.tail or "")
        return writer.markup()

    def unplaced_section(self) -> list[dict[str, Any]]:
        if not self.unplaced:
            return []
        from leafletgen.importing.builder import UNPLACED_HEADING

        self.to_check.append(f"move or delete what is under “{UNPLACED_HEADING}”")
        return [{"heading": UNPLACED_HEADING, "blocks": self.unplaced}]


def _code(section: Any) -> str | None:
    for coding in (section.code.coding or []) if section.code else []:
        if coding.system == PART_SYSTEM:
            return coding.code
    return None


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out += (
            block["list"]
            if "list" in block
            else [block["paragraph"]]
            if "paragraph" in block
            else []
        )
    return out


def _countries(name: Any) -> list[str]:
    """The ISO 3166 countries a product name is used in (``usage.country``)."""
    return [
        coding.code
        for usage in name.usage or []
        for coding in (usage.country.coding or [] if usage.country else [])
        if coding.code and coding.system == COUNTRY_SYSTEM
    ]
