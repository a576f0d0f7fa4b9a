"""The `leaflet` command: parse options, hand the project and a request to the engine, report.

Each command group is a module of this package; none has logic of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from leafletgen import __version__
from leafletgen.cli import authoring, build, check, docs, i18n, importing, merge, project
from leafletgen.cli.common import PROJECT_DIR


@click.group()
@click.version_option(__version__, prog_name="leaflet")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The project folder  [default: the nearest folder with leaflet.toml, else this one]",
)
@click.option("--debug", is_flag=True, help="Log what happens, with tracebacks of failures.")
@click.pass_context
def main(context: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Accessible, printable patient leaflets from one medicine-information source."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    context.meta[PROJECT_DIR] = project_dir


for command in (
    project.init,
    build.build,
    merge.merge,
    check.check,
    i18n.i18n,
    authoring.new,
    importing.import_,
    authoring.preview,
    authoring.list_leaflets,
    docs.docs,
):
    main.add_command(command)
