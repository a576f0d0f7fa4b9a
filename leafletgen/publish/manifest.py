"""`manifest.json`: what was built from what, so an unchanged output is not built again.

Each output is listed with its leaflet, version, language, variant, paper, page count, the
sha256 of the file and a hash of every input (source, catalog, templates, fonts, options,
package version). The build rewrites it atomically before and after it writes a job's files,
so an interrupted or failed batch leaves a manifest that matches the files on disk.

Any number of builds may write into one folder at once (other languages, other shards): each
change is read, merged and written under an exclusive lock on the folder (``locked``), so no
build overwrites what another one recorded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from leafletgen.errors import OutputError
from leafletgen.files import is_inside, write_atomic
from leafletgen.publish.names import output_path

MANIFEST = "manifest.json"
_NAMED_BY = ("leaflet", "language", "variant", "paper", "format")  # what index.html groups by


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def value_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            listed = dict(data.get("outputs", {}))
        except (OSError, ValueError, TypeError, AttributeError):
            listed = {}  # no manifest, or an unreadable one: everything is rebuilt
        # A key that leads outside the folder ('../..', an absolute path, a symbolic link) is
        # ignored, and so is an entry not shaped as build writes them: nothing reads, checks
        # or links a file the manifest was made to point at.
        self.entries: dict[str, dict[str, Any]] = {
            key: entry
            for key, entry in listed.items()
            if _is_entry(entry)
            and _named_as_built(key, entry)
            and is_inside(out_dir / key, out_dir)
        }

    def _key(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def is_current(self, path: Path, inputs: dict[str, str]) -> bool:
        """The file exists, is what was recorded, and was built from these inputs."""
        entry = self.entries.get(self._key(path))
        return (
            entry is not None
            and entry.get("inputs") == inputs
            and path.is_file()
            and file_hash(path) == entry.get("sha256")
        )

    def entry(self, path: Path) -> dict[str, Any] | None:
        """What the manifest records about ``path``, if it lists it."""
        try:
            return self.entries.get(self._key(path))
        except ValueError:  # not inside the output folder
            return None

    def outputs(self, fmt: str) -> list[Path]:
        """The files of one format the manifest lists, in name order."""
        return [
            self.out_dir / key
            for key, entry in sorted(self.entries.items())
            if entry.get("format") == fmt
        ]

    def record(self, path: Path, entry: dict[str, Any]) -> None:
        self.entries[self._key(path)] = entry

    def forget(self, paths: Iterable[Path]) -> bool:
        """Drop the entries of ``paths``; whether the manifest changed."""
        keys = {self._key(path) for path in paths} & self.entries.keys()
        for key in keys:
            del self.entries[key]
        return bool(keys)

    def save(self) -> None:
        document = {"outputs": dict(sorted(self.entries.items()))}
        write_atomic(
            self.path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
        )


def _named_as_built(key: str, entry: dict[str, Any]) -> bool:
    """The key is the name a build gives the output the entry describes: an entry planted by
    hand (``private/patients.pdf``) names no output of this project, and is ignored."""
    fields = (entry[name] for name in _NAMED_BY)
    return output_path(Path(), *fields).as_posix() == key  # type: ignore[arg-type]


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[Manifest]:
    """The manifest as it is on disk now, with the folder locked until the block ends: what
    the block saves merges with every other build's changes instead of replacing them."""
    # The folder itself is locked, not a lock file in it: the folder is often published as
    # it is (a web root), and a read-only one has no room for a file but can still be locked.
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(f"{out_dir}: cannot lock: {error.strerror}") from None
    try:
        # Blocks until no other build is changing the manifest; a commit takes milliseconds.
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield Manifest(out_dir)
    finally:
        os.close(fd)  # releases the lock


def _is_entry(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _NAMED_BY)
