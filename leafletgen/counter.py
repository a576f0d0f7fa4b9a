"""What a pharmacy adds at the counter: its profile, and the details of one print.

The profile (name, address, phone, website, optional logo) is project data. The per-print
details (patient name, pharmacist's note, print date) are personal: they are printed on the
page and nowhere else: not in the manifest, the logs, or the PDF's metadata.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

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
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)
    file: PlainText
    alt: PlainText  # read out by screen readers: required


class PharmacyProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)
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
# A personal schedule: one table on the first page, never a second leaflet.
MAX_AMOUNT = 40  # "0.5 mg (half a tablet)" fits a cell
MAX_TIMES = 8
MAX_STEPS = 12
MAX_STEP_DAYS = 365  # one step; a plan longer than a year is not a counter print


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
    schedule: Schedule | None = None

    def __post_init__(self) -> None:
        for field, limit in (("patient", MAX_PATIENT), ("note", MAX_NOTE)):
            value = getattr(self, field)
            if value is not None:
                _check_detail(field, value, limit)
        if self.schedule is not None and not isinstance(self.schedule, Schedule):
            raise CounterError("schedule", "must be a Schedule")

    @property
    def personal(self) -> bool:
        """Whether this print carries what no other does (the box on page 1): the patient's
        name, the note, the print date or a schedule, not only the pharmacy."""
        return any(
            value is not None for value in (self.patient, self.note, self.printed_on, self.schedule)
        )

    def pharmacy_only(self) -> PrintDetails:
        """The same print without what is personal in it: what may be kept for the next one."""
        return PrintDetails(self.pharmacy)

    def __repr__(self) -> str:  # keep patient data out of tracebacks and debug logs
        return "PrintDetails(<personal details withheld>)"


# --- a personal schedule ---------------------------------------------------------------------


@dataclass(frozen=True, repr=False)  # personal: never in a traceback
class TimedDose:
    """Take ``amount`` at ``time`` each day: the amount exactly as the pharmacist wrote it."""

    time: time
    amount: str


@dataclass(frozen=True, repr=False)  # personal: never in a traceback
class TaperStep:
    """Take ``dose`` for ``length`` days or weeks, as entered (never converted)."""

    dose: str
    length: int
    unit: Literal["days", "weeks"] = "days"

    @property
    def days(self) -> int:
        return self.length * (7 if self.unit == "weeks" else 1)


@dataclass(frozen=True, repr=False)  # personal: never in a traceback
class DatedStep:
    """A step of a tapering plan with the days it covers (both included)."""

    step: TaperStep
    start: date
    until: date


@dataclass(frozen=True)
class Schedule:
    """When and how much to take: times of day with amounts, or a tapering plan (a start
    date and steps). Printed as entered: nothing is computed from an amount or a dose; only
    each step's dates follow from the start and the steps before it.

    Validated when made, each value named by its path in the API's JSON
    (``schedule.steps[2].days``), by the rules of the counter's other texts."""

    times: tuple[TimedDose, ...] = ()
    start: date | None = None
    steps: tuple[TaperStep, ...] = ()

    def __post_init__(self) -> None:
        if bool(self.times) == bool(self.steps):
            raise CounterError(
                "schedule", "give either times of day with amounts, or a start date and steps"
            )
        if len(self.times) > MAX_TIMES:
            raise CounterError("schedule.times", f"{len(self.times)} times: at most {MAX_TIMES}")
        if len(self.steps) > MAX_STEPS:
            raise CounterError("schedule.steps", f"{len(self.steps)} steps: at most {MAX_STEPS}")
        for index, dose in enumerate(self.times):
            _check_amount(f"schedule.times[{index}].amount", dose.amount)
        if self.steps and self.start is None:
            raise CounterError("schedule.start", "required with steps: the date of the first")
        for index, step in enumerate(self.steps):
            _check_amount(f"schedule.steps[{index}].dose", step.dose)
            if step.unit not in ("days", "weeks"):
                raise CounterError(f"schedule.steps[{index}]", "give its days or its weeks")
            if not 1 <= step.days <= MAX_STEP_DAYS:
                raise CounterError(
                    f"schedule.steps[{index}].{step.unit}",
                    f"must be from 1 to {MAX_STEP_DAYS} days",
                )

    @property
    def dated_steps(self) -> tuple[DatedStep, ...]:
        """Each step with its first and last day: one after the other from ``start``."""
        dated, start = [], self.start
        for step in self.steps:
            assert start is not None
            until = start + timedelta(days=step.days - 1)
            dated.append(DatedStep(step, start, until))
            start = until + timedelta(days=1)
        return tuple(dated)

    def __repr__(self) -> str:
        return "Schedule(<personal details withheld>)"

    @classmethod
    def read(cls, value: object) -> Schedule | None:
        """A schedule from its JSON form (the API's, and what the CLI and the form are turned
        into): ``{"times": [{"time": "08:00", "amount": "0.5 mg"}, …]}`` or ``{"start":
        "2026-12-01", "steps": [{"dose": "0.5 mg", "days": 14}, {"dose": …, "weeks": 2}]}``.
        None or an empty object: no schedule."""
        if value is None:
            return None
        data = _object("schedule", value, ("times", "start", "steps"))
        if not data:
            return None
        times = tuple(
            TimedDose(
                _time(f"{path}.time", item.get("time")), _text(f"{path}.amount", item.get("amount"))
            )
            for path, item in _objects("schedule.times", data.get("times"), ("time", "amount"))
        )
        steps = tuple(
            _step(path, item)
            for path, item in _objects(
                "schedule.steps", data.get("steps"), ("dose", "days", "weeks")
            )
        )
        start = data.get("start")
        return cls(times, None if start is None else _date("schedule.start", start), steps)


def _object(field: str, value: object, keys: Sequence[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise CounterError(field, "must be an object")
    for key in value:
        if key not in keys:
            raise CounterError(f"{field}.{key}", f"not a field here (one of {', '.join(keys)})")
    return value


def _objects(
    field: str, value: object, keys: Sequence[str]
) -> list[tuple[str, Mapping[str, object]]]:
    """Each object of a list, with its path (``schedule.steps[2]``)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise CounterError(field, "must be a list")
    return [(f"{field}[{i}]", _object(f"{field}[{i}]", item, keys)) for i, item in enumerate(value)]


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CounterError(field, "required: a text")
    return value.strip()


_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _time(field: str, value: object) -> time:
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise CounterError(field, "not a time of day: write it as HH:MM (24 hours)")
    return time(int(match[1]), int(match[2]))


def _date(field: str, value: object) -> date:
    try:
        if isinstance(value, str):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise CounterError(field, "not a date: write it as YYYY-MM-DD")


def _step(field: str, item: Mapping[str, object]) -> TaperStep:
    dose = _text(f"{field}.dose", item.get("dose"))
    given = [unit for unit in ("days", "weeks") if item.get(unit) is not None]
    if len(given) != 1:
        raise CounterError(f"{field}.days", "give its length in days or in weeks (one of them)")
    unit = given[0]
    length = item[unit]
    if isinstance(length, str) and length.strip().isdigit():
        length = int(length)  # a form's field
    if not isinstance(length, int) or isinstance(length, bool):
        raise CounterError(f"{field}.{unit}", "must be a whole number")
    return TaperStep(dose, length, unit)  # type: ignore[arg-type]


def _check_amount(field: str, value: str) -> None:
    if not value.strip():
        raise CounterError(field, "required: a text")
    _check_detail(field, value, MAX_AMOUNT)


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
