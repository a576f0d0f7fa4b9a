"""Commands for the people who write leaflets: `leaflet new`, `leaflet preview`, `leaflet list`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from leafletgen.cli.common import (
    checked_names,
    leaflets_dir_option,
    listed,
    one_paper,
    out_option,
    paper_option,
    pass_project,
)
from leafletgen.plural import counted

if TYPE_CHECKING:
    from leafletgen.project import Project


@click.command()
@click.argument("leaflet_id", metavar="ID")
@click.option("--lang", "language", default="en", show_default=True,
              help="Language tag of the text, e.g. en or pt-BR.")  # fmt: skip
@leaflets_dir_option
@pass_project
def new(project: Project, leaflet_id: str, language: str, leaflets_dir: Path | None) -> None:
    """Start a new leaflet source, ID.yaml, from a commented template."""
    from leafletgen.scaffold import new_leaflet

    path = new_leaflet(leaflet_id, leaflets_dir or project.leaflets_dir, language)
    click.echo(f"Created {path}: fill in every empty value, then run `leaflet check {leaflet_id}`.")


@click.command()
@click.argument("leaflets", nargs=-1, required=True, metavar="LEAFLET...")
@leaflets_dir_option
@click.option("--variant", "variants", multiple=True, help="Variants to preview (or 'all').")
@click.option("--lang", "languages", multiple=True, help="Languages to preview (or 'all').")
@paper_option("the project's")
@out_option("Folder the PNGs go to (previews/ inside it).")
@click.option("--dpi", type=click.IntRange(10, 300), default=50, show_default=True)
@pass_project
def preview(
    project: Project, leaflets: tuple[str, ...], leaflets_dir: Path | None,
    variants: tuple[str, ...], languages: tuple[str, ...], papers: tuple[str, ...],
    out_dir: Path | None, dpi: int,
) -> None:  # fmt: skip
    """PNG pages and a numbered contact sheet of LEAFLET, rendered in memory: nothing is
    published."""
    from leafletgen.content.loader import find_source, load_leaflet
    from leafletgen.engine import Request, render
    from leafletgen.errors import LeafletError
    from leafletgen.files import check_output_folder
    from leafletgen.i18n.store import catalog_languages
    from leafletgen.preview import write_previews_of
    from leafletgen.variants import VARIANTS

    project = project.with_folders(leaflets_dir=leaflets_dir)
    folder = out_dir or project.output_dir / "previews"
    check_output_folder(folder)  # before rendering: a refused folder leaves nothing written
    chosen_variants = listed(variants) or ("standard",)
    checked_names(chosen_variants, VARIANTS, "--variant")
    chosen_paper = one_paper(papers, project.config.build.paper)
    if chosen_variants == ("all",):
        chosen_variants = tuple(VARIANTS)
    failed = False
    for leaflet in leaflets:
        chosen_languages: tuple[str | None, ...] = listed(languages) or (None,)
        if chosen_languages == ("all",):
            leaflet_id = load_leaflet(find_source(leaflet, project.leaflets_dir)).id
            chosen_languages = (None, *catalog_languages(project.locales_dir, leaflet_id))
        for language in chosen_languages:
            for variant in chosen_variants:
                try:
                    rendered = render(project, Request(leaflet, language, variant, chosen_paper))
                    result = write_previews_of(rendered.data, rendered.name, folder, dpi=dpi)
                except LeafletError as error:
                    click.echo(f"Error: {error.format_message()}", err=True)
                    failed = True
                    continue
                click.echo(f"wrote {result.contact_sheet} ({counted(len(result.pages), 'page')})")
    if failed:
        raise SystemExit(1)


@click.command("list")
@leaflets_dir_option
@pass_project
def list_leaflets(project: Project, leaflets_dir: Path | None) -> None:
    """Every leaflet in every language: version, last review and translation state."""
    from datetime import date

    from leafletgen.content.loader import is_source_file, load_leaflet
    from leafletgen.errors import LeafletError
    from leafletgen.i18n.workflow import leaflet_languages

    folder = leaflets_dir or project.leaflets_dir
    if not folder.is_dir():
        raise click.UsageError(f"no leaflets folder: {folder} (run it in a leaflet project)")
    max_age = project.config.review.max_age_days
    failed = False
    for path in sorted(folder.iterdir()):
        if not is_source_file(path):
            continue
        try:
            leaflet = load_leaflet(path)
            rows = leaflet_languages(leaflet, project.locales_dir, date.today(), max_age)
        except LeafletError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            failed = True
            continue
        for row in rows:
            if row.reviewed is None:
                reviewed, overdue = "never", "  DRAFT (not for patients)"
            else:
                reviewed = str(row.reviewed)
                overdue = (
                    f"  REVIEW OVERDUE (older than {max_age} days)" if row.review_overdue else ""
                )
            version = row.version if row.version == "draft" else f"v{row.version}"
            click.echo(
                f"{row.leaflet_id}  {row.language:<5}  {version}  reviewed {reviewed}  {row.state}{overdue}"
            )
    if failed:
        raise SystemExit(1)
