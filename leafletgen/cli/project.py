"""Commands that make a project: `leaflet init`."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from leafletgen.cli.common import PROJECT_DIR


@click.command()
@click.argument("folder", metavar="[DIR]", required=False,
                type=click.Path(file_okay=False, path_type=Path))  # fmt: skip
@click.pass_context
def init(context: click.Context, folder: Path | None) -> None:
    """Make DIR (default: --project, else this folder) a new leaflet project: leaflet.toml,
    leaflets/ with a sample leaflet, locales/, templates/, .gitignore, babel.cfg and a README.
    A file that is already there is never replaced; a folder that already is a project is
    refused."""
    from leafletgen.scaffold.project import init_project
    from leafletgen.shipped import SAMPLE_LEAFLET

    root = folder or context.find_root().meta.get(PROJECT_DIR) or Path(".")
    result = init_project(root)
    shown = "this folder" if root == Path(".") else f"{root}/"
    click.echo(f"Created a leaflet project in {shown}:")
    width = max(len(item.name) for item in (*result.created, *result.kept))
    for item in result.created:
        click.echo(f"  {item.name:<{width}}  {item.what}")
    for item in result.kept:
        click.echo(f"  {item.name:<{width}}  already there: kept as it is")
    if any(item.name == ".gitignore" for item in result.kept):
        click.echo("Add `output/` to your .gitignore: the built leaflets need not be in git.")
    sample = Path(SAMPLE_LEAFLET).stem
    commands = [] if root == Path(".") else [(f"cd {shlex.quote(str(root))}", "")]
    commands += [
        (f"leaflet check {sample}", "validate the sample; grade its plain language"),
        (f"leaflet build {sample}", "its PDF, in output/"),
        ("leaflet new my-medicine", "start your own: leaflets/my-medicine.yaml"),
        ("leaflet docs", "the documentation"),
    ]
    click.echo("Next:")
    width = max(len(command) for command, _ in commands)
    for command, what in commands:
        click.echo(f"  {command:<{width}}  # {what}" if what else f"  {command}")
