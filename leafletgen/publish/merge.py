"""Merge the output folders of shards into one: what `leaflet merge` does after a batch was
spread over machines (a Kubernetes Indexed Job, a CI matrix), each building `--shard K/N`
into a folder of its own.

Every file a shard's manifest lists is checked against its sha256 before anything is
written; two shards that list one output with different contents are refused. The merged
folder's manifest and index.html are made as one build makes them, so the result is byte for
byte what one machine building the whole batch leaves (its local cache file aside).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from leafletgen.errors import OutputError
from leafletgen.files import check_output_folder, is_inside, write_atomic
from leafletgen.project import Project
from leafletgen.publish.index import write_index
from leafletgen.publish.manifest import MANIFEST, Entry, Manifest, append, compact, locked


@dataclass
class MergeReport:
    merged: int = 0  # outputs listed in the merged folder's manifest from the shards
    copied: int = 0  # of them, files written (the others were there already, identical)
    problems: list[str] = field(default_factory=list)


def merge(project: Project, shards: list[Path], out_dir: Path) -> MergeReport:
    """Copy every output the shards list into ``out_dir`` and list them there; refuse the
    whole merge, writing nothing, if any file is missing, differs from its manifest or
    conflicts with another shard's."""
    check_output_folder(out_dir)
    report = MergeReport()
    chosen: dict[str, tuple[Path, Entry]] = {}
    for shard in shards:
        if not (shard / MANIFEST).is_file():
            report.problems.append(f"{shard}: no {MANIFEST} (not a build's output folder)")
            continue
        for key, entry in sorted(Manifest(shard).entries.items()):
            report.problems.extend(_verified(shard, key, entry, chosen))
    if report.problems:
        return report
    for key, (shard, _) in sorted(chosen.items()):
        data = (shard / key).read_bytes()
        target = out_dir / key
        if not is_inside(target, out_dir):
            raise OutputError(f"{target}: refused: a symbolic link leads outside '{out_dir}'")
        if not (target.is_file() and target.read_bytes() == data):
            write_atomic(target, data)
            report.copied += 1
    with locked(out_dir):
        append(out_dir, record={key: entry for key, (_, entry) in chosen.items()})
        manifest = compact(out_dir)
        html = any(entry["format"] == "html" for entry in manifest.entries.values())
        write_index(project, manifest, wrote_html=html)
    report.merged = len(chosen)
    return report


def _verified(
    shard: Path, key: str, entry: Entry, chosen: dict[str, tuple[Path, Entry]]
) -> list[str]:
    path = shard / key
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return [f"{path}: listed in {shard / MANIFEST} but cannot be read: {error.strerror}"]
    if digest != entry["sha256"]:
        return [f"{path}: its sha256 is not the one {shard / MANIFEST} records"]
    if (earlier := chosen.get(key)) is not None and earlier[1]["sha256"] != digest:
        return [f"{key}: {earlier[0]} and {shard} hold different files (build them alike)"]
    chosen.setdefault(key, (shard, entry))
    return []
