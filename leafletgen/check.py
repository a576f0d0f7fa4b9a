"""Check a rendered PDF against PDF/UA-1 with a maintained validator (page-validation)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    profile: str
    compliant: bool
    failures: tuple[str, ...]  # "RULE-ID: message", one per failed check

    def __str__(self) -> str:
        return f"{self.profile} {'pass' if self.compliant else 'FAIL'}"


def check_pdfua(data: bytes) -> Verdict:
    import page  # 50 MB native module: only loaded when a PDF is checked

    report = page.validate_pdf_bytes(data, profile=page.ValidationProfile.PDF_UA_1)
    failures = tuple(f"{f.rule_id}: {f.message}" for f in report.failures)
    return Verdict(profile="PDF/UA-1", compliant=report.is_compliant, failures=failures)
