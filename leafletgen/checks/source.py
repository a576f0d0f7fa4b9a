"""Check a rendered PDF against PDF/UA-1 with a maintained validator (page-validation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files

from leafletgen.checks.plain_facts import counterparts, plain_facts
from leafletgen.checks.readability import NO_FORMULA, PartGrade, ease_formulas, grades, plain_parts
from leafletgen.config import CheckPolicy, ReadabilityLimits
from leafletgen.content.model import Leaflet
from leafletgen.edition import coverage_gaps, omissions
from leafletgen.errors import LeafletError
from leafletgen.plural import counted, verb


@dataclass(frozen=True)
class LeafletCheck:
    """What `leaflet check` finds in one source: coverage, reading grades and jargon."""

    leaflet_id: str
    grades: list[PartGrade]
    gaps: list[str]  # parts with no plain counterpart
    omissions: list[tuple[str, str]]  # (part, reason) the author left out on purpose
    jargon: list[tuple[str, str]]  # (word, part) in the plain text, not in "Words to know"
    failures: list[str]  # broken limits, in words
    warnings: list[str] = field(default_factory=list)  # for a person to look at

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def standard_summary(self) -> tuple[float, float]:
        """(mean, worst) grade of the standard text, for comparison."""
        values = [row.standard for row in self.grades]
        return _mean(values), max(values)

    @property
    def plain_summary(self) -> tuple[float, float] | None:
        """(mean, worst) grade of the plain text, or None when there is none."""
        values = [row.plain for row in self.grades if row.plain is not None]
        return (_mean(values), max(values)) if values else None


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


NO_GET_HELP = (
    "no 'get_help': nothing on page 1 says when to get medical help straight away "
    '(see leaflet docs leaflet-format, "Get help now")'
)


def check_leaflet(
    leaflet: Leaflet, limits: ReadabilityLimits, policy: CheckPolicy | None = None
) -> LeafletCheck:
    policy = policy or CheckPolicy()
    if not leaflet.language.startswith("en"):
        raise LeafletError(
            f"Leaflet '{leaflet.id}': reading grades are measured for English sources only"
        )
    rows = grades(leaflet)
    gaps = coverage_gaps(leaflet)
    plain = [row.plain for row in rows if row.plain is not None]
    failures = draft_failures(leaflet)
    failures += [f"no plain-language text for {gap}" for gap in gaps]
    if plain and (mean := _mean(plain)) > limits.max_mean_grade:
        failures.append(f"plain text mean grade {mean} is above {limits.max_mean_grade}")
    failures += [
        f"plain text of {row.part!r} is at grade {row.plain}, above {limits.max_part_grade}"
        for row in rows
        if row.plain is not None and row.plain > limits.max_part_grade
    ]
    jargon = find_jargon(leaflet, limits.jargon)
    failures += [f"'{word}' in {part} is not explained in Words to know" for word, part in jargon]
    facts = plain_facts(leaflet)  # the plain text keeps every fact of the standard text
    failures += [f"plain text of {finding}" for finding in facts if finding.is_error]
    warnings = [f"plain text of {finding}" for finding in facts if not finding.is_error]
    if not leaflet.get_help:
        (failures if policy.require_get_help else warnings).append(NO_GET_HELP)
    return LeafletCheck(leaflet.id, rows, gaps, omissions(leaflet), jargon, failures, warnings)


def draft_failures(leaflet: Leaflet) -> list[str]:
    """Why a draft is not for publication yet: what it lacks, then what it asks to check."""
    if leaflet.draft is None:
        return []
    fill = ", ".join(leaflet.draft.to_fill)
    failures = [
        "a draft, not for publication: "
        + (f"fill in {fill}, then " if fill else "")
        + "delete the `draft:` block"
    ]
    return failures + [f"draft: to check: {item}" for item in leaflet.draft.to_check]


def find_jargon(leaflet: Leaflet, extra: list[str]) -> list[tuple[str, str]]:
    """Hard words in the plain text that "Words to know" does not explain."""
    if leaflet.plain is None:
        return []
    bundled = (files("leafletgen") / "jargon" / "en.txt").read_text(encoding="utf-8")
    words = {w.strip().lower() for w in bundled.splitlines() if w.strip() and not w.startswith("#")}
    words |= {w.lower() for w in extra}
    explained = " | ".join(entry.term for entry in leaflet.plain.glossary)
    found: list[tuple[str, str]] = []
    for part, text in plain_parts(leaflet):
        for word in sorted(words):
            pattern = re.compile(rf"\b{re.escape(word)}(?:s|es)?\b", re.IGNORECASE)
            if pattern.search(text) and not pattern.search(explained):
                found.append((word, part))
    # A phrase ("paradoxical reaction") also matches its single words: report the longest.
    return [(w, p) for w, p in found if not any(o != w and w in o and op == p for o, op in found)]


@dataclass(frozen=True)
class TranslationCheck:
    """What `leaflet check --lang LANG` finds in a translation: each part's reading ease, with
    the formulas made for its language, standard beside plain."""

    leaflet_id: str
    language: str
    formulas: list[str]  # names; empty: none validated for the language (see note)
    rows: list[tuple[str, list[tuple[float, float]]]]  # part, (standard, plain) per formula
    minimum: float | None  # of the first formula, for each plain part
    note: str | None
    failures: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_translation(
    translated: Leaflet, language: str, limits: ReadabilityLimits, untranslated: int = 0
) -> TranslationCheck:
    """The reading ease of a translated leaflet, part by part (``translated`` is the source
    with its catalog's text put in)."""
    from babel import Locale

    code = language.replace("_", "-").split("-")[0].lower()
    formulas = ease_formulas(language)
    warnings = []
    if untranslated:
        warnings.append(
            f"{counted(untranslated, 'passage')} {verb(untranslated, 'is', 'are')} not translated: "
            "measured in the source language"
        )
    if not formulas:
        name = Locale.parse(language, sep="-").get_display_name("en") or language
        note = NO_FORMULA.format(language=name)
        return TranslationCheck(translated.id, language, [], [], None, note, [], warnings)
    rows = [
        (part, [(f.measure(standard), f.measure(plain)) for f in formulas])
        for part, standard, plain in counterparts(translated)
        if standard and plain
    ]
    minimum = limits.min_reading_ease.get(code)
    failures = []
    if minimum is not None:
        failures = [
            f"plain text of {part!r} reads at {scores[0][1]} ({formulas[0].name}), below {minimum}"
            for part, scores in rows
            if scores[0][1] < minimum
        ]
    return TranslationCheck(
        translated.id, language, [f.name for f in formulas], rows, minimum, None, failures,
        warnings,
    )  # fmt: skip
