"""FHIR R5 ePI: the leaflet in one language as an electronic product information document,
the form hospitals and the EU exchange medicine information in (HL7's ePI implementation
guide): a Bundle of type ``document`` whose first entry, a Composition, holds one section per
part of the leaflet with its text as XHTML (the HTML twin's own block markup, filled by
``templates/epi.xhtml.j2``), and a MedicinalProductDefinition for the medicine's names.

Each part's section carries a code of leafletgen's own (``PART_SYSTEM``), so that `leaflet
import` reads a Bundle back into the same leaflet. The check is a maintained FHIR library's:
fhir.resources parses and validates the Bundle against the R5 resource definitions.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup

from leafletgen import __version__
from leafletgen.content.model import Leaflet
from leafletgen.errors import RenderError
from leafletgen.render.format import Check, Document, Format, Output
from leafletgen.render.templates import make_environment
from leafletgen.variants import VARIANTS

PART_SYSTEM = "https://leafletgen.org/fhir/CodeSystem/leaflet-part"
PARTS = ("introduction", "key-takeaways", "section", "subsection", "faqs", "faq",
         "bottom-line", "glossary")  # fmt: skip
EPI_PROFILE = "http://hl7.org/fhir/uv/emedicinal-product-info/StructureDefinition/"
PACKAGE_LEAFLET = {
    "system": "https://spor.ema.europa.eu/rmswi/",
    "code": "100000155538",
    "display": "Package Leaflet",
}
XHTML = "{http://www.w3.org/1999/xhtml}"
# The review: a person's sign-off in their professional capacity.
_ATTESTED = {"system": "http://hl7.org/fhir/composition-attestation-mode", "code": "professional"}


def render(document: Document) -> Output:
    bundle = epi_bundle(document)
    return Output(json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


def epi_bundle(document: Document) -> dict[str, Any]:
    """The Bundle as JSON data."""
    edition, l10n = document.edition, document.localization
    leaflet = edition.leaflet
    if leaflet.version is None or leaflet.reviewed is None or leaflet.medicine is None:
        raise RenderError(
            f"{document.name}: an ePI document needs the leaflet's medicine, version and review "
            "date: fill them in (draft: to_fill)"
        )
    lang = l10n.language
    narrative = make_environment(l10n, document.assets).get_template("epi.xhtml.j2").module
    # Tables stay tables: an ePI is read on a screen, reflowed by its reader, never printed.
    blocks_variant = VARIANTS["standard"]

    def text(div: Markup) -> dict[str, str]:
        return {"status": "generated", "div": str(div).strip()}

    def chrome(message: str) -> str:
        return Markup(l10n.translations.gettext(message)).striptags()

    def part(code: str, title: str, div: Markup | None, **more: Any) -> dict[str, Any]:
        section: dict[str, Any] = {"title": title, "code": {"coding": [_part(code)]}}
        if div is not None:
            section["text"] = text(div)
        return section | more

    sections = []
    if edition.subtitle or edition.summary:
        sections.append(part("introduction", edition.title, narrative.introduction(edition, lang)))
    if edition.get_help:  # the situations; the numbers to call are the pharmacy's or country's
        sections.append(
            part("get-help", chrome("Get help now"), narrative.items(edition.get_help, lang))
        )
    takeaways = (
        [
            part(
                "key-takeaways",
                chrome("Key takeaways"),
                narrative.key_messages(edition.key_messages, lang),
            )
        ]
        if edition.key_messages
        else []
    )
    # In the source's order: after "get help now", or after the first section.
    later = leaflet.key_takeaways_after == "first_section" and bool(edition.sections)
    if not later:
        sections += takeaways
    for number, section in enumerate(edition.sections):
        subsections = [
            part("subsection", sub.heading, narrative.blocks(sub.blocks, blocks_variant, lang))
            for sub in section.subsections
        ]
        div = narrative.blocks(section.blocks, blocks_variant, lang) if section.blocks else None
        extra = {"section": subsections} if subsections else {}
        sections.append(part("section", section.heading, div, **extra))
        if later and number == 0:
            sections += takeaways
    if edition.faqs:
        faqs = [
            part("faq", faq.question, narrative.paragraphs(faq.answer, lang))
            for faq in edition.faqs
        ]
        sections.append(part("faqs", chrome("Frequently asked questions"), None, section=faqs))
    if edition.bottom_line:
        sections.append(
            part(
                "bottom-line",
                chrome("The bottom line"),
                narrative.paragraphs(edition.bottom_line, lang),
            )
        )
    if edition.glossary:
        sections.append(
            part("glossary", chrome("Words to know"), narrative.glossary(edition.glossary, lang))
        )

    names = f"{leaflet.id}|{leaflet.version}|{lang}|{edition.variant.name}"
    ids = {kind: str(uuid.uuid5(uuid.NAMESPACE_URL, f"leafletgen:{kind}:{names}")) for kind in ("bundle", "composition", "product")}  # fmt: skip
    reviewed = leaflet.reviewed.date.isoformat()
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "id": ids["composition"],
        "meta": {"profile": [EPI_PROFILE + "Composition-uv-epi"]},
        "language": lang,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ids['composition']}"}],
        "version": leaflet.version,
        "status": "preliminary" if leaflet.draft or l10n.draft else "final",
        "type": {"coding": [PACKAGE_LEAFLET]},
        "subject": [{"reference": f"urn:uuid:{ids['product']}"}],
        "date": reviewed,
        "name": leaflet.id,
        "author": [{"display": f"leafletgen {__version__}"}],
        "title": edition.title,
        "attester": [
            {
                "mode": {"coding": [_ATTESTED]},
                "time": reviewed,
                "party": {"display": leaflet.reviewed.by},
            }
        ],
        "relatesTo": [_source(leaflet)] if leaflet.source else [],
        "section": sections,
    }
    product: dict[str, Any] = {
        "resourceType": "MedicinalProductDefinition",
        "id": ids["product"],
        "name": [{"productName": leaflet.medicine.generic, "type": {"text": "generic"}}]
        + [{"productName": brand, "type": {"text": "brand"}} for brand in leaflet.medicine.brands]
        # each market's brands with the country they are sold in (ISO 3166, as FHIR codes it)
        + [
            {"productName": brand, "type": {"text": "brand"}, "usage": [_country(country)]}
            for country, brands in leaflet.medicine.brands_by_country.items()
            for brand in brands
        ],
    }
    if leaflet.medicine.class_:
        product["classification"] = [{"text": leaflet.medicine.class_}]
    return {
        "resourceType": "Bundle",
        "id": ids["bundle"],
        "meta": {"profile": [EPI_PROFILE + "Bundle-uv-epi"]},
        "language": lang,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ids['bundle']}"},
        "type": "document",
        "timestamp": f"{reviewed}T00:00:00Z",  # the review, not the clock: same inputs, same bytes
        "entry": [
            {"fullUrl": f"urn:uuid:{ids['composition']}", "resource": composition},
            {"fullUrl": f"urn:uuid:{ids['product']}", "resource": product},
        ],
    }


def _part(code: str) -> dict[str, str]:
    return {"system": PART_SYSTEM, "code": code}


COUNTRY_SYSTEM = "urn:iso:std:iso:3166"


def _country(code: str) -> dict[str, object]:
    """A name's use in one market; FHIR wants its language too: the country's first official
    one (CLDR), as the leaflet cannot know which of them the box is printed in."""
    from babel.languages import get_official_languages

    language = next(iter(get_official_languages(code)), "und")
    return {
        "country": {"coding": [{"system": COUNTRY_SYSTEM, "code": code}]},
        "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": language}]},
    }


def _source(leaflet: Leaflet) -> dict[str, Any]:
    source = leaflet.source
    assert source is not None
    related: dict[str, Any] = {"type": "derived-from", "display": source.title}
    if source.publisher:
        related["citation"] = source.publisher
    if source.url:
        related["document"] = {"url": source.url}
    if source.published:
        related["publicationDate"] = source.published.isoformat()
    return related


def check(data: bytes, document: Document) -> Check:
    """fhir.resources validates the Bundle (R5); then what the ePI guide and this leaflet
    ask of it: a document whose first entry is the Composition, in the edition's language,
    every section's XHTML well formed and in that language."""
    from fhir.resources.bundle import Bundle
    from pydantic import ValidationError

    try:
        bundle = Bundle.model_validate_json(data)
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:10]]
        return Check("FHIR R5", False, tuple(f"fhir: {p}" for p in problems))
    lang = document.localization.language
    failures = []
    if bundle.type != "document":
        failures.append(f"type: {bundle.type!r}, not 'document'")
    entries = bundle.entry or []
    composition = entries[0].resource if entries else None
    if composition is None or composition.get_resource_type() != "Composition":
        failures.append("entry[0]: not a Composition")
        return Check("FHIR R5 ePI", False, tuple(failures))
    others = [e for e in entries[1:] if e.resource.get_resource_type() == "Composition"]
    if others:
        failures.append("bdl-epi-1: more than one Composition")
    if bundle.language != lang or composition.language != lang:
        failures.append(f"language: {composition.language!r}, expected {lang!r}")
    if composition.title != document.edition.title:
        failures.append(f"title: {composition.title!r}")
    for number, section in enumerate(_walk(composition.section or []), start=1):
        if section.text is None:
            if not section.section:
                failures.append(f"section {number} ({section.title!r}): no text")
            continue
        try:
            div = ElementTree.fromstring(section.text.div)
        except ElementTree.ParseError as error:
            failures.append(f"section {number}: XHTML not well formed: {error}")
            continue
        if div.tag != f"{XHTML}div" or div.get("lang") != lang:
            failures.append(f"section {number}: not an XHTML div in {lang!r}")
    return Check("FHIR R5 ePI", not failures, tuple(failures))


def _walk(sections: list[Any]) -> list[Any]:
    out = []
    for section in sections:
        out += [section, *_walk(section.section or [])]
    return out


FORMAT = Format(
    # Published as <id>.<lang>.<variant>.<paper>.epi like every format; the bytes are JSON.
    "epi",
    ".epi",
    "application/fhir+json",
    render,
    check,
    kind="FHIR ePI",
    imports=("fhir.resources.bundle",),
)
