"""What a pharmacy adds at the counter: its profile, and the details of one print.

The profile (name, address, phone, website, optional logo) is project data. The per-print
details (patient name, pharmacist's note, print date) are personal: they are printed on the
page and nowhere else: not in the manifest, the logs, or the PDF's metadata.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from leafletgen.content.coverage import check_covered
from leafletgen.content.loader import validated
from leafletgen.content.model import PlainText, Url
from leafletgen.content.safe_yaml import (
    MAX_SOURCE_BYTES,
    FieldPath,
    read_yaml,
)
from leafletgen.content.text import check_text
from leafletgen.errors import LeafletError, Problem, SourceError
from leafletgen.files import read_bounded

if TYPE_CHECKING:
    from leafletgen.project import Project

MAX_LOGO_BYTES = 2_000_000
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class Logo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    file: PlainText
    alt: PlainText  # read out by screen readers: required


class PharmacyProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    name: PlainText
    address: PlainText | None = None
    phone: PlainText | None = None
    website: Url | None = None
    logo: Logo | None = None
    # Printed under "Get help now" instead of the project country's numbers.
    emergency_phone: PlainText | None = None
    poison_phone: PlainText | None = None


@dataclass(frozen=True)
class Pharmacy:
    profile: PharmacyProfile
    logo_path: Path | None  # resolved and checked: a PNG or JPEG inside the project


# What is typed at the counter is printed on the page: a name fits on one line of the box, a
# note in a few lines (docs/leaflet-format.md, "Counter prints").
MAX_PATIENT = 100
MAX_NOTE = 500


class CounterError(LeafletError):
    """A counter print's detail breaks a text rule. ``field`` names it (``patient``, ``note``)
    for a front-end to map to its own input (the CLI: ``--patient``); the message gives the
    position and the code point, never what was typed."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class PrintDetails:
    """One counter print. Never serialized, never logged.

    Validated when made, by the rules of every printed text (content.text), a length limit
    and the bundled fonts, so every front-end (the CLI, a web app) refuses the same input the
    same way, before anything is rendered. The pharmacy profile is checked when it is read."""

    pharmacy: Pharmacy | None = None
    patient: str | None = None
    note: str | None = None
    printed_on: date | None = None

    def __post_init__(self) -> None:
        for field, limit in (("patient", MAX_PATIENT), ("note", MAX_NOTE)):
            value = getattr(self, field)
            if value is not None:
                _check_detail(field, value, limit)

    def __repr__(self) -> str:  # keep patient data out of tracebacks and debug logs
        return "PrintDetails(<personal details withheld>)"


def _check_detail(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise CounterError(field, f"{len(value):,} characters: at most {limit}")
    try:
        check_text(value, inline=False)
        # Before rendering: the renderer would only say a glyph is missing, with no field.
        check_covered(value)
    except ValueError as error:
        raise CounterError(field, str(error)) from None


def load_pharmacy(path: Path, project_root: Path) -> Pharmacy:
    """Read a pharmacy profile (YAML or TOML); its logo must be an image inside the project."""
    # The guarded reader of leaflet sources: bounded size, no aliases, no duplicate keys, lines.
    raw = read_bounded(path, MAX_SOURCE_BYTES)
    lines: dict[FieldPath, int] = {}
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise SourceError([Problem(path, None, "", f"not valid TOML: {error}")]) from None
    else:
        data, lines = read_yaml(raw, path)
    profile = validated(PharmacyProfile, data, lines, path)
    logo_path = _checked_logo(path, profile.logo.file, project_root) if profile.logo else None
    return Pharmacy(profile, logo_path)


def configured_pharmacy(project: Project, given: Path | None = None) -> Pharmacy | None:
    """The profile ``given``, else the one ``[counter] pharmacy`` names; None when neither."""
    configured = project.config.counter.pharmacy
    path = given or (project.resolve(Path(configured)) if configured else None)
    return load_pharmacy(path, project.root) if path is not None else None


def _checked_logo(profile_path: Path, name: str, project_root: Path) -> Path:
    logo = (profile_path.parent / name).resolve()
    root = project_root.resolve()
    if not logo.is_relative_to(root):
        raise LeafletError(
            f"{profile_path}: logo.file: {name!r} is outside the project folder {root}"
        )
    if not logo.is_file():
        raise LeafletError(f"{profile_path}: logo.file: {name!r} does not exist")
    with logo.open("rb") as handle:  # only the magic number: the size is known from stat
        head = handle.read(8)
    if logo.stat().st_size > MAX_LOGO_BYTES or not any(head.startswith(m) for m in _IMAGE_MAGIC):
        raise LeafletError(f"{profile_path}: logo.file: {name!r} must be a PNG or JPEG under 2 MB")
    return logo
