"""`leaflet merge`: one output folder from the folders of shards built apart."""

from __future__ import annotations

from pathlib import Path

import click

from leafletgen.cli.common import out_option, pass_project
from leafletgen.errors import LeafletError
from leafletgen.plural import counted
from leafletgen.project import Project


@click.command()
@click.argument(
    "shards", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@out_option("Folder the shards' outputs are merged into.")
@pass_project
def merge(project: Project, shards: tuple[Path, ...], out_dir: Path | None) -> None:
    """Merge SHARDS (output folders of `leaflet build --shard K/N`) into one output folder,
    checking every file against its shard's manifest."""
    from leafletgen.publish.merge import merge as run_merge

    target = out_dir or project.output_dir
    report = run_merge(project, list(shards), target)
    if report.problems:
        for problem in report.problems:
            click.echo(f"Error: {problem}", err=True)
        raise LeafletError(
            f"nothing merged into {target}: {counted(len(report.problems), 'problem')}"
        )
    click.echo(
        f"merged {counted(report.merged, 'output')} from {counted(len(shards), 'folder')} "
        f"into {target} "
        f"({report.copied} copied, every sha256 checked)"
    )
