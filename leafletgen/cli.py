"""The `leaflet` command: parse options, call the engine, report. No logic of its own."""

from __future__ import annotations

import dataclasses
import json
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from leafletgen import __version__


def leaflet_arguments(command: Callable[..., None]) -> Callable[..., None]:
    """LEAFLET... (a source file or an id) and the folder ids are looked up in."""
    command = click.option(
        "--leaflets-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("leaflets"),
        show_default=True,
        help="Where leaflet ids are looked up.",
    )(command)
    return click.argument("leaflets", nargs=-1, required=True, metavar="LEAFLET...")(command)


@click.group()
@click.version_option(__version__, prog_name="leaflet")
def main() -> None:
    """Accessible, printable patient leaflets from one medicine-information source."""


def _listed(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated options and comma-separated lists alike: --lang es,ar --lang ru."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


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


@main.command()
@click.argument("leaflets", nargs=-1, metavar="[LEAFLET]...")
@click.option("--all", "all_leaflets", is_flag=True, help="Every leaflet in the leaflets folder.")
@click.option("--leaflets-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("leaflets"),
              show_default=True, help="Where leaflet ids are looked up.")  # fmt: skip
@click.option("--lang", "languages", multiple=True,
              help="Languages (repeat or comma-separate, or 'all'); default: each leaflet's own.")  # fmt: skip
@click.option("--variant", "variants", multiple=True,
              help="standard, large-print, plain, plain-large-print (repeat or comma-separate), or 'all'.")  # fmt: skip
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None, help="[default: a4]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "all"]),
    default=None,
    help="[default: pdf]",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder the leaflets are written to.  [default: output]")  # fmt: skip
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: cores].",
)
@click.option("--force", is_flag=True, help="Rebuild outputs the manifest says are up to date.")
@click.option(
    "--shard", "shard_spec", metavar="K/N", help="Build only the K-th of N slices of the matrix."
)
@click.option("--allow-incomplete", is_flag=True,
              help="Print missing or stale translations in the source language, marked on the page.")  # fmt: skip
@click.option("--pharmacy", type=click.Path(dir_okay=False, path_type=Path),
              help="Pharmacy profile (YAML or TOML) printed on the leaflet.")  # fmt: skip
@click.option("--patient", help="Patient's name, printed on this print only.")
@click.option("--note", help="A short pharmacist's note, printed in a box.")
@click.option(
    "--print-date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date printed on a counter print [default: today].",
)
def build(
    leaflets: tuple[str, ...],
    all_leaflets: bool,
    leaflets_dir: Path,
    languages: tuple[str, ...],
    variants: tuple[str, ...],
    paper: str | None,
    fmt: str | None,
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    shard_spec: str | None,
    allow_incomplete: bool,
    pharmacy: Path | None,
    patient: str | None,
    note: str | None,
    print_date: datetime | None,
) -> None:
    """Build LEAFLET (a source file, or the id of a leaflet in leaflets/), or --all."""
    from leafletgen.build import FORMATS, BuildRequest, default_jobs
    from leafletgen.build import build as run_build
    from leafletgen.config import load_config
    from leafletgen.counter import PrintDetails, load_pharmacy

    if bool(leaflets) == all_leaflets:
        raise click.UsageError("name one or more LEAFLETs, or --all")
    defaults = load_config(Path(".")).build
    profile = pharmacy or (Path(defaults.pharmacy) if defaults.pharmacy else None)
    counter = None
    if profile or patient or note:
        counter = PrintDetails(
            pharmacy=load_pharmacy(profile, Path(".")) if profile else None,
            patient=patient,
            note=note,
            printed_on=(print_date or datetime.now()).date(),
        )
    formats = fmt or ",".join(defaults.formats)
    request = BuildRequest(
        leaflets=("all",) if all_leaflets else leaflets,
        leaflets_dir=leaflets_dir,
        out_dir=out_dir or Path(defaults.out),
        paper=paper or defaults.paper,  # type: ignore[arg-type]
        formats=FORMATS if formats == "all" else _listed((formats,)),  # type: ignore[arg-type]
        variants=_listed(variants) or tuple(defaults.variants),
        languages=_listed(languages) or tuple(defaults.languages),
        allow_incomplete=allow_incomplete,
        jobs=jobs or defaults.jobs or default_jobs(),
        force=force,
        shard=_shard(shard_spec),
        counter=counter,
    )
    _check_variants(request.variants)
    reporter = _Reporter()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        report = run_build(request, progress=reporter)
    except KeyboardInterrupt as interruption:
        reporter.close()
        click.echo(
            "Interrupted: the files written so far are complete and in the manifest.", err=True
        )
        # 128 + the signal number, as a shell reports a process the signal stopped.
        raise SystemExit(143 if isinstance(interruption, _Terminated) else 130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    reporter.close()
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for failure in report.failed:
        click.echo(f"Error: {failure.message}", err=True)
    click.echo(
        f"{len(report.built)} files built, {report.skipped} up to date, "
        f"{len(report.failed)} failed, in {report.seconds:.1f} s"
    )
    if report.failed:
        raise SystemExit(1)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, `kill`): stops a build in the same order as Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _check_variants(names: tuple[str, ...]) -> None:
    from leafletgen.variants import VARIANTS

    for name in names:
        if name != "all" and name not in VARIANTS:
            raise click.BadParameter(f"unknown variant {name!r} (one of {', '.join(VARIANTS)}, all)",
                                     param_hint="--variant")  # fmt: skip


class _Reporter:
    """A progress bar on a terminal, one plain line per output otherwise."""

    def __init__(self) -> None:
        self.interactive = sys.stdout.isatty()
        self.bar: Any = None

    def start(self, total: int) -> None:
        if self.interactive and total > 1:
            self.bar = click.progressbar(length=total, label="Building", show_pos=True)
            self.bar.__enter__()

    def update(self, result: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)
            return
        if result.skipped:
            click.echo(f"up to date: {result.job.name}")
        for built in result.built:
            pages = (
                f"{built.pages} page{'' if built.pages == 1 else 's'}, {built.verdict}, "
                if built.pages
                else ""
            )
            click.echo(f"wrote {built.path} ({pages}{built.seconds:.2f} s)")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command()
@click.argument("targets", nargs=-1, metavar="[LEAFLET|PDF]...")
@click.option("--leaflets-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("leaflets"),
              show_default=True, help="Where leaflet ids are looked up.")  # fmt: skip
@click.option("--built", is_flag=True, help="Every PDF the output folder's manifest lists.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The output folder --built reads.  [default: output]")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def check(
    targets: tuple[str, ...], leaflets_dir: Path, built: bool, out_dir: Path | None, as_json: bool
) -> None:
    """Check LEAFLET sources (plain-language coverage, reading grades, jargon) and built PDFs
    (PDF/UA-1 and what the leaflet promises: language, title, fonts, headings, tables, alt
    text, font sizes, draft notice)."""
    from leafletgen.assets import LOCALES_DIR
    from leafletgen.audit import RULES, audit_outputs
    from leafletgen.config import load_config
    from leafletgen.manifest import Manifest

    if not targets and not built:
        raise click.UsageError("name LEAFLETs or PDFs to check, or --built")
    config = load_config(Path("."))
    pdfs = [Path(t) for t in targets if t.endswith(".pdf")]
    if built:
        pdfs += Manifest(out_dir or Path(config.build.out)).outputs("pdf")
        if not pdfs:
            raise click.UsageError(
                f"no PDF listed in {(out_dir or Path(config.build.out))}/manifest.json"
            )
    sources = [
        _check_source(t, leaflets_dir, config.readability, as_json)
        for t in targets
        if not t.endswith(".pdf")
    ]
    audits = []
    for audit in audit_outputs(pdfs, leaflets_dir, LOCALES_DIR):
        audits.append(audit)
        if not as_json:
            click.echo(f"{audit.path}: {'OK' if audit.ok else 'FAIL'}")
            for result in audit.results:
                click.echo(
                    f"  {result.rule:<15} {'pass' if result.ok else 'FAIL'}  {result.detail}"
                )
    if as_json:
        click.echo(
            json.dumps(
                {"leaflets": sources, "outputs": [_audit_json(a) for a in audits]},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif audits:
        failed = sum(not r.ok for a in audits for r in a.results)
        click.echo(
            f"{len(audits)} PDFs checked against {len(RULES)} rules: "
            f"{sum(a.ok for a in audits)} passed, {len(audits) - sum(a.ok for a in audits)} failed "
            f"({failed} failed checks)"
        )
    if any(not a.ok for a in audits) or any(not s["ok"] for s in sources):
        raise SystemExit(1)


def _audit_json(audit: Any) -> dict[str, Any]:
    return {
        "path": str(audit.path),
        "ok": audit.ok,
        "rules": [dataclasses.asdict(result) for result in audit.results],
    }


def _check_source(reference: str, leaflets_dir: Path, limits: Any, as_json: bool) -> dict[str, Any]:
    """Check one source, print the report unless JSON is wanted, and return it as data."""
    from leafletgen.check import check_leaflet
    from leafletgen.errors import LeafletError
    from leafletgen.source import find_source, load_leaflet

    try:
        result = check_leaflet(load_leaflet(find_source(reference, leaflets_dir)), limits)
    except LeafletError as error:
        if not as_json:
            click.echo(f"Error: {error.format_message()}", err=True)
        return {"leaflet": reference, "ok": False, "failures": [error.format_message()]}
    if not as_json:
        _print_leaflet_check(result, limits)
    return {"leaflet": reference, **dataclasses.asdict(result), "ok": result.ok}


def _print_leaflet_check(result: Any, limits: Any) -> None:
    width = max(len(row.part) for row in result.grades)
    click.echo(f"Leaflet '{result.leaflet_id}': reading grade (Flesch-Kincaid)")
    click.echo(f"  {'part':<{width}}  standard  plain")
    for row in result.grades:
        plain = f"{row.plain:5.1f}" if row.plain is not None else "    -"
        note = f"  omitted: {row.omitted}" if row.omitted else ""
        click.echo(f"  {row.part:<{width}}  {row.standard:8.1f}  {plain}{note}")
    plain_summary = result.plain_summary or (None, None)
    for label, standard, plain, limit in zip(
        ("mean", "worst part"),
        result.standard_summary,
        plain_summary,
        (limits.max_mean_grade, limits.max_part_grade),
        strict=True,
    ):
        shown = f"{plain:5.1f}" if plain is not None else "    -"
        click.echo(f"  {label:<{width}}  {standard:8.1f}  {shown}  (limit {limit})")
    for part, reason in result.omissions:
        click.echo(f"  left out of the plain text: {part}: {reason}")
    click.echo(
        "  unexplained jargon: "
        + (", ".join(f"{w} ({p})" for w, p in result.jargon) if result.jargon else "none")
    )
    if result.ok:
        click.echo("  OK")
    else:
        for failure in result.failures:
            click.echo(f"  FAIL: {failure}")


@main.group()
def i18n() -> None:
    """Translation catalogs: extract, init, update, compile, status (Babel's workflow)."""


@i18n.command("extract")
def i18n_extract() -> None:
    """Collect the text of the templates and every leaflet into locales/messages.pot."""
    from leafletgen import catalogs
    from leafletgen.assets import LOCALES_DIR

    click.echo(f"wrote {catalogs.extract(Path('.'), LOCALES_DIR)}")


@i18n.command("init")
@click.argument("language")
def i18n_init(language: str) -> None:
    """Start the catalog of LANGUAGE (for example es, ar, pt-BR)."""
    from leafletgen import catalogs
    from leafletgen.assets import LOCALES_DIR

    click.echo(f"wrote {catalogs.init(LOCALES_DIR, language)}")


@i18n.command("update")
def i18n_update() -> None:
    """Merge locales/messages.pot into every catalog; changed text becomes fuzzy."""
    from leafletgen import catalogs
    from leafletgen.assets import LOCALES_DIR

    catalogs.update(LOCALES_DIR)
    click.echo(f"updated the catalogs in {LOCALES_DIR}")


@i18n.command("compile")
def i18n_compile() -> None:
    """Write .mo files next to the catalogs, for other gettext tools."""
    from leafletgen import catalogs
    from leafletgen.assets import LOCALES_DIR

    for path in catalogs.compile_catalogs(LOCALES_DIR):
        click.echo(f"wrote {path}")


@i18n.command("status")
def i18n_status() -> None:
    """Each language: how much is translated, what is stale, and who reviewed it."""
    from babel.numbers import format_percent

    from leafletgen import catalogs
    from leafletgen.assets import LOCALES_DIR

    broken = False
    for row in catalogs.status(LOCALES_DIR):
        if isinstance(row, catalogs.BrokenCatalog):
            broken = True
            click.echo(f"{row.language:<6} refused by the build:")
            for problem in row.problems:
                click.echo(f"Error: {problem}", err=True)
            continue
        done = format_percent(row.translated / row.total if row.total else 1, locale="en")
        click.echo(
            f"{row.language:<6} {row.native_name} ({row.english_name}): {row.translated}/{row.total} "
            f"translated ({done}), {row.fuzzy} fuzzy, {row.missing} missing; {row.state}"
        )
    if broken:
        raise SystemExit(1)


@main.command()
@click.argument("leaflet_id", metavar="ID")
@click.option("--lang", "language", default="en", show_default=True,
              help="Language tag of the text, e.g. en or pt-BR.")  # fmt: skip
@click.option("--leaflets-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("leaflets"), show_default=True)  # fmt: skip
def new(leaflet_id: str, language: str, leaflets_dir: Path) -> None:
    """Start a new leaflet source, ID.yaml, from a commented template."""
    from leafletgen.scaffold import new_leaflet

    path = new_leaflet(leaflet_id, leaflets_dir, language)
    click.echo(f"Created {path}: fill in every empty value, then run `leaflet check {leaflet_id}`.")


@main.command()
@leaflet_arguments
@click.option("--variant", "variants", multiple=True, help="Variants to preview (or 'all').")
@click.option("--lang", "languages", multiple=True, help="Languages to preview (or 'all').")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output/previews"), show_default=True, help="Folder the PNGs go to.")  # fmt: skip
@click.option("--dpi", type=click.IntRange(10, 300), default=50, show_default=True)
def preview(
    leaflets: tuple[str, ...], leaflets_dir: Path, variants: tuple[str, ...],
    languages: tuple[str, ...], out_dir: Path, dpi: int,
) -> None:  # fmt: skip
    """PNG pages and a numbered contact sheet of LEAFLET, built first if it is not up to date."""
    from leafletgen.build import BuildRequest, outputs
    from leafletgen.build import build as run_build
    from leafletgen.output import check_output_folder
    from leafletgen.preview import write_previews

    check_output_folder(out_dir)  # before the build: a refused folder leaves nothing written
    request = BuildRequest(
        leaflets=leaflets,
        leaflets_dir=leaflets_dir,
        variants=_listed(variants) or ("standard",),
        languages=_listed(languages),
    )
    report = run_build(request)
    for failure in report.failed:
        click.echo(f"Error: {failure.message}", err=True)
    for pdf in outputs(request):
        if pdf.is_file():
            result = write_previews(pdf, out_dir, dpi=dpi)
            click.echo(f"wrote {result.contact_sheet} ({len(result.pages)} pages)")
    if report.failed:
        raise SystemExit(1)


@main.command("list")
@click.option("--leaflets-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("leaflets"), show_default=True)  # fmt: skip
def list_leaflets(leaflets_dir: Path) -> None:
    """Every leaflet in every language: version, last review and translation state."""
    from datetime import date

    from leafletgen.assets import LOCALES_DIR
    from leafletgen.catalogs import leaflet_languages
    from leafletgen.config import load_config
    from leafletgen.errors import LeafletError
    from leafletgen.source import is_source_file, load_leaflet

    max_age = load_config(Path(".")).review.max_age_days
    failed = False
    for path in sorted(leaflets_dir.iterdir()):
        if not is_source_file(path):
            continue
        try:
            rows = leaflet_languages(load_leaflet(path), LOCALES_DIR, date.today(), max_age)
        except LeafletError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            failed = True
            continue
        for row in rows:
            overdue = f"  REVIEW OVERDUE (older than {max_age} days)" if row.review_overdue else ""
            click.echo(
                f"{row.leaflet_id}  {row.language:<5}  v{row.version}  reviewed {row.reviewed}  {row.state}{overdue}"
            )
    if failed:
        raise SystemExit(1)
