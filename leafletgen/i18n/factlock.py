"""The fact lock on a catalog: each translation states the facts of its source
(``leafletgen.content.facts``), or it is not printed.

An entry whose numbers, doses, phone numbers, URLs, placeholders or medicine names differ from
its source is unusable, as a fuzzy one is: the build refuses it, or prints the source text with
``--allow-incomplete``. An entry with a negation on one side only is printed but keeps the
leaflet a draft until a translator, having checked it, adds the flag ``negation-checked``
(``#, negation-checked`` above the entry). The flag is dropped when the source text changes.

The medicine names a catalog must keep are its leaflet's own (the entries of
``medicine.generic`` and ``medicine.brands``): the translation of the generic is its spelling in
that language (كلونازيبام), and counts as the name.

A translated title or subtitle (``MASTHEAD``) whose source names a brand names the medicine as
``{medicine}``, which prints the generic name first and then the brands of the market the
leaflet is printed for ("¿Puede el {medicine} hacerle llorar?" prints "¿Puede el clonazepam
(Rivotril) hacerle llorar?" in Spain): a brand written out in a title would print in every
market the catalog's language is read in, and lead with it. A title that does otherwise is
unusable, as a fact that differs is.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.catalog import Message as PoMessage

from leafletgen.content.facts import Finding, Name, Severity, compare, facts
from leafletgen.content.model import MASTHEAD, MEDICINE
from leafletgen.i18n.store import SOURCE_LANGUAGE, is_complete

CHECKED_FLAG = "negation-checked"  # a translator's "the negation is right": see the docstring


@dataclass(frozen=True)
class EntryFindings:
    """What the lock found in one entry of one catalog."""

    path: Path
    line: int | None
    context: str | None
    msgid: str
    findings: tuple[Finding, ...]
    checked: bool  # the translator set CHECKED_FLAG

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def needs_review(self) -> bool:
        return not self.checked and any(f.severity is Severity.REVIEW for f in self.findings)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def describe(self, finding: Finding) -> str:
        status = " (checked by a translator)" if self.checked and finding.rule == "negation" else ""
        return f"{self.where}: {finding.severity}: {finding}{status}; source {_short(self.msgid)}"


_LOCKS: weakref.WeakKeyDictionary[Catalog, dict[tuple[str | None, str], EntryFindings]] = (
    weakref.WeakKeyDictionary()
)


def lock(
    catalog: Catalog, path: Path, language: str, source_language: str = SOURCE_LANGUAGE
) -> dict[tuple[str | None, str], EntryFindings]:
    """The findings of every complete entry of ``catalog`` that has any, by (context, msgid).

    Catalogs come from lint.read_catalog, shared by every reader of the same file: the lock of
    each is worked out once (fuzzy entries too: they are refused anyway, but listed)."""
    if catalog in _LOCKS:
        return _LOCKS[catalog]
    names = _names(catalog)
    found = {}
    for message in catalog:
        if not message.id or not is_complete(message):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[-1]
        findings = _compared(message, names, language, source_language)
        if findings:
            found[message.context, msgid] = EntryFindings(
                path,
                message.lineno,
                message.context,
                msgid,
                tuple(findings),
                CHECKED_FLAG in message.flags,
            )
    _LOCKS[catalog] = found
    return found


def _compared(
    message: PoMessage, names: list[Name], language: str, source_language: str
) -> list[Finding]:
    """A plural entry's every form against its plural msgid (which form stands for "one" is
    the language's own), each finding once."""
    if isinstance(message.id, str):
        pairs = [(message.id, str(message.string))]
    else:
        pairs = [(message.id[-1], form) for form in message.string]
    found: dict[Finding, None] = {}
    masthead = (message.context or "").partition("|")[2] in MASTHEAD
    for msgid, string in pairs:
        if masthead:
            msgid, string = _named(msgid, names), _named(string, names)
        source = facts(msgid, source_language, names)
        found.update(dict.fromkeys(compare(source, facts(string, language, names))))
    if masthead:
        found.update(dict.fromkeys(_title_names(message, names, language, source_language)))
    return list(found)


def _named(text: str, names: list[Name]) -> str:
    """MEDICINE as what it prints, for the comparison: every name of the medicine."""
    return text.replace(MEDICINE, " ".join(name.name for name in names))


def _title_names(
    message: PoMessage, names: list[Name], language: str, source_language: str
) -> list[Finding]:
    """A translated title names the medicine as MEDICINE whenever its source names a brand,
    and never writes a brand out (see the module's docstring)."""
    msgid, string = _texts(message)
    brand = next((name for name in names if name.brand), None)
    if brand is None:
        return []
    in_source = brand.name in facts(_named(msgid, names), source_language, names).names
    written = brand.name in facts(string.replace(MEDICINE, " "), language, names).names
    if not (in_source or written) or (MEDICINE in string and not written):
        return []
    return [
        Finding(
            "medicine",
            Severity.ERROR,
            f"a title names the medicine as {MEDICINE}, never by a brand such as {brand.name}: "
            f"{MEDICINE} prints the generic name, then the brands of the market the leaflet is "
            "printed for (one catalog serves every market)",
        )
    ]


def _texts(message: PoMessage) -> tuple[str, str]:
    if isinstance(message.id, str):
        return message.id, str(message.string)
    return message.id[0], str(message.string[0])


def _names(catalog: Catalog) -> list[Name]:
    """The generic, spelled as the source and as the catalog translates it; each brand, which
    a translation may also name by another brand of the same medicine (the brand of its
    market, ``medicine.brands`` per country), never by something else."""
    generic, brands = [], {}
    for message in catalog:
        context = message.context or ""
        if not message.id or "|medicine." not in context:
            continue
        msgid, string = _texts(message)
        spellings = (string,) if string and not message.fuzzy and string != msgid else ()
        if context.endswith("|medicine.generic"):
            generic.append(Name(msgid, spellings))
        elif "|medicine.brands" in context:
            brands[msgid] = (*brands.get(msgid, ()), *spellings)
    if not brands:
        return generic
    # one name for every brand of the medicine: a text that names one of them names "it"
    first, *others = brands
    spellings = (*brands[first], *(s for name in others for s in (name, *brands[name])))
    return [*generic, Name(first, tuple(dict.fromkeys(spellings)), brand=True)]


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
