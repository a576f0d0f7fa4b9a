"""Check a rendered PDF against PDF/UA-1 with a maintained validator (page-validation)."""

from __future__ import annotations

from leafletgen.render.format import Check

PROFILE = "PDF/UA-1"


def check_pdfua(data: bytes) -> Check:
    import page  # 50 MB native module: only loaded when a PDF is checked

    report = page.validate_pdf_bytes(data, profile=page.ValidationProfile.PDF_UA_1)
    failures = tuple(f"{f.rule_id}: {f.message}" for f in report.failures)
    return Check(PROFILE, report.is_compliant, failures)
