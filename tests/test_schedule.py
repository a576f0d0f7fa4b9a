"""A personal schedule on a counter print (counter.Schedule): what is entered, checked field by
field, and printed as a tagged table in the patient's language, exactly as entered."""

from __future__ import annotations

import logging
from datetime import date, time
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from leafletgen.cli import main
from leafletgen.counter import CounterError, PrintDetails, Schedule
from leafletgen.engine import Request, render
from leafletgen.project import Project
from leafletgen.render.pdf.tagging import Node, walk
from tests.pdfutil import assert_in_order, body_text, marked_text
from tests.web_project import LEAFLET, make_counter_project

TIMES = {"times": [{"time": "08:00", "amount": "0.5 mg"}, {"time": "20:00", "amount": "1 tablet"}]}
TAPER = {
    "start": "2026-12-01",
    "steps": [
        {"dose": "1 mg", "days": 14},
        {"dose": "0.5 mg", "weeks": 2},
        {"dose": "0.25 mg", "days": 7},
    ],
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_counter_project(tmp_path_factory.mktemp("schedule") / "project")


def printed(project: Path, tmp_path: Path, schedule: dict, language: str = "en") -> Path:
    details = PrintDetails(
        patient="Ann", printed_on=date(2026, 11, 25), schedule=Schedule.read(schedule)
    )
    request = Request(LEAFLET, language, counter=details, allow_incomplete=True)
    rendered = render(Project.load(project), request)
    path = tmp_path / f"print-{language}.pdf"
    path.write_bytes(rendered.data)
    return path


# --- what is entered ---------------------------------------------------------------------


def test_times_are_kept_as_entered() -> None:
    schedule = Schedule.read(TIMES)
    assert schedule is not None
    assert [(d.time, d.amount) for d in schedule.times] == [
        (time(8, 0), "0.5 mg"),
        (time(20, 0), "1 tablet"),
    ]
    assert schedule.steps == () and schedule.start is None


def test_a_tapering_plan_dates_its_steps_and_keeps_its_doses() -> None:
    schedule = Schedule.read(TAPER)
    assert schedule is not None
    dated = [
        (s.start, s.until, s.step.dose, s.step.length, s.step.unit) for s in schedule.dated_steps
    ]
    assert dated == [
        (date(2026, 12, 1), date(2026, 12, 14), "1 mg", 14, "days"),
        (date(2026, 12, 15), date(2026, 12, 28), "0.5 mg", 2, "weeks"),  # weeks stay weeks
        (date(2026, 12, 29), date(2027, 1, 4), "0.25 mg", 7, "days"),
    ]


@pytest.mark.parametrize("empty", [None, {}])
def test_no_schedule(empty: object) -> None:
    assert Schedule.read(empty) is None


def _steps(*steps: dict) -> dict:
    return {"start": "2026-12-01", "steps": list(steps)}


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("08:00", "schedule", "must be an object"),
        ({"time": "08:00"}, "schedule.time", "not a field here"),
        ({"times": {"time": "08:00"}}, "schedule.times", "must be a list"),
        ({"times": [{"time": "8 am", "amount": "1"}]}, "schedule.times[0].time", "HH:MM"),
        ({"times": [{"time": "24:00", "amount": "1"}]}, "schedule.times[0].time", "HH:MM"),
        ({"times": [{"time": "08:00"}]}, "schedule.times[0].amount", "required"),
        ({"times": [{"time": "08:00", "amount": 5}]}, "schedule.times[0].amount", "required"),
        (
            {"times": [{"time": "08:00", "amount": "a" * 41}]},
            "schedule.times[0].amount",
            "at most 40",
        ),
        (
            {"times": [{"time": "08:00", "amount": "1 mg\u202e"}]},
            "schedule.times[0].amount",
            "U+202E at character 5",
        ),
        (
            {"times": [{"time": "08:00", "amount": "1", "note": "x"}]},
            "schedule.times[0].note",
            "not a field here",
        ),
        ({"times": [{"time": "08:00", "amount": "1"}] * 9}, "schedule.times", "at most 8"),
        ({"steps": [{"dose": "1 mg", "days": 3}]}, "schedule.start", "required with steps"),
        ({"start": "1 Dec", "steps": [{"dose": "1", "days": 3}]}, "schedule.start", "YYYY-MM-DD"),
        ({"start": "2026-12-01"}, "schedule", "either times of day"),
        ({**TIMES, **TAPER}, "schedule", "either times of day"),
        (
            _steps({"dose": "1", "days": 3}, {"dose": "", "days": 3}),
            "schedule.steps[1].dose",
            "required",
        ),
        (
            _steps({"dose": "1", "days": 3}, {"dose": "1", "days": 3}, {"dose": "1", "days": 0}),
            "schedule.steps[2].days",
            "from 1 to 365",
        ),
        (_steps({"dose": "1", "weeks": 53}), "schedule.steps[0].weeks", "from 1 to 365"),
        (_steps({"dose": "1", "days": 1.5}), "schedule.steps[0].days", "whole number"),
        (_steps({"dose": "1", "days": True}), "schedule.steps[0].days", "whole number"),
        (_steps({"dose": "1"}), "schedule.steps[0].days", "in days or in weeks"),
        (_steps({"dose": "1", "days": 7, "weeks": 1}), "schedule.steps[0].days", "one of them"),
        (_steps(*[{"dose": "1", "days": 1}] * 13), "schedule.steps", "at most 12"),
    ],
)
def test_a_bad_value_is_named_by_its_path(value: object, field: str, message: str) -> None:
    with pytest.raises(CounterError) as refused:
        Schedule.read(value)
    assert refused.value.field == field
    assert message in refused.value.problem
    assert "\u202e" not in str(refused.value)  # never what was typed


def test_a_schedule_is_never_in_a_repr() -> None:
    schedule = Schedule.read(TAPER)
    shown = repr(schedule) + repr(schedule.steps) + repr(schedule.dated_steps)  # type: ignore[union-attr]
    shown += repr(Schedule.read(TIMES).times)  # type: ignore[union-attr]
    assert "mg" not in shown and "tablet" not in shown


# --- the printed table -------------------------------------------------------------------


def _table(path: Path) -> tuple[list[str], list[str], str]:
    """The schedule's table as tagged: its kids' types, its header cells' scopes, its text."""
    pdf = pikepdf.open(path)
    texts = marked_text(path)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}

    def text(node: Node) -> str:
        own = "".join(texts.get((pages[page.objgen], mcid), "") for page, mcid in node.mcids)
        return own + "".join(text(Node(kid, "", ())) for kid in node.kids)

    tables = [node for node in walk(pdf) if node.type == "Table"]
    table = next(t for t in tables if "Your schedule" in text(t) or "Su pauta" in text(t))
    kinds = [str(kid.S)[1:] for kid in table.kids]
    heads = [node for node in walk(pdf) if node.type == "TH"]
    scopes = [
        str(th.attribute("/Scope", "/Table"))
        for th in heads
        if any(parent.objgen == table.element.objgen for parent in th.parents)
    ]
    return kinds, scopes, " ".join(text(table).split())


def test_times_print_as_a_tagged_table_in_order(project: Path, tmp_path: Path) -> None:
    pdf = printed(project, tmp_path, TIMES)
    kinds, scopes, text = _table(pdf)
    assert kinds == ["Caption", "THead", "TBody"]
    assert scopes == ["/Column", "/Column"]  # header cells of their columns
    # Read in this order by a screen reader: caption, header, then row by row.
    assert_in_order(text, ["Your schedule", "Time", "Amount", "8:00 AM", "0.5 mg", "8:00 PM",
                           "1 tablet"])  # fmt: skip
    page = body_text(pdf)
    assert page.index("Prepared for: Ann") < page.index("Your schedule")  # in the details box
    assert all(value in page for value in ("8:00 AM", "0.5 mg", "8:00 PM", "1 tablet"))


def test_a_tapering_plan_prints_in_spanish_with_spanish_dates(
    project: Path, tmp_path: Path
) -> None:
    pdf = printed(project, tmp_path, TAPER, "es")
    expected = [
        "Su pauta", "Desde", "Hasta", "Dosis",
        "1 de diciembre de 2026", "14 de diciembre de 2026", "1 mg",
        "15 de diciembre de 2026", "28 de diciembre de 2026", "0.5 mg",  # the dose as entered
        "29 de diciembre de 2026", "4 de enero de 2027", "0.25 mg",
    ]  # fmt: skip
    kinds, scopes, text = _table(pdf)
    assert kinds == ["Caption", "THead", "TBody"] and scopes == ["/Column"] * 3
    assert_in_order(text, expected)
    page = body_text(pdf)
    assert "4 de enero de 2027" in page and "0.25 mg" in page
    assert "Your schedule" not in page  # the labels are translated, not left in English


def test_the_schedule_reaches_no_log_and_no_metadata(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pdf = printed(project, tmp_path, {"times": [{"time": "09:30", "amount": "Zyxwv drops"}]})
    document = pikepdf.open(pdf)
    metadata = str(dict(document.docinfo)) + document.Root.Metadata.read_bytes().decode()
    assert "Zyxwv" in body_text(pdf)
    assert "Zyxwv" not in metadata and "Zyxwv" not in caplog.text


# --- from the command line ---------------------------------------------------------------


def leaflet(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project), "build", LEAFLET, *args])
    return result.exit_code, result.output


def test_cli_prints_the_times(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "times.pdf"
    code, output = leaflet(
        project,
        "--schedule-time",
        "08:00=0.5 mg",
        "--schedule-time",
        "20:00=0.5 mg",
        "-o",
        str(out),
    )
    assert code == 0, output
    assert_in_order(_table(out)[2], ["Your schedule", "8:00 AM", "0.5 mg", "8:00 PM", "0.5 mg"])


def test_cli_prints_a_tapering_plan(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "taper.pdf"
    code, output = leaflet(
        project, "--taper-start", "2026-12-01", "--taper-step", "1 mg:14d",
        "--taper-step", "0.5 mg:2w", "-o", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert_in_order(
        _table(out)[2],
        ["From", "Until", "Dose", "December 1, 2026", "December 14, 2026", "1 mg",
         "December 15, 2026", "December 28, 2026", "0.5 mg"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--schedule-time", "08:00"], "--schedule-time: #1: write it as HH:MM=AMOUNT"),
        (["--schedule-time", "8=1 mg"], "--schedule-time #1: not a time of day"),
        (["--taper-step", "1 mg"], "--taper-step: #1: write it as DOSE:Nd or DOSE:Nw"),
        (["--taper-step", "1 mg:3d"], "--taper-start: required with steps"),
        (
            ["--taper-start", "2026-12-01", "--taper-step", "1 mg:3d", "--taper-step", "2 mg:0w"],
            "--taper-step #2: must be from 1 to 365 days",
        ),
        (
            [
                "--schedule-time",
                "08:00=1 mg",
                "--taper-start",
                "2026-12-01",
                "--taper-step",
                "1:3d",
            ],
            "--schedule-time/--taper-step: give either times of day",
        ),
    ],
)
def test_cli_names_the_option_of_a_bad_value(
    project: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "refused.pdf"
    code, output = leaflet(project, *args, "-o", str(out))
    assert code != 0 and message in " ".join(output.split()), output
    assert not out.exists()
