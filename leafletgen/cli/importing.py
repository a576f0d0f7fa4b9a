"""`leaflet import`: a document that exists already becomes a draft leaflet source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from leafletgen.cli.common import pass_project

if TYPE_CHECKING:
    from leafletgen.project import Project


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The source to write, ID.yaml  [default: the leaflets folder, named after FILE]")  # fmt: skip
@click.option("--lang", "language", default="en", show_default=True,
              help="Language tag of the text (an ePI Bundle says its own).")  # fmt: skip
@click.option("--medicine", default=None, help="The medicine's generic name, if FILE does not say.")
@click.option("--brand", "brands", multiple=True, help="A brand name (repeat for more).")
@click.option("--force", is_flag=True, help="Replace the output source if it exists.")
@pass_project
def import_(
    project: Project, file: Path, output: Path | None, language: str, medicine: str | None,
    brands: tuple[str, ...], force: bool,
) -> None:  # fmt: skip
    """Import FILE (.txt, .md, .docx, or an ePI Bundle .json) as a draft leaflet source, and
    print what was recognised, what was guessed and what the author must fill."""
    from leafletgen.importing import default_id, import_file, write_source

    if brands and not medicine:
        raise click.UsageError("--brand needs --medicine (the generic name)")
    out = output or project.leaflets_dir / f"{default_id(file)}.yaml"
    if out.suffix not in (".yaml", ".yml"):
        raise click.UsageError(f"-o {out}: a leaflet source ends in .yaml")
    known = {"medicine": {"generic": medicine, "brands": list(brands)}} if medicine else {}
    imported = import_file(file, out.stem, language=language, known=known)
    write_source(imported, out, replace=force)
    draft = imported.leaflet.draft
    to_fill = ", ".join(draft.to_fill) if draft and draft.to_fill else "nothing"
    click.echo(f"Wrote {out}: a draft ({to_fill} to fill).")
    for line in imported.report.lines():
        click.echo(line)
    click.echo(
        f"Next: `leaflet build {out}` to look at it, `leaflet check {out}` for what is left."
    )
