"""What a build remembers between runs of one output folder, so that a no-op rebuild of a
large catalogue reads and hashes almost nothing: `.leafletgen-cache.json`, beside the
manifest. Only a cache: deleting it changes no output, only the time the next build takes.

- ``sources``: what the plan reads from a source (id, language, version), by the sha256 of its
  bytes: reading and validating 10,000 sources takes minutes, hashing them a second. Each
  source is still validated in full when its leaflet is rendered.
- ``files``: each output's size, modification time and sha256 when this build wrote or last
  hashed it: an output with the same size and time is trusted to be the same file, as make
  and rsync trust it (``--verify`` hashes every one again; ``leaflet check --built`` always
  does). Kept out of the manifest: times differ between machines, and the manifest must not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from leafletgen import __version__
from leafletgen.content.loader import MAX_SOURCE_BYTES, load_leaflet
from leafletgen.errors import OutputError
from leafletgen.files import read_bounded, write_atomic

CACHE = ".leafletgen-cache.json"


@dataclass(frozen=True)
class Planned:
    """What the plan needs of a source."""

    id: str
    language: str
    version: str  # as lists and manifests show it ("draft" for an imported draft)


class BuildCache:
    def __init__(self, path: Path | None = None, *, trusted: bool = True) -> None:
        self.path = path
        self.trusted = trusted  # False (--verify): every output is hashed again
        self.sources: dict[str, list[str]] = {}
        # (size, time, sha256) by output: tuples, the hash of each one the string the
        # manifest holds too, as this is kept for every output of a catalogue.
        self.files: dict[str, tuple[int, int, str]] = {}
        self.changed = False

    @classmethod
    def load(cls, out_dir: Path, *, trusted: bool = True) -> BuildCache:
        cache = cls(out_dir / CACHE, trusted=trusted)
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError, KeyError):
            data = json.loads(cache.path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
            if data["leafletgen"] == __version__:  # what a source plans to may change with it
                cache.sources = {k: v for k, v in data["sources"].items() if _is_planned(v)}
                cache.files = {
                    k: (v[0], v[1], sys.intern(v[2]))
                    for k, v in data["files"].items()
                    if isinstance(v, list) and len(v) == 3 and isinstance(v[2], str)
                }
        return cache

    def planned(self, path: Path) -> Planned:
        """The id, language and version of the source at ``path``."""
        raw = read_bounded(path, MAX_SOURCE_BYTES)
        key = f"{hashlib.sha256(raw).hexdigest()} {path.name}"  # the id must match the name
        if (seen := self.sources.get(key)) is None:
            leaflet = load_leaflet(path)
            seen = self.sources[key] = [leaflet.id, leaflet.language, leaflet.version_label]
            self.changed = True
        return Planned(*seen)

    def unchanged(self, key: str, info: os.stat_result, sha256: str) -> bool:
        """Whether the output ``key`` is, by size and time, the file last seen with ``sha256``."""
        return self.trusted and self.files.get(key) == (info.st_size, info.st_mtime_ns, sha256)

    def note(self, key: str, info: os.stat_result, sha256: str) -> None:
        self.files[key] = (info.st_size, info.st_mtime_ns, sha256)
        self.changed = True

    def save(self) -> None:
        """Merge with what other builds saved and write (hold the output folder's lock)."""
        if self.path is None or not self.changed:
            return
        merged = BuildCache.load(self.path.parent)
        merged.sources.update(self.sources)
        merged.files.update(self.files)
        document = {
            "leafletgen": __version__,
            "sources": dict(sorted(merged.sources.items())),
            "files": dict(sorted(merged.files.items())),
        }
        with contextlib.suppress(OutputError):  # only a cache: a build without it is correct
            write_atomic(self.path, json.dumps(document).encode())


def _is_planned(value: object) -> bool:
    return isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)
