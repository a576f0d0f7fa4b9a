"""One print asked for at the counter or through the API, read field by field from a form or a
JSON body: every bad value is refused with the name of its field before anything renders.

A ``PrintOrder`` holds a patient's name: it lives in memory for one request and is never
logged, stored or put in a URL (its ``repr`` withholds it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from leafletgen.counter import MAX_STEPS, MAX_TIMES, CounterError, PrintDetails, Schedule
from leafletgen.variants import PAPERS, VARIANTS
from leafletgen.web.listing import Language, Listed, Listing


def N_(message: str) -> str:
    """Mark a message for extraction; the page translates it where it is shown."""
    return message


class FieldError(Exception):
    """A field of a print order is wrong. ``message`` is English with ``{placeholders}``
    filled from ``args`` (a page translates the message first); never the value typed."""

    def __init__(self, field: str, message: str, status: int = 422, **args: object) -> None:
        self.field = field
        self.message = message
        self.args_ = args
        self.status = status
        super().__init__(f"{field}: {self.text}")

    @property
    def text(self) -> str:
        return self.message.format(**self.args_)


@dataclass(frozen=True)
class PrintOrder:
    leaflet: Listed
    language: Language
    variant: str
    paper: str
    patient: str | None
    note: str | None
    print_date: date | None  # None: today's on a personal print, none on a generic one
    confirm_draft: bool
    today: date
    schedule: Schedule | None = None

    @property
    def personal(self) -> bool:
        """Printed for one patient."""
        return self.patient is not None or self.note is not None or self.schedule is not None

    @property
    def generic(self) -> bool:
        """What a build publishes (nothing personal, no print date): served from the output
        folder when the manifest says the file there is current."""
        return not self.personal and self.print_date is None

    @property
    def printed_on(self) -> date | None:
        return self.print_date or (self.today if self.personal else None)

    def __repr__(self) -> str:
        return f"PrintOrder({self.leaflet.id}, {self.language.code}, <personal details withheld>)"


# The fields an order has; anything else in a JSON body is a mistake worth naming.
FIELDS = (
    "leaflet",
    "lang",
    "variant",
    "paper",
    "patient",
    "note",
    "print_date",
    "schedule",
    "confirm_draft",
)


def read_order(
    values: Mapping[str, object],
    listing: Listing,
    today: date,
    *,
    default_paper: str = "a4",
    strict: bool = True,
) -> PrintOrder:
    """The order ``values`` (a form or a JSON object) describe. ``strict``: unknown fields
    are an error (the API); a form carries its CSRF token and buttons besides."""
    if strict:
        for key in values:
            if key not in FIELDS:
                raise FieldError(
                    key, N_("not a field of a print (one of {fields})"), fields=", ".join(FIELDS)
                )
    leaflet_id = _text(values, "leaflet")
    if not leaflet_id:
        raise FieldError("leaflet", N_("required: the id of a leaflet"))
    leaflet = listing.find(leaflet_id)
    if leaflet is None:
        raise FieldError(
            "leaflet", N_("no leaflet with the id {id!r}"), status=404, id=leaflet_id[:80]
        )
    code = _text(values, "lang") or leaflet.source_language
    language = leaflet.language(code)
    if language is None:
        raise FieldError(
            "lang",
            N_("{id!r} is not available in {lang!r} (one of {languages})"),
            id=leaflet.id,
            lang=code[:20],
            languages=", ".join(x.code for x in leaflet.languages),
        )
    variant = _choice(values, "variant", "standard", VARIANTS)
    paper = _choice(values, "paper", default_paper, PAPERS)
    patient, note = _text(values, "patient") or None, _text(values, "note") or None
    try:
        schedule = Schedule.read(values.get("schedule"))
        # The counter's own rules, field by field.
        PrintDetails(patient=patient, note=note, schedule=schedule)
    except CounterError as error:
        raise FieldError(error.field, "{problem}", problem=error.problem) from None
    confirm = _flag(values, "confirm_draft")
    if language.draft and not confirm:
        raise FieldError(
            "confirm_draft",
            N_(
                "the {lang} translation is not signed off ({state}): "
                "confirm to print it, marked as a draft"
            ),
            status=409,
            lang=language.code,
            state=language.state,
        )
    return PrintOrder(
        leaflet,
        language,
        variant,
        paper,
        patient,
        note,
        _date(values, "print_date"),
        confirm,
        today,
        schedule,
    )


# --- a schedule typed into the form --------------------------------------------------------
# Each input is named by the path the API's JSON gives the same value (``schedule.times[0].
# amount``), so an error names the form's own input. A step's length is one number and a
# unit (days or weeks): ``schedule.steps[0].length`` and ``.unit``.
TIME_FIELDS = ("time", "amount")
STEP_FIELDS = ("dose", "length", "unit")
START_FIELD = "schedule.start"
UNITS = ("days", "weeks")


def row_field(kind: str, index: int, name: str) -> str:
    return f"schedule.{kind}[{index}].{name}"


def form_rows(
    values: Mapping[str, str], kind: str, names: tuple[str, ...], limit: int
) -> list[tuple[int, tuple[str, ...]]]:
    """The rows of ``kind`` the form has values in, with their index on the form (empty rows
    are left out: a form shows a few spare ones)."""
    rows = []
    for index in range(limit):
        row = tuple(values.get(row_field(kind, index, name), "").strip() for name in names)
        if any(row[:2]):  # a step's unit alone is the form's default, not a value
            rows.append((index, row))
    return rows


def schedule_of_form(values: Mapping[str, str]) -> dict[str, object] | None:
    """The schedule the form's rows describe, in the API's JSON form, or None."""
    times = form_rows(values, "times", TIME_FIELDS, MAX_TIMES)
    steps = form_rows(values, "steps", STEP_FIELDS, MAX_STEPS)
    start = values.get(START_FIELD, "").strip()
    if not (times or steps or start):
        return None
    schedule: dict[str, object] = {}
    if times:
        schedule["times"] = [{"time": time, "amount": amount} for _, (time, amount) in times]
    if steps:
        schedule["steps"] = [
            {"dose": dose, unit if unit in UNITS else "days": length or None}
            for _, (dose, length, unit) in steps
        ]
    if start:
        schedule["start"] = start
    return schedule


_ROW = re.compile(r"schedule\.(times|steps)\[(\d+)\](?:\.(days|weeks))?")


def form_field(field: str, values: Mapping[str, str]) -> str:
    """The form's input for the API's ``field``: its row as the form numbers it, a step's
    days or weeks its length."""
    match = _ROW.match(field)
    if match is None:
        return field
    kind, index = match[1], int(match[2])
    names, limit = (TIME_FIELDS, MAX_TIMES) if kind == "times" else (STEP_FIELDS, MAX_STEPS)
    rows = form_rows(values, kind, names, limit)
    row = rows[index][0] if index < len(rows) else index
    rest = ".length" if match[3] else field[match.end() :]
    return f"schedule.{kind}[{row}]{rest}"


def _text(values: Mapping[str, object], field: str) -> str:
    value = values.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, N_("must be a string"))
    return value.strip()


def _choice(
    values: Mapping[str, object], field: str, default: str, names: Mapping[str, object]
) -> str:
    value = _text(values, field) or default
    if value not in names:
        raise FieldError(
            field, N_("{value!r} is not one of {names}"), value=value[:40], names=", ".join(names)
        )
    return value


def _flag(values: Mapping[str, object], field: str) -> bool:
    value = values.get(field, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("on", "true", "yes", "1"):  # a form's checkbox
        return True
    raise FieldError(field, N_("must be true or false"))


def _date(values: Mapping[str, object], field: str) -> date | None:
    value = _text(values, field)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(field, N_("not a date: write it as YYYY-MM-DD")) from None
