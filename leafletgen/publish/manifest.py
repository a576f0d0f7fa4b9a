"""`manifest.json`: what was built from what, so an unchanged output is not built again.

Each output is listed with its leaflet, version, language, variant, paper, page count, size,
the sha256 of the file, the verdict of its format's check and a hash of every input (source,
catalog, templates, fonts, options, package version, the format's tools).

A batch does not rewrite the manifest per job (that grows with the square of the outputs):
each commit appends its changes to `manifest.journal`, one JSON line, flushed to disk before
and after the job's files are written, and the batch folds the journal into `manifest.json`
once at its end (``compact``). Whoever reads the manifest reads both, so an interrupted batch
still leaves a manifest that matches the files on disk. Any number of builds may write into
one folder at once (other languages, other shards): every append and every compaction holds
an exclusive lock on the folder (``locked``), and a journal line is a set of blind writes by
name, so no build overwrites what another one recorded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from leafletgen.errors import OutputError
from leafletgen.files import is_inside, write_atomic
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.names import output_key

MANIFEST = "manifest.json"
JOURNAL = "manifest.journal"
_NAMED_BY = ("leaflet", "language", "variant", "paper", "format")  # what index.html groups by
# Each part of an output's name (see names.output_path): no separator, no '..', no space.
_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

Entry = dict[str, Any]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def value_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Manifest:
    """The outputs of a folder as ``manifest.json`` and the journal after it record them."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        listed = _read_outputs(self.path)  # each entry's inputs resolved from the table
        for change in _read_journal(out_dir / JOURNAL):
            _apply(listed, change)
        # A key that leads outside the folder ('../..', an absolute path, a symbolic link) is
        # ignored, and so is an entry not shaped as build writes them: nothing reads, checks
        # or links a file the manifest was made to point at.
        inside = _folders_inside(out_dir, {key.split("/", 1)[0] for key in listed})
        self.entries: dict[str, Entry] = {
            key: entry
            for key, entry in listed.items()
            if _is_entry(entry) and _named_as_built(key, entry) and key.split("/")[0] in inside
        }

    def _key(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def is_current(self, key: str, inputs: dict[str, str], cache: BuildCache) -> bool:
        """The output ``key`` (its name in the folder) was built from these inputs and is
        still what was recorded: the same size and modification time as when it was written
        (as make and rsync trust), or, when this machine did not write it, the same sha256."""
        entry = self.entries.get(key)
        if entry is None or entry.get("inputs") != inputs:
            return False
        try:
            info = os.stat(f"{self.out_dir}/{key}")  # no Path: this runs once per output
        except OSError:
            return False
        if entry.get("size") is not None and info.st_size != entry["size"]:
            return False
        if cache.unchanged(key, info, entry["sha256"]):
            return True
        if file_hash(self.out_dir / key) != entry.get("sha256"):
            return False
        cache.note(key, info, entry["sha256"])
        return True

    def entry(self, path: Path) -> Entry | None:
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

    def save(self) -> None:
        """Write every entry to ``manifest.json`` (hold the folder's lock)."""
        table: dict[str, dict[str, str]] = {}
        refs: dict[int, str] = {}  # by the identity of a shared inputs dict: hashed once
        outputs = {}
        for key, entry in sorted(self.entries.items()):
            inputs = entry.get("inputs")
            if isinstance(inputs, dict):
                if (ref := refs.get(id(inputs))) is None:
                    ref = refs[id(inputs)] = value_hash(inputs)[:20]
                    table[ref] = inputs
                entry = {**entry, "inputs": ref}
            outputs[key] = entry
        document = {"inputs": dict(sorted(table.items())), "outputs": outputs}
        write_atomic(self.path, json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n")


def append(
    out_dir: Path, *, forget: Iterable[str] = (), record: dict[str, Entry] | None = None
) -> None:
    """Add one change to the journal, on disk when this returns (hold the folder's lock)."""
    change: dict[str, Any] = {}
    if forget := sorted(forget):
        change["forget"] = forget
    if record:
        change["record"] = record
    if not change:
        return
    line = json.dumps(change, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    path = out_dir / JOURNAL
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    try:
        size = os.fstat(fd).st_size
        # A line cut short by a killed build is skipped by readers; start on a new one.
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        try:
            os.write(fd, line)
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, size)  # a change not on disk is not a change: take it back
            raise
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    finally:
        os.close(fd)


def compact(out_dir: Path) -> Manifest:
    """Fold the journal into ``manifest.json`` (hold the folder's lock)."""
    manifest = Manifest(out_dir)
    journal = out_dir / JOURNAL
    if journal.exists():
        manifest.save()
        # Removed only once the manifest holds it; replaying a journal twice changes nothing.
        journal.unlink(missing_ok=True)
    return manifest


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """The folder locked until the block ends: what the block appends or compacts merges
    with every other build's changes instead of replacing them."""
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
        yield
    finally:
        os.close(fd)  # releases the lock


def _read_outputs(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = json.load(handle)
        outputs = dict(data.get("outputs", {}))
        table = data.get("inputs", {})
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # no manifest, or an unreadable one: everything is rebuilt
    if isinstance(table, dict):
        for entry in outputs.values():
            # Outputs built from the same inputs share one dict of them, in the file (by a
            # hash) and in memory: a 100,000-output manifest stays small.
            if isinstance(entry, dict) and isinstance(ref := entry.get("inputs"), str):
                entry["inputs"] = table.get(ref)
    return outputs


def _read_journal(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open("rb")
    except OSError:
        return
    with handle:
        for line in handle:
            try:
                change = json.loads(line)
            except (
                ValueError
            ):  # a line a killed build left half-written: nothing it names was listed
                continue
            if isinstance(change, dict):
                yield change


def _apply(outputs: dict[str, Any], change: dict[str, Any]) -> None:
    forget, record = change.get("forget", []), change.get("record", {})
    for key in forget if isinstance(forget, list) else []:
        outputs.pop(key, None) if isinstance(key, str) else None
    if isinstance(record, dict):
        outputs.update(record)


def _folders_inside(out_dir: Path, names: set[str]) -> set[str]:
    """The names of ``names`` that are folders of ``out_dir`` a path can stay inside (not a
    symbolic link out of it): checked once per leaflet, not per output."""
    return {
        name for name in names if _NAME_PART.fullmatch(name) and is_inside(out_dir / name, out_dir)
    }


def _named_as_built(key: str, entry: Entry) -> bool:
    """The key is the name a build gives the output the entry describes: an entry planted by
    hand (``private/patients.pdf``) names no output of this project, and is ignored."""
    fields = [entry[name] for name in _NAMED_BY]
    # Each part is one name (no '/' or '.' inside it), so the key has exactly the folder
    # and file a build makes; the folder itself is checked once (``_folders_inside``).
    if any("/" in field or "." in field or not field for field in fields):
        return False
    return key == output_key(*fields)


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in _NAMED_BY)
        and isinstance(entry.get("sha256"), str)
    )
