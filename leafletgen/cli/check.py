"""`leaflet check`: sources (plain-language coverage, reading grades, jargon) and built PDFs
(the output audit)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from leafletgen.cli.common import leaflets_dir_option, listed, out_option, pass_project
from leafletgen.plural import counted

if TYPE_CHECKING:
    from leafletgen.project import Project


@click.command()
@click.argument("targets", nargs=-1, metavar="[LEAFLET|OUTPUT]...")
@leaflets_dir_option
@click.option(
    "--built",
    is_flag=True,
    help="Every output (PDF, HTML, BRF…) the output folder's manifest lists.",
)
@out_option("The output folder --built reads.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--lang", "languages", multiple=True, metavar="LANG",
              help="Also each LEAFLET's translation into LANG: its reading ease, part by part.")  # fmt: skip
@pass_project
def check(
    project: Project,
    targets: tuple[str, ...],
    leaflets_dir: Path | None,
    built: bool,
    out_dir: Path | None,
    as_json: bool,
    languages: tuple[str, ...],
) -> None:
    """Check LEAFLET sources (plain-language coverage, reading grades, jargon), built PDFs
    (PDF/UA-1 and what the leaflet promises: language, title, fonts, headings, tables, alt
    text, font sizes, draft notice) and the other built outputs by their format's own check
    (the braille read back, the e-book's epubcheck, the audio's chapters and pace)."""
    from leafletgen.checks.audit import RULES, audit_outputs
    from leafletgen.publish.manifest import Manifest
    from leafletgen.render import FORMATS

    if not targets and not built:
        raise click.UsageError("name LEAFLETs or outputs to check, or --built")
    project = project.with_folders(leaflets_dir=leaflets_dir, output_dir=out_dir)
    suffixes = tuple(fmt.suffix for fmt in FORMATS.values())
    outputs = [Path(t) for t in targets if t.endswith(suffixes)]
    manifest = Manifest(project.output_dir) if built else None
    if manifest is not None:
        outputs += [path for fmt in FORMATS for path in manifest.outputs(fmt)]
        if not outputs:
            raise click.UsageError(f"no PDF listed in {project.output_dir}/manifest.json")
    sources = [_check_source(project, t, as_json) for t in targets if not t.endswith(suffixes)]
    sources += [
        _check_translation(project, target, language, as_json)
        for target in targets
        if not target.endswith(suffixes)
        for language in listed(languages)
    ]
    audits = []
    for audit in audit_outputs(project, outputs, manifest):
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
        pdfs = [a for a in audits if a.path.suffix == ".pdf"]
        others = [a for a in audits if a.path.suffix != ".pdf"]
        if pdfs:
            _summary(
                ("PDF", "PDFs"),
                f"checked against {counted(len(RULES) + (manifest is not None), 'rule')}",
                pdfs,
            )
        if others:
            _summary(
                ("other output", "other outputs"), "checked by their format's own check", others
            )
    if any(not a.ok for a in audits) or any(not s["ok"] for s in sources):
        raise SystemExit(1)


def _summary(noun: tuple[str, str], what: str, audits: list[Any]) -> None:
    passed = sum(a.ok for a in audits)
    failed = sum(not r.ok for a in audits for r in a.results)
    click.echo(
        f"{counted(len(audits), *noun)} {what}: {passed} passed, {len(audits) - passed} failed "
        f"({counted(failed, 'failed check')})"
    )


def _audit_json(audit: Any) -> dict[str, Any]:
    return {
        "path": str(audit.path),
        "ok": audit.ok,
        "rules": [dataclasses.asdict(result) for result in audit.results],
    }


def _check_source(project: Project, reference: str, as_json: bool) -> dict[str, Any]:
    """Check one source, print the report unless JSON is wanted, and return it as data."""
    from leafletgen.checks.source import check_leaflet
    from leafletgen.content.loader import find_source, load_leaflet
    from leafletgen.emergency import emergency_numbers
    from leafletgen.errors import LeafletError

    limits = project.config.readability
    try:
        leaflet = load_leaflet(find_source(reference, project.leaflets_dir))
        result = check_leaflet(leaflet, limits, project.config.check)
    except LeafletError as error:
        if not as_json:
            click.echo(f"Error: {error.format_message()}", err=True)
        return {"leaflet": reference, "ok": False, "failures": [error.format_message()]}
    numbers = emergency_numbers(project.country)
    if not numbers.known:
        result.warnings.append(
            'no emergency number to print under "Get help now": set `[market] country` in '
            "leaflet.toml (or emergency_phone in the pharmacy profile)"
        )
    if not as_json:
        _print_leaflet_check(result, limits)
    return {"leaflet": reference, **dataclasses.asdict(result), "ok": result.ok}


def _check_translation(
    project: Project, reference: str, language: str, as_json: bool
) -> dict[str, Any]:
    """Check one translation's reading ease, print it unless JSON is wanted, return it."""
    from leafletgen.checks.source import check_translation
    from leafletgen.engine import prepare
    from leafletgen.errors import LeafletError

    try:
        prepared = prepare(project, reference, language, "plain")
    except LeafletError as error:
        if not as_json:
            click.echo(f"Error: {error.format_message()}", err=True)
        return {"leaflet": reference, "language": language, "ok": False,
                "failures": [error.format_message()]}  # fmt: skip
    untranslated = len(prepared.localization.text_translations.gaps)
    result = check_translation(
        prepared.edition.leaflet, language, project.config.readability, untranslated
    )
    if not as_json:
        _print_translation_check(result)
    return {"leaflet": reference, **dataclasses.asdict(result), "ok": result.ok}


def _print_translation_check(result: Any) -> None:
    click.echo(f"Leaflet '{result.leaflet_id}' in {result.language}: reading ease")
    if result.note:
        click.echo(f"  {result.note}")
    else:
        width = max(len(part) for part, _ in result.rows)
        click.echo(f"  {'part':<{width}}  " + "  ".join(
            f"{name} standard / plain" for name in result.formulas))  # fmt: skip
        for part, scores in result.rows:
            shown = "  ".join(f"{standard:6.1f} / {plain:5.1f}" for standard, plain in scores)
            click.echo(f"  {part:<{width}}  {shown}")
        if result.minimum is not None:
            click.echo(f"  lowest plain part allowed: {result.minimum} ({result.formulas[0]})")
    for warning in result.warnings:
        click.echo(f"  WARN: {warning}")
    if result.ok:
        click.echo("  OK")
    for failure in result.failures:
        click.echo(f"  FAIL: {failure}")


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
    for warning in result.warnings:
        click.echo(f"  WARN: {warning}")
    if result.ok:
        click.echo("  OK")
    else:
        for failure in result.failures:
            click.echo(f"  FAIL: {failure}")
