"""Write the shaped parts as a leaflet source: a draft that names what the author must fill,
validated exactly as `leaflet build` will read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from leafletgen.content.loader import leaflet_from_bytes
from leafletgen.content.model import DRAFT_FIELDS, Leaflet
from leafletgen.importing.builder import Report, Shaped

# The draft's fields an article never holds: its metadata, not its text.
_GIVEN_ELSEWHERE = tuple(
    name for name in DRAFT_FIELDS if name not in ("key_takeaways", "bottom_line")
)

_HEADER = """\
# Imported by `leaflet import` from {name}: a DRAFT, not for patients.
# Every page prints "Draft — not reviewed" and `leaflet check` refuses it until you have
#  - {fields},
#  - done what `draft: to_check` lists, if anything,
#  - written the plain-language counterparts (`plain:`), which `leaflet check` lists,
#  - checked every part against the document,
# and then deleted the whole `draft:` block.
"""


def draft_source(
    shaped: Shaped,
    *,
    leaflet_id: str,
    language: str,
    imported_from: str,
    known: dict[str, Any],
    report: Report,
) -> tuple[bytes, Leaflet]:
    """The YAML of the draft, and the leaflet it validates to. ``known`` holds the fields
    among DRAFT_FIELDS the input or the command line gave (medicine, version…)."""
    to_fill: list[str] = [name for name in _GIVEN_ELSEWHERE if name not in known]
    draft: dict[str, Any] = {"imported_from": imported_from, "to_fill": to_fill}
    if shaped.to_check:
        draft["to_check"] = shaped.to_check
    data: dict[str, Any] = {"id": leaflet_id, "draft": draft, "title": shaped.title}
    for name in ("subtitle", "summary"):
        if value := getattr(shaped, name):
            data[name] = value
    data.update({k: known[k] for k in ("medicine",) if k in known})
    data["language"] = language
    data.update({k: known[k] for k in ("version", "reviewed", "source") if k in known})
    if "source" not in known and shaped.document_title:
        # The document names itself: that is what the leaflet is made from. The author still
        # confirms it and adds its publisher, address and date (`source` stays to fill).
        data["source"] = {"title": shaped.document_title}
        report.guessed.append(
            f"source: its title is the document's own, “{shaped.document_title}” (add its "
            "publisher, address and date)"
        )
    for name in ("get_help", "key_takeaways", "key_takeaways_after", "sections", "faqs"):
        if value := getattr(shaped, name):
            data[name] = value
    if shaped.bottom_line:
        data["bottom_line"] = shaped.bottom_line
    # What the input did not have and the format needs: named, never made up.
    for name, label in (("key_takeaways", "key takeaways"), ("bottom_line", "bottom line")):
        if name not in data:
            to_fill.append(name)
            report.to_fill.append(f"{name}: the input marks no {label}")
    report.to_fill[:0] = [
        f"{name}: "
        + ("only its title, the document's: confirm it" if name in data else "not in the input")
        for name in to_fill
        if name in _GIVEN_ELSEWHERE
    ]
    fields = (
        f"filled in {', '.join(to_fill)} (docs/leaflet-format.md)"
        if to_fill
        else ("checked medicine, version, reviewed and source, taken from the document")
    )
    header = _HEADER.format(name=imported_from, fields=fields)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=96)
    raw = (header + "\n" + body).encode("utf-8")
    leaflet, _ = leaflet_from_bytes(raw, Path(f"{leaflet_id}.yaml"))
    return raw, leaflet
