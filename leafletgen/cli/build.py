"""`leaflet build`: publish leaflets into the output folder, or make one counter print."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from leafletgen.cli.common import (
    checked_names,
    leaflets_dir_option,
    listed,
    one_paper,
    out_option,
    paper_option,
    pass_project,
    stopped_cleanly,
)
from leafletgen.plural import counted

if TYPE_CHECKING:
    from leafletgen.counter import CounterError, Pharmacy
    from leafletgen.project import Project
    from leafletgen.publish.plan import BuildRequest


def _shard(value: str | None) -> tuple[int, int]:
    if value is None:
        return (1, 1)
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not K/N, for example 2/8", param_hint="--shard"
        ) from None
    if not 1 <= index <= count:
        raise click.BadParameter(f"{value!r}: K must be between 1 and N", param_hint="--shard")
    return (index, count)


@click.command()
@click.argument("leaflets", nargs=-1, metavar="[LEAFLET]...")
@click.option("--all", "all_leaflets", is_flag=True, help="Every leaflet in the leaflets folder.")
@leaflets_dir_option
@click.option("--lang", "languages", multiple=True,
              help="Languages (repeat or comma-separate, or 'all'); default: each leaflet's own.")  # fmt: skip
@click.option("--variant", "variants", multiple=True,
              help="standard, large-print, plain, plain-large-print (repeat or comma-separate), or 'all'.")  # fmt: skip
@paper_option("a4")
@click.option("--format", "formats", multiple=True,
              help="pdf, html, epi, brf, epub, audio (repeat or comma-separate, or 'all')  [default: pdf]")  # fmt: skip
@out_option("Folder the leaflets are published to.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: cores].",
)
@click.option("--force", is_flag=True, help="Rebuild outputs the manifest says are up to date.")
@click.option("--verify", is_flag=True,
              help="Hash every output again, not trusting its recorded size and time.")  # fmt: skip
@click.option(
    "--shard", "shard_spec", metavar="K/N", help="Build only the K-th of N slices of the matrix."
)
@click.option("--allow-incomplete", is_flag=True,
              help="Print missing or stale translations in the source language, marked on the page.")  # fmt: skip
@click.option("--country", metavar="CC",
              help="The market (ES, US…): which brands print [default: [market] country].")  # fmt: skip
@click.option("--pharmacy", type=click.Path(dir_okay=False, path_type=Path),
              help="Pharmacy profile (YAML or TOML): makes this a counter print, or brands the publications with --branded.")  # fmt: skip
@click.option("--branded", is_flag=True,
              help="Publish leaflets that carry the pharmacy (--pharmacy, or [counter] pharmacy).")  # fmt: skip
@click.option("--patient", help="Patient's name: makes this a counter print.")
@click.option("--note", help="A short pharmacist's note, printed in a box: a counter print.")
@click.option(
    "--print-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date printed on a counter print [default: today].",
)
@click.option("--schedule-time", "schedule_times", multiple=True, metavar="HH:MM=AMOUNT",
              help="A time of day and the amount to take then, printed in a table: a counter print (repeat: '08:00=0.5 mg').")  # fmt: skip
@click.option("--taper-start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day of a tapering plan (with --taper-step): a counter print.")  # fmt: skip
@click.option("--taper-step", "taper_steps", multiple=True, metavar="DOSE:Nd|Nw",
              help="A step of the tapering plan: its dose for N days or weeks (repeat, in order: '0.5 mg:14d').")  # fmt: skip
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where a counter print goes ('-': standard output)  [default: a private temporary folder]")  # fmt: skip
@pass_project
def build(
    project: Project,
    leaflets: tuple[str, ...],
    all_leaflets: bool,
    leaflets_dir: Path | None,
    languages: tuple[str, ...],
    variants: tuple[str, ...],
    papers: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    verify: bool,
    shard_spec: str | None,
    allow_incomplete: bool,
    country: str | None,
    pharmacy: Path | None,
    branded: bool,
    patient: str | None,
    note: str | None,
    print_date: datetime | None,
    schedule_times: tuple[str, ...],
    taper_start: datetime | None,
    taper_steps: tuple[str, ...],
    output_file: Path | None,
) -> None:
    """Publish LEAFLET (a source file, or the id of a leaflet in leaflets/), or --all, to the
    output folder. With --patient, --note or --pharmacy: one counter print, never published."""
    from leafletgen.render import FORMATS
    from leafletgen.variants import VARIANTS

    if bool(leaflets) == all_leaflets:
        raise click.UsageError("name one or more LEAFLETs, or --all")
    project = project.with_folders(leaflets_dir=leaflets_dir, output_dir=out_dir)
    try:
        project = project.for_country(country)
    except ValueError as error:  # pydantic's, naming the code
        message = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())  # type: ignore[attr-defined]
        raise click.BadParameter(message, param_hint="--country") from None
    defaults = project.config.build
    chosen_paper = one_paper(papers, defaults.paper)
    chosen_formats = listed(formats) or tuple(defaults.formats)
    checked_names(chosen_formats, FORMATS, "--format" if formats else "[build] formats")
    chosen_variants = listed(variants) or tuple(defaults.variants)
    checked_names(chosen_variants, VARIANTS, "--variant")
    chosen_languages = listed(languages) or tuple(defaults.languages)
    schedule = _schedule_of(schedule_times, taper_start, taper_steps)
    if (patient or note or pharmacy or schedule) and not branded:
        if force or verify or shard_spec or all_leaflets:
            raise click.UsageError(
                "a counter print (--patient, --note, --pharmacy, a schedule) is one leaflet: "
                "--all, --force, --verify and --shard are for publications"
            )
        return _counter_print(
            project,
            leaflets,
            chosen_languages,
            chosen_variants,
            chosen_paper,
            chosen_formats,
            allow_incomplete=allow_incomplete,
            pharmacy=pharmacy,
            patient=patient,
            note=note,
            printed_on=print_date,
            schedule=schedule,
            destination=output_file,
        )
    if output_file is not None:
        raise click.UsageError(
            "-o/--output is for a counter print (--patient, --note, --pharmacy); publications "
            "go to the output folder (--out DIR)"
        )
    if branded and (patient or note or schedule):
        raise click.UsageError("--branded publications carry no --patient, --note or schedule")
    from leafletgen.publish.plan import BuildRequest, default_jobs

    request = BuildRequest(
        leaflets=("all",) if all_leaflets else leaflets,
        paper=chosen_paper,
        formats=tuple(FORMATS) if chosen_formats == ("all",) else chosen_formats,
        variants=chosen_variants,
        languages=chosen_languages,
        allow_incomplete=allow_incomplete,
        jobs=jobs or defaults.jobs or default_jobs(),
        force=force,
        verify=verify,
        shard=_shard(shard_spec),
        branded=_pharmacy(project, pharmacy, required=True) if branded else None,
    )
    _publish(project, request)


INTERRUPTED_BATCH = "Interrupted: the files written so far are complete and in the manifest."


def _publish(project: Project, request: BuildRequest) -> None:
    from leafletgen.publish.build import build as run_build

    reporter = _Reporter()
    with stopped_cleanly(INTERRUPTED_BATCH):
        try:
            report = run_build(project, request, progress=reporter)
        finally:
            reporter.close()  # the progress bar ends before any other line is written
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for warning, paths in report.output_warnings():
        click.echo(f"Warning: {warning}: {_some(paths)}", err=True)
    for failure in report.failed:
        click.echo(f"Error: {failure.message}", err=True)
    click.echo(
        f"{counted(len(report.built), 'file')} built, {report.skipped} up to date, "
        f"{len(report.failed)} failed, in {report.seconds:.1f} s"
    )
    if report.failed:
        raise SystemExit(1)


def _some(paths: list[Path], shown: int = 3) -> str:
    """The outputs a warning concerns, by file name; a few, and how many more."""
    names = ", ".join(path.name for path in paths[:shown])
    more = len(paths) - shown
    return f"{names} and {more} more" if more > 0 else names


def _pharmacy(project: Project, given: Path | None, *, required: bool) -> Pharmacy | None:
    from leafletgen.counter import configured_pharmacy

    pharmacy = configured_pharmacy(project, given)
    if pharmacy is None and required:
        raise click.UsageError(
            "--branded needs a pharmacy profile: --pharmacy FILE, or [counter] pharmacy "
            "in leaflet.toml"
        )
    return pharmacy


def _single(values: tuple[str, ...], option: str, default: str | None) -> str | None:
    if len(values) > 1 or values == ("all",):
        raise click.BadParameter(
            "a counter print is one leaflet in one language, variant and format",
            param_hint=option,
        )
    return values[0] if values else default


def _counter_print(
    project: Project,
    leaflets: tuple[str, ...],
    languages: tuple[str, ...],
    variants: tuple[str, ...],
    paper: str,
    formats: tuple[str, ...],
    *,
    allow_incomplete: bool,
    pharmacy: Path | None,
    patient: str | None,
    note: str | None,
    printed_on: datetime | None,
    schedule: dict[str, object] | None,
    destination: Path | None,
) -> None:
    from leafletgen.counter import CounterError, PrintDetails, Schedule
    from leafletgen.engine import Request, render
    from leafletgen.prints import save_print

    if len(leaflets) != 1:
        raise click.UsageError("a counter print is one leaflet: name one LEAFLET")
    try:
        counter = PrintDetails(
            pharmacy=_pharmacy(project, pharmacy, required=False),
            patient=patient,
            note=note,
            printed_on=(printed_on or datetime.now()).date(),
            schedule=Schedule.read(schedule),
        )
    except CounterError as error:
        raise _counter_option_error(error) from None
    request = Request(
        leaflets[0],
        _single(languages, "--lang", None),
        _single(variants, "--variant", "standard") or "standard",
        paper,
        _single(formats, "--format", "pdf") or "pdf",
        counter=counter,
        allow_incomplete=allow_incomplete,
    )
    rendered = render(project, request)
    for warning in rendered.warnings:
        click.echo(f"Warning: {warning}", err=True)
    path = save_print(project, rendered, destination)
    if path is not None:  # to standard output, nothing else may be printed there
        pages = f"{rendered.pages} pages, " if rendered.pages else ""
        checks = ", ".join(str(check) for check in rendered.checks)
        click.echo(f"wrote {path} ({pages}{checks}, {rendered.seconds:.2f} s): a counter print")
        if destination is None:
            click.echo("  (prints in that private folder are removed after a day)")


_TAPER_LENGTH = re.compile(r"\s*(\d+)\s*([dw])\s*")


def _schedule_of(
    times: tuple[str, ...], start: datetime | None, steps: tuple[str, ...]
) -> dict[str, object] | None:
    """The options' schedule in the API's JSON form (counter.Schedule.read checks it)."""
    schedule: dict[str, object] = {}
    if times:
        rows = []
        for number, given in enumerate(times, 1):
            time, equals, amount = given.partition("=")
            if not equals:
                raise click.BadParameter(
                    f"#{number}: write it as HH:MM=AMOUNT, for example 08:00=0.5 mg",
                    param_hint="--schedule-time",
                )
            rows.append({"time": time, "amount": amount})
        schedule["times"] = rows
    if start is not None:
        schedule["start"] = start.date().isoformat()
    if steps:
        rows = []
        for number, given in enumerate(steps, 1):
            dose, colon, length = given.rpartition(":")
            match = _TAPER_LENGTH.fullmatch(length)
            if not colon or match is None:
                raise click.BadParameter(
                    f"#{number}: write it as DOSE:Nd or DOSE:Nw, for example 0.5 mg:14d",
                    param_hint="--taper-step",
                )
            unit = "days" if match[2] == "d" else "weeks"
            rows.append({"dose": dose, unit: int(match[1])})
        schedule["steps"] = rows
    return schedule or None


# The fields of PrintDetails, as this command's options name them.
_COUNTER_OPTIONS = {
    "patient": "--patient",
    "note": "--note",
    "schedule": "--schedule-time/--taper-step",
    "schedule.times": "--schedule-time",
    "schedule.start": "--taper-start",
    "schedule.steps": "--taper-step",
}
_ROW = re.compile(r"schedule\.(times|steps)\[(\d+)\].*")


def _counter_option_error(error: CounterError) -> click.ClickException:
    from leafletgen.errors import LeafletError

    if row := _ROW.fullmatch(error.field):  # the option's own numbering, from 1
        option = f"{_COUNTER_OPTIONS[f'schedule.{row[1]}']} #{int(row[2]) + 1}"
    else:
        option = _COUNTER_OPTIONS.get(error.field, error.field)
    return LeafletError(f"{option}: {error.problem}")


class _Reporter:
    """A progress bar on a terminal, one plain line per output otherwise (up-to-date ones only
    in a small batch: a no-op rebuild of a catalogue is its summary line, not 100,000 lines)."""

    LIST_UP_TO_DATE = 100  # jobs

    def __init__(self) -> None:
        self.interactive = sys.stdout.isatty()
        self.bar: Any = None
        self.list_skipped = True

    def start(self, total: int) -> None:
        self.list_skipped = total <= self.LIST_UP_TO_DATE
        if self.interactive and total > 1:
            self.bar = click.progressbar(length=total, label="Building", show_pos=True)
            self.bar.__enter__()

    def update(self, result: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)
            return
        if result.skipped and self.list_skipped:
            click.echo(f"up to date: {result.job.name}")
        for built in result.built:
            pages = f"{built.pages} page{'' if built.pages == 1 else 's'}, " if built.pages else ""
            click.echo(f"wrote {built.path} ({pages}{built.verdict}, {built.seconds:.2f} s)")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
