"""The `leaflet` command: parse options, call the engine, report. No logic of its own."""

from __future__ import annotations

from pathlib import Path

import click

from leafletgen import __version__


@click.group()
@click.version_option(__version__, prog_name="leaflet")
def main() -> None:
    """Accessible, printable patient leaflets from one medicine-information source."""


@main.command()
@click.argument("leaflets", nargs=-1, required=True, metavar="LEAFLET...")
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
    "--leaflets-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("leaflets"),
    show_default=True,
    help="Where leaflet ids are looked up.",
)
def build(
    leaflets: tuple[str, ...], paper: str, out_dir: Path, fmt: str, leaflets_dir: Path
) -> None:
    """Build LEAFLET (a source file, or the id of a leaflet in leaflets/)."""
    from leafletgen.build import FORMATS, BuildRequest
    from leafletgen.build import build as run_build

    request = BuildRequest(
        leaflets=leaflets,
        leaflets_dir=leaflets_dir,
        out_dir=out_dir,
        paper=paper,  # type: ignore[arg-type]
        formats=FORMATS if fmt == "all" else (fmt,),  # type: ignore[arg-type]
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
