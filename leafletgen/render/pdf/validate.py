"""Check a rendered PDF against PDF/UA-1 with a maintained validator (page-validation)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from leafletgen.errors import RenderError
from leafletgen.render.format import Check

if TYPE_CHECKING:
    from leafletgen.render.pdf.tagging import Node

PROFILE = "PDF/UA-1"


def check_pdfua(data: bytes, name: str = "") -> Check:
    """Validate ``data`` (the file ``name``) against PDF/UA-1; a file past the validator's
    limits is a RenderError that names the limit.

    The validator's safety limits guard against hostile files and stay at their defaults but
    one: a table may have more than 1,024 rows. That limit bounds the grid the validator builds
    for a table, and the grid's size stays bounded by its 1,000,000-cell limit (a table of
    100,000 rows is checked in about 6 s), so a long dose schedule can be checked at all.
    """
    import page  # 50 MB native module: only loaded when a PDF is checked

    limits = page.SafetyLimits(max_table_grid_rows=page.SafetyLimits.DEFAULT_MAX_TABLE_GRID_CELLS)
    try:
        report = page.validate_pdf_bytes(
            data, profile=page.ValidationProfile.PDF_UA_1, limits=limits
        )
    except page.SafetyLimitError as error:
        where = f"{name}: " if name else ""
        raise RenderError(
            f"{where}cannot be checked against PDF/UA-1: {_over_the_limit(data, str(error))}"
        ) from None
    failures = tuple(f"{f.rule_id}: {f.message}" for f in report.failures)
    return Check(PROFILE, report.is_compliant, failures)


_DEPTH_LIMIT = re.compile(r"reference chain exceeds the configured depth of (\d+)")
_GRID_LIMIT = re.compile(r"at most (\d+) rows, (\d+) columns, and (\d+) cells")


def _over_the_limit(data: bytes, message: str) -> str:
    """The validator's SafetyLimitError in words, with what in the leaflet crossed the limit."""
    try:
        detail = _what_crossed(data, message)
    except Exception:  # a courtesy only: never hide the limit behind a second error
        detail = None
    return detail or f"the PDF/UA validator stopped at one of its safety limits: {message}"


def _what_crossed(data: bytes, message: str) -> str | None:
    import pikepdf

    from leafletgen.render.pdf import tagging

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if match := _DEPTH_LIMIT.search(message):
            depth = tagging.outline_depth(pdf)
            if depth > int(match[1]):
                return (
                    f"the PDF/UA validator's limit of {int(match[1]):,} steps through the "
                    f"bookmarks was exceeded: the leaflet's bookmarks need {depth:,} (too many "
                    "headings at one level)"
                )
        elif match := _GRID_LIMIT.search(message):
            rows, columns = max(
                (_table_size(node) for node in tagging.walk(pdf) if node.type == "Table"),
                key=lambda size: size[0] * size[1],
                default=(0, 0),
            )
            return (
                f"the PDF/UA validator's limit of {int(match[2]):,} columns and "
                f"{int(match[3]):,} cells per table was exceeded: the leaflet's largest table "
                f"has {columns:,} columns and {rows:,} rows"
            )
    return None


def _table_size(table: Node) -> tuple[int, int]:
    """(rows, cells in the widest row) of a Table element, its header row included."""
    from leafletgen.render.pdf import tagging

    rows = [
        row
        for kid in table.kids
        for row in ([kid] if str(kid.S) == "/TR" else tagging.Node(kid, "", ()).kids)
        if str(row.S) == "/TR"
    ]
    return len(rows), max((len(tagging.Node(row, "", ()).kids) for row in rows), default=0)
