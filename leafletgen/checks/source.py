"""Check a rendered PDF against PDF/UA-1 with a maintained validator (page-validation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files

from leafletgen.checks.readability import PartGrade, grades, plain_parts
from leafletgen.config import CheckPolicy, ReadabilityLimits
from leafletgen.content.model import Leaflet
from leafletgen.edition import coverage_gaps, omissions
from leafletgen.errors import LeafletError


@dataclass(frozen=True)
class LeafletCheck:
    """What `leaflet check` finds in one source: coverage, reading grades and jargon."""

    leaflet_id: str
    grades: list[PartGrade]
    gaps: list[str]  # parts with no plain counterpart
    omissions: list[tuple[str, str]]  # (part, reason) the author left out on purpose
    jargon: list[tuple[str, str]]  # (word, part) in the plain text, not in "Words to know"
    failures: list[str]  # broken limits, in words
    warnings: list[str] = field(default_factory=list)  # what a reviewer should look at

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
    failures = [f"no plain-language text for {gap}" for gap in gaps]
    if plain and (mean := _mean(plain)) > limits.max_mean_grade:
        failures.append(f"plain text mean grade {mean} is above {limits.max_mean_grade}")
    failures += [
        f"plain text of {row.part!r} is at grade {row.plain}, above {limits.max_part_grade}"
        for row in rows
        if row.plain is not None and row.plain > limits.max_part_grade
    ]
    jargon = find_jargon(leaflet, limits.jargon)
    failures += [f"'{word}' in {part} is not explained in Words to know" for word, part in jargon]
    warnings = []
    if not leaflet.get_help:
        (failures if policy.require_get_help else warnings).append(NO_GET_HELP)
    return LeafletCheck(leaflet.id, rows, gaps, omissions(leaflet), jargon, failures, warnings)


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
