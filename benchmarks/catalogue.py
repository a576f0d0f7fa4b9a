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
    """Write the project into ``root`` (which must not exist); return the leaflet ids."""
    from leafletgen.i18n import workflow
    from leafletgen.project import Project

    (root / "leaflets").mkdir(parents=True)
    (root / "locales").mkdir()
    (root / "leaflet.toml").write_text(PROJECT, encoding="utf-8")
    ids = [leaflet_id(n) for n in range(1, leaflets + 1)]
    for n, name in enumerate(ids, start=1):
        generic = f"synthamol{n}"
        text = SOURCE.format(id=name, generic=generic, brand=f"Synthex{n}", n=n)
        (root / "leaflets" / f"{name}.yaml").write_text(text, encoding="utf-8")
    project = Project.load(root)
    workflow.extract(project)
    for language in languages:
        workflow.init(project, language)
    for path in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
        _translate(path)
    return ids


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
        inputs = hashes.of(job)
        for path, fmt in zip(paths(project, job, request), request.formats, strict=True):
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


def full_request() -> BuildRequest:
    """Every leaflet, language and variant, as PDF."""
    return BuildRequest(leaflets=("all",), variants=("all",), languages=("all",))


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
