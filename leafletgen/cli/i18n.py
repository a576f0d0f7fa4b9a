"""`leaflet i18n`: the translators' workflow on the project's own catalogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leafletgen.cli.common import pass_project

if TYPE_CHECKING:
    from leafletgen.project import Project


@click.group()
def i18n() -> None:
    """Translation catalogs: extract, init, update, compile, status (Babel's workflow)."""


@i18n.command("extract")
@pass_project
def i18n_extract(project: Project) -> None:
    """Collect the text of the templates and every leaflet into locales/messages.pot."""
    from leafletgen.i18n import workflow

    click.echo(f"wrote {workflow.extract(project.root, project.locales_dir)}")


@i18n.command("init")
@click.argument("language")
@pass_project
def i18n_init(project: Project, language: str) -> None:
    """Start the catalog of LANGUAGE (for example es, ar, pt-BR)."""
    from leafletgen.i18n import workflow

    click.echo(f"wrote {workflow.init(project.locales_dir, language)}")


@i18n.command("update")
@pass_project
def i18n_update(project: Project) -> None:
    """Merge locales/messages.pot into every catalog; changed text becomes fuzzy."""
    from leafletgen.i18n import workflow

    workflow.update(project.locales_dir)
    click.echo(f"updated the catalogs in {project.locales_dir}")


@i18n.command("compile")
@pass_project
def i18n_compile(project: Project) -> None:
    """Write .mo files next to the catalogs, for other gettext tools."""
    from leafletgen.i18n import workflow

    for path in workflow.compile_catalogs(project.locales_dir):
        click.echo(f"wrote {path}")


@i18n.command("status")
@pass_project
def i18n_status(project: Project) -> None:
    """Each language: how much is translated, what is stale, and who reviewed it."""
    from babel.numbers import format_percent

    from leafletgen.i18n import workflow

    broken = False
    for row in workflow.status(project.locales_dir):
        if isinstance(row, workflow.BrokenCatalog):
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
