"""The `leaflet` command: parse options, call the engine, report. No logic of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


@main.command()
@leaflet_arguments
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the leaflets are written to.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "html", "all"]), default="pdf", show_default=True
)
@click.option(
    "--variant",
    type=click.Choice(["standard", "large-print", "plain", "plain-large-print", "all"]),
    default="standard",
    show_default=True,
    help="Text (full or plain language) and print size (regular or large).",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="Language to build (repeat for more); default: the leaflet's own language.",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Print missing or stale translations in the source language, marked on the page.",
)
def build(
    leaflets: tuple[str, ...],
    paper: str,
    out_dir: Path,
    fmt: str,
    variant: str,
    languages: tuple[str, ...],
    allow_incomplete: bool,
    leaflets_dir: Path,
) -> None:
    """Build LEAFLET (a source file, or the id of a leaflet in leaflets/)."""
    from leafletgen.build import FORMATS, BuildRequest
    from leafletgen.build import build as run_build
    from leafletgen.variants import VARIANTS

    request = BuildRequest(
        leaflets=leaflets,
        leaflets_dir=leaflets_dir,
        out_dir=out_dir,
        paper=paper,  # type: ignore[arg-type]
        formats=FORMATS if fmt == "all" else (fmt,),  # type: ignore[arg-type]
        variants=tuple(VARIANTS) if variant == "all" else (variant,),
        languages=languages,
        allow_incomplete=allow_incomplete,
    )
    report = run_build(request)
    for built in report.built:
        pages = f"{built.pages} page{'' if built.pages == 1 else 's'}"
        details = f"{pages}, {built.verdict}, " if built.pages is not None else ""
        click.echo(f"wrote {built.path} ({details}{built.seconds:.2f} s)")
    for failure in report.failed:
        click.echo(f"Error: {failure.message}", err=True)
    if report.failed:
        raise SystemExit(1)


@main.command()
@leaflet_arguments
def check(leaflets: tuple[str, ...], leaflets_dir: Path) -> None:
    """Check LEAFLET: plain-language coverage, reading grades and unexplained jargon."""
    from leafletgen.check import check_leaflet
    from leafletgen.config import load_config
    from leafletgen.errors import LeafletError
    from leafletgen.source import find_source, load_leaflet

    limits = load_config(Path(".")).readability
    failed = False
    for reference in leaflets:
        try:
            result = check_leaflet(load_leaflet(find_source(reference, leaflets_dir)), limits)
        except LeafletError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            failed = True
            continue
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
            failed = True
            for failure in result.failures:
                click.echo(f"  FAIL: {failure}")
    if failed:
        raise SystemExit(1)


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

    for row in catalogs.status(LOCALES_DIR):
        done = format_percent(row.translated / row.total if row.total else 1, locale="en")
        click.echo(
            f"{row.language:<6} {row.native_name} ({row.english_name}): {row.translated}/{row.total} "
            f"translated ({done}), {row.fuzzy} fuzzy, {row.missing} missing; {row.state}"
        )
