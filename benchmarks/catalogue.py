"""A synthetic catalogue for the scale benchmark: N small valid leaflets and their catalogs in
M languages, made from one seed, the same bytes every time. Not content: never shipped.

    python benchmarks/catalogue.py DIR --leaflets 1000 --languages es,ar,ru

Each leaflet has a title, a medicine, two key takeaways, two sections (one with a list) and a
bottom line, each with its plain-language text (so every variant can be built); its catalogs translate every message (as the source's own words: the benchmark
measures planning and rebuilding, not translation), so every planned output can be built.
``--built`` also writes what a finished build leaves (each output as a small file, and the
manifest that records it as current), so a no-op rebuild of a catalogue too large to render
here can be timed on real files.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafletgen.publish.plan import BuildRequest  # noqa: E402

SOURCE = """\
id: {id}
title: What to know about {generic}
medicine: {{generic: {generic}, brands: [{brand}]}}
language: en
version: "1.{n}"
reviewed: {{date: 2026-01-31, by: Benchmark Reviewer}}
source: {{title: Synthetic catalogue for the scale benchmark}}
key_takeaways:
  - Take {generic} as your doctor told you.
  - Do not stop {generic} suddenly.
sections:
  - heading: What {generic} is for
    blocks:
      - paragraph: {generic} is leaflet number {n} of a synthetic catalogue.
    plain:
      heading: What {generic} does
      blocks:
        - paragraph: This is leaflet {n} of a made-up list.
  - heading: Side effects
    blocks:
      - list:
          - Feeling sleepy.
          - Feeling dizzy.
    plain:
      heading: Side effects
      blocks:
        - list:
            - You may feel sleepy.
            - You may feel dizzy.
bottom_line: [Ask your pharmacist about {generic}.]
plain:
  key_takeaways:
    - Take {generic} the way your doctor said.
    - Do not stop {generic} all at once.
  bottom_line: [Ask your pharmacist.]
"""

FIXED = datetime(2026, 1, 31, tzinfo=UTC)
PROJECT = """\
[build]
out = "output"
"""


def leaflet_id(n: int) -> str:
    return f"medicine-{n:05d}"


def generate(root: Path, leaflets: int, languages: list[str]) -> list[str]:
    """Write the project into ``root`` (which must not exist); return the leaflet ids.

    The catalogs of one leaflet are made by the project's own workflow (extract, init, then
    every message translated); the others' are copies with the leaflet's number put in, the
    only thing that differs between the leaflets (10,000 extractions take most of an hour).
    """
    from leafletgen.i18n import workflow
    from leafletgen.project import Project

    model = root.parent / f".{root.name}-model"
    for folder in (root, model):
        (folder / "leaflets").mkdir(parents=True)
        (folder / "locales").mkdir()
        (folder / "leaflet.toml").write_text(PROJECT, encoding="utf-8")
    (model / "leaflets" / f"{leaflet_id(MODEL)}.yaml").write_text(source(MODEL), encoding="utf-8")
    here = Path.cwd()
    os.chdir(model)  # the catalogs name the source as a project's do: leaflets/<id>.yaml
    try:
        project = Project.load(Path())
        workflow.extract(project)
        for language in languages:
            workflow.init(project, language)
    finally:
        os.chdir(here)
    for path in sorted((model / "locales").glob("*/LC_MESSAGES/*.po")):
        _translate(path)
    templates = {
        path.relative_to(model / "locales"): path.read_text(encoding="utf-8")
        for path in sorted((model / "locales").rglob("*.po*"))
    }
    ids = [leaflet_id(n) for n in range(1, leaflets + 1)]
    for n, name in enumerate(ids, start=1):
        (root / "leaflets" / f"{name}.yaml").write_text(source(n), encoding="utf-8")
        for relative, text in templates.items():
            target = root / "locales" / str(relative).replace(str(MODEL), f"{n:05d}")
            target.parent.mkdir(parents=True, exist_ok=True)
            if f"{MODEL}" in relative.name or not target.exists():
                target.write_text(_numbered(text, n), encoding="utf-8")
    shutil.rmtree(model)
    return ids


MODEL = 99999  # the model leaflet's number: five digits that occur nowhere else in its text


def source(n: int) -> str:
    return SOURCE.format(id=leaflet_id(n), generic=f"synthamol{n}", brand=f"Synthex{n}", n=n)


def _numbered(text: str, n: int) -> str:
    """A catalog of the model leaflet as leaflet ``n``'s."""
    return (
        text.replace(f"medicine-{MODEL}", leaflet_id(n))
        .replace(f"synthamol{MODEL}", f"synthamol{n}")
        .replace(f"Synthex{MODEL}", f"Synthex{n}")
        .replace(f"number {MODEL} ", f"number {n} ")
        .replace(f"leaflet {MODEL} of", f"leaflet {n} of")
    )


def _translate(path: Path) -> None:
    """Every message translated (by its own words), on a fixed date: the same bytes each run."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    catalog.revision_date = FIXED
    catalog.creation_date = FIXED
    out = io.BytesIO()
    write_po(out, catalog, width=76)
    path.write_bytes(out.getvalue())


def write_built(root: Path, request: BuildRequest) -> int:
    """Leave ``root``'s output folder as a finished build of ``request`` leaves it: every
    output a small file, recorded in the manifest with the inputs a build records. Returns
    the number of outputs."""
    import hashlib

    from leafletgen.project import Project
    from leafletgen.publish.build import _entry
    from leafletgen.publish.inputs import InputHashes
    from leafletgen.publish.jobs import BuiltFile
    from leafletgen.publish.manifest import append, compact, locked
    from leafletgen.publish.plan import paths, plan

    project = Project.load(root)
    out_dir = project.output_dir
    jobs, failures = plan(project, request)
    assert not failures, failures
    hashes = InputHashes(project, request)
    record = {}
    for job in jobs:
        for path, fmt in zip(paths(project, job, request), request.formats, strict=True):
            inputs = hashes.of(job, fmt)
            data = f"{path.name}: a stand-in for a built file\n".encode()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            built = BuiltFile(path, fmt, 0.0, digest, len(data), 1, "", job.leaflet_id)
            record[path.relative_to(out_dir).as_posix()] = _entry(job, request, built, inputs)
    with locked(out_dir):
        append(out_dir, record=record)
        compact(out_dir)
    return len(record)


def full_request(variants: tuple[str, ...] = ("all",)) -> BuildRequest:
    """Every leaflet and language in ``variants`` (all by default), as PDF."""
    return BuildRequest(leaflets=("all",), variants=variants, languages=("all",))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--leaflets", type=int, default=100)
    parser.add_argument("--languages", default="es,ar,ru")
    parser.add_argument("--built", action="store_true")
    args = parser.parse_args()
    generate(args.dir, args.leaflets, args.languages.split(","))
    if args.built:
        print(f"{write_built(args.dir, full_request())} outputs written")


if __name__ == "__main__":
    main()
