"""`leaflet i18n`: the translators' workflow on the project's own catalogs, one per leaflet
and language."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leafletgen.cli.common import pass_project

if TYPE_CHECKING:
    from leafletgen.i18n.workflow import BrokenCatalog
    from leafletgen.project import Project


@click.group()
def i18n() -> None:
    """Translation catalogs: extract, init, update, compile, status (Babel's workflow), and
    check (the fact lock)."""


@i18n.command("extract")
@pass_project
def i18n_extract(project: Project) -> None:
    """Collect each leaflet's text into locales/<id>.pot and the templates' into
    locales/leafletgen.pot."""
    from leafletgen.i18n import workflow

    for path in workflow.extract(project):
        click.echo(f"wrote {path}")


@i18n.command("init")
@click.argument("language")
@click.option("--chrome", is_flag=True,
              help="Also start the project's own translation of the templates, over the shipped one.")  # fmt: skip
@pass_project
def i18n_init(project: Project, language: str, chrome: bool) -> None:
    """Start the catalogs of LANGUAGE (for example es, ar, pt-BR), one per leaflet; existing
    catalogs are kept as they are."""
    from leafletgen.i18n import workflow

    started = workflow.init(project, language, chrome=chrome)
    for path in started.created:
        click.echo(f"wrote {path}")
    for path in started.kept:
        click.echo(f"kept {path} (it exists: `leaflet i18n update` merges new text into it)")


@i18n.command("update")
@pass_project
def i18n_update(project: Project) -> None:
    """Merge each locales/<id>.pot into that leaflet's catalogs; changed text becomes fuzzy."""
    from leafletgen.i18n import workflow

    for path in workflow.update(project):
        click.echo(f"updated {path}")


@i18n.command("compile")
@pass_project
def i18n_compile(project: Project) -> None:
    """Write .mo files next to the catalogs, for other gettext tools."""
    from leafletgen.i18n import workflow

    for path in workflow.compile_catalogs(project):
        click.echo(f"wrote {path}")


@i18n.command("status")
@pass_project
def i18n_status(project: Project) -> None:
    """Each catalog: how much is translated, fuzzy, missing or refused by the fact lock (for
    each leaflet also per text its variants print), whether it is behind its source, and its
    review. Percentages are rounded down: 100% means every entry."""
    from leafletgen.i18n import workflow
    from leafletgen.variants import VARIANTS

    broken = False
    for row in workflow.status(project):
        if isinstance(row, workflow.BrokenCatalog):
            broken = _refused(row)
            continue
        click.echo(
            f"{row.language:<6} {row.native_name} ({row.english_name}) {row.name}: "
            f"{row.counts}; {row.state}"
        )
        for text, counts in row.by_text:
            names = ", ".join(v.name for v in VARIANTS.values() if v.text == text)
            click.echo(f"         {text} text ({names}): {counts}")
    if broken:
        raise SystemExit(1)


@i18n.command("check")
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Only this language (repeatable); all by default.")  # fmt: skip
@pass_project
def i18n_check(project: Project, languages: tuple[str, ...]) -> None:
    """The fact lock: every translation whose numbers, doses, phone numbers, URLs, placeholders
    or medicine names differ from its source (not printed), or that negates on one side only
    (printed as a draft until a translator adds the flag negation-checked). Exits with 1 if an
    entry differs or a catalog is refused."""
    from leafletgen.i18n import workflow

    failed = False
    for row in workflow.check(project, languages):
        if isinstance(row, workflow.BrokenCatalog):
            failed = _refused(row)
            continue
        errors = sum(len(entry.errors) for entry in row.entries)
        unchecked = sum(entry.needs_review for entry in row.entries)
        click.echo(
            f"{row.language:<6} {row.domain}: {errors} facts differ, {unchecked} negations to check"
        )
        for entry in row.entries:
            for finding in entry.findings:
                click.echo(f"  {entry.describe(finding)}")
        failed = failed or bool(errors)
    if failed:
        raise SystemExit(1)


@i18n.command("review")
@click.argument("language")
@click.argument("leaflets", nargs=-1, metavar="[LEAFLET]...")
@click.option("--by", required=True, metavar="NAME",
              help='Who reviewed it, for example "Dr Ana Ruiz <ana.ruiz@example.org>".')  # fmt: skip
@pass_project
def i18n_review(project: Project, language: str, leaflets: tuple[str, ...], by: str) -> None:
    """Record that a qualified translator has reviewed LANGUAGE's catalogs (the LEAFLETs',
    or every leaflet's, and the project's own chrome): who, today's date, and fingerprints of
    the source text and of the translations. Any later change to either makes the leaflet a
    draft again ("review out of date")."""
    from datetime import date

    from leafletgen.i18n import workflow

    for path in workflow.review(project, language, by, leaflets, today=date.today()):
        click.echo(f"reviewed {path}")


def _refused(row: BrokenCatalog) -> bool:
    """Say that the build refuses a catalog, and why; True, for the command's exit code."""
    click.echo(f"{row.language:<6} {row.domain}: refused by the build:")
    for problem in row.problems:
        click.echo(f"Error: {problem}", err=True)
    return True
