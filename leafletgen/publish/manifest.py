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

A catalogue's manifest lists a hundred thousand outputs and more, so it is read as a stream, a
chunk at a time, and each entry is kept packed (``_Packer``: a tuple, its keys and equal
strings shared), not as a dict: a no-op rebuild of 120,000 outputs reads it in well under the
memory the JSON would take as objects.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from leafletgen.errors import OutputError
from leafletgen.files import is_inside, write_atomic
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.names import suffix_of

MANIFEST = "manifest.json"
JOURNAL = "manifest.journal"
_NAMED_BY = ("leaflet", "language", "variant", "paper", "format")  # what index.html groups by
# Each part of an output's name (see names.output_path): no separator, no '..', no space.
_NAME_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

Entry = dict[str, Any]
Packed = tuple[Any, ...]  # a dict as _Packer keeps it: (its keys, *its values)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def value_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class Manifest:
    """The outputs of a folder as ``manifest.json`` and the journal after it record them."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self._packer = _Packer()
        listed = _read_outputs(self.path, self._packer)  # inputs resolved from the table
        for change in _read_journal(out_dir / JOURNAL):
            _apply(listed, change, self._packer)
        # A key that leads outside the folder ('../..', an absolute path, a symbolic link) is
        # ignored, and so is an entry not shaped as build writes them (left out as it is
        # read): nothing reads, checks or links a file the manifest was made to point at.
        folders = {key.split("/", 1)[0] for key in listed}
        if outside := folders - _folders_inside(out_dir, folders):
            listed = {k: v for k, v in listed.items() if k.split("/", 1)[0] not in outside}
        self._rows = listed
        self.entries: Mapping[str, Entry] = _Entries(listed)

    def _key(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def is_current(self, key: str, inputs: dict[str, str], cache: BuildCache) -> bool:
        """The output ``key`` (its name in the folder) was built from these inputs and is
        still what was recorded: the same size and modification time as when it was written
        (as make and rsync trust), or, when this machine did not write it, the same sha256."""
        row = self._rows.get(key)
        if row is None:
            return False
        field = self._packer.fields(row[0])
        recorded = row[field["inputs"]]
        # Today's values in the recorded order, compared at once: packing them would cost more.
        if type(recorded) is not tuple or len(recorded) != len(inputs) + 1:
            return False
        if recorded[1:] != tuple(map(inputs.get, recorded[0])):
            return False
        try:
            info = os.stat(f"{self.out_dir}/{key}")  # no Path: this runs once per output
        except OSError:
            return False
        size, sha256 = _get(row, field, "size"), row[field["sha256"]]
        if size is not None and info.st_size != size:
            return False
        if cache.unchanged(key, info, sha256):
            return True
        if file_hash(self.out_dir / key) != sha256:
            return False
        cache.note(key, info, sha256)
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
        """Write every entry to ``manifest.json`` (hold the folder's lock): as
        ``json.dumps(document, indent=2, ensure_ascii=False)`` writes it, byte for byte, but
        an entry at a time, without the document in memory as dicts or as text."""
        table: dict[str, Packed] = {}
        refs: dict[int, str] = {}  # by the identity of a shared packed inputs: hashed once
        outputs: list[tuple[str, Packed, str | None]] = []
        for key, row in sorted(self._rows.items()):
            field = self._packer.fields(row[0])
            packed, ref = _get(row, field, "inputs"), None
            if type(packed) is tuple and (ref := refs.get(id(packed))) is None:
                ref = refs[id(packed)] = value_hash(_unpack(packed))[:20]
                table[ref] = packed
            outputs.append((key, row, ref))
        sections = (
            ("inputs", [(ref, table[ref], None) for ref in sorted(table)]),
            ("outputs", outputs),
        )
        write_atomic(self.path, _encoded(_document_lines(sections)))


def _document_lines(
    sections: tuple[tuple[str, list[tuple[str, Packed, str | None]]], ...],
) -> Iterator[str]:
    """The manifest's text in pieces: two sections of packed dicts, each written as the
    indenting JSON encoder writes a dict (an entry's inputs as their ``ref``)."""
    yield "{"
    for n, (section, members) in enumerate(sections):
        yield ("," if n else "") + f"\n  {_string(section)}: " + ("{" if members else "{}")
        for m, (key, row, ref) in enumerate(members):
            fields = [
                f"\n      {_string(name)}: "
                + (_string(ref) if name == "inputs" and ref is not None else _scalar(value, 6))
                for name, value in zip(row[0], row[1:], strict=True)
            ]
            body = ",".join(fields) + "\n    }" if fields else "}"
            yield f"{',' if m else ''}\n    {_string(key)}: {{{body}"
        if members:
            yield "\n  }"
    yield "\n}\n"


def _scalar(value: Any, indent: int) -> str:
    if type(value) is str:
        return _string(value)
    if type(value) is tuple:
        value = _unpack(value)
    if not isinstance(value, dict | list):  # a number, true, false or null
        return json.dumps(value)
    # A list or dict a hand put there, as the indenting encoder writes it at this depth.
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + " " * indent)


_string = json.encoder.encode_basestring  # a string as json.dumps(…, ensure_ascii=False) writes it


def _encoded(pieces: Iterator[str], size: int = 1 << 20) -> Iterator[bytes]:
    """The pieces as UTF-8, about ``size`` characters at a time."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    yield "".join(buffer).encode()


class _Entries(Mapping[str, Entry]):
    """The manifest's entries by name, each a dict unpacked when asked for (a fresh one each
    time: changing it changes nothing)."""

    def __init__(self, rows: dict[str, Packed]) -> None:
        self._rows = rows

    def __getitem__(self, key: str) -> Entry:
        return _unpack(self._rows[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows


class _Packer:
    """Dicts of JSON values kept as tuples: ``(keys, *values)``, the keys in name order and
    one tuple of them for every dict with the same keys, each string once however many
    entries hold it (a leaflet's id, a language, a hash of the templates; an output's sha256
    is shared with the build cache, which holds it too), a dict inside as a packed tuple
    itself (JSON has no tuples, so the two cannot be confused)."""

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._fields: dict[int, dict[str, int]] = {}

    def pack(self, mapping: dict[str, Any]) -> Packed:
        names = tuple(sorted(mapping))
        if (shape := self._shapes.get(names)) is None:
            shape = self._shapes[names] = tuple(sys.intern(name) for name in names)
            self._fields[id(shape)] = {name: n for n, name in enumerate(shape, start=1)}
        # Inlined for strings (most values): this runs for every entry of the manifest.
        values = [
            sys.intern(value) if type(value) is str else self.value(value)
            for value in map(mapping.__getitem__, names)
        ]
        return (shape, *values)

    def value(self, value: Any) -> Any:
        if type(value) is str:
            return sys.intern(value)
        if type(value) is dict:
            return self.pack(value)
        return value

    def fields(self, shape: tuple[str, ...]) -> dict[str, int]:
        """Where each key's value is in a packed tuple of this shape."""
        return self._fields[id(shape)]


def _unpack(row: Packed) -> Entry:
    return {
        name: _unpack(value) if type(value) is tuple else value
        for name, value in zip(row[0], row[1:], strict=True)
    }


def _get(row: Packed, field: dict[str, int], name: str) -> Any:
    return row[at] if (at := field.get(name)) is not None else None


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


def _read_outputs(path: Path, packer: _Packer) -> dict[str, Packed]:
    """The valid entries of ``manifest.json``, packed; none if there is no manifest or it
    cannot be read (everything is rebuilt)."""
    table: dict[str, Packed] = {}
    outputs: dict[str, Packed] = {}
    unresolved: dict[str, Entry] = {}  # entries read before the table (not as build writes)
    try:
        with path.open(encoding="utf-8") as handle:
            for section, key, value in _JsonStream(handle).members(("inputs", "outputs")):
                if section == "inputs":
                    if isinstance(value, dict):
                        table[key] = packer.pack(value)
                elif section == "outputs" and _is_entry(key, value):
                    if isinstance(ref := value.get("inputs"), str):
                        # Outputs built from the same inputs share one packed copy of them,
                        # in memory as in the file (by a hash): a 100,000-output manifest
                        # stays small.
                        if ref not in table:
                            unresolved[key] = value
                            continue
                        value["inputs"] = table[ref]
                    outputs[key] = packer.pack(value)
    except (OSError, ValueError):
        return {}
    for key, value in unresolved.items():
        value["inputs"] = table.get(value["inputs"])
        outputs[key] = packer.pack(value)
    return outputs


class _JsonStream:
    """A JSON text read a chunk at a time, each member of its top-level objects decoded on
    its own: the text is never in memory whole, nor all the objects it makes."""

    CHUNK = 1 << 20  # characters
    AHEAD = 1 << 16  # kept ahead of a member: far more than one entry of a manifest takes

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._text = ""
        self._at = 0
        self._scan = json.JSONDecoder().scan_once
        self._batch: dict[str, Any] = {}
        self._read = 0  # characters before the start of _text
        self._refused = -1  # where a batch was refused, counted from the start

    def members(self, sections: tuple[str, ...]) -> Iterator[tuple[str | None, str, Any]]:
        """``(section, key, value)`` for each member of the object under each of the
        top-level keys ``sections``; ``(None, key, value)`` for the other top-level members.
        A ValueError for anything that is not one JSON object."""
        for key in self._keys():
            if key in sections and self._peek() == "{":
                for name in self._keys(batches=True):
                    if name is _BATCH:
                        for member in self._batch.items():
                            yield (key, *member)
                    else:
                        yield key, name, self._value()
            else:
                yield None, key, self._value()
        if self._peek(end=True):
            raise ValueError("more after the JSON object")

    def _keys(self, *, batches: bool = False) -> Iterator[str]:
        """The keys of the object that starts here, each left for its value to be read; with
        ``batches``, ``_BATCH`` for a run of members decoded at once (in ``_batch``)."""
        self._take("{")
        if self._peek() == "}":
            self._at += 1
            return
        while True:
            if len(self._text) - self._at < self.AHEAD:
                self._more()
            if batches and self._decoded_batch():
                yield _BATCH
                continue
            if found := _KEY.match(self._text, self._at):  # the common case, quickly
                key, self._at = found.group(1), found.end()
            else:
                key = self._value()
                if not isinstance(key, str):
                    raise ValueError("an object's key is not a string")
                self._take(":")
            yield key
            if self._peek() == "}":
                self._at += 1
                return
            self._take(",")

    def _decoded_batch(self) -> bool:
        """Decode the members from here to the last one that starts in what was read, in one
        call of the decoder, into ``_batch``: where each starts is seen by the indentation
        ``Manifest.save`` writes (a raw line break cannot be inside a JSON string). Only if
        they decode as exactly one object's members; False otherwise (a manifest written some
        other way is read a member at a time)."""
        cut = self._text.rfind(_MEMBER_START, self._at)
        if cut <= self._at or self._read + cut == self._refused:
            return False
        members = self._text[self._at : cut].rstrip()
        wrapped = "{" + members[:-1] + "}"
        try:
            batch, end = self._scan(wrapped, 0)
        except (StopIteration, ValueError):
            end = -1
        if not members.endswith(",") or end != len(wrapped):
            # Past the end of the object, most likely: tried again only with more read.
            self._refused = self._read + cut
            return False
        self._batch, self._at = batch, cut
        return True

    def _more(self, at_least: int = 0) -> bool:
        chunk = self._handle.read(max(self.CHUNK, at_least))
        if not chunk:
            return False
        self._read += self._at
        self._text = self._text[self._at :] + chunk
        self._at = 0
        return True

    def _peek(self, *, end: bool = False) -> str:
        """The next character that is not white space ("" at the end, if ``end``)."""
        while True:
            self._at = _SPACE.match(self._text, self._at).end()  # type: ignore[union-attr]
            if self._at < len(self._text):
                return self._text[self._at]
            if not self._more():
                if end:
                    return ""
                raise ValueError("the JSON ends too soon")

    def _take(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r}")
        self._at += 1

    def _value(self) -> Any:
        if len(self._text) - self._at < self.AHEAD:
            self._more()
        with contextlib.suppress(StopIteration, ValueError):
            value, end = self._scan(self._text, self._at)
            if end < len(self._text):  # else a number may go on in the next chunk
                self._at = end
                return value
        # At white space, cut off by the end of what was read, or wrong: read on (twice as
        # much each time, so a long value is not read over and over) to the end if need be.
        self._peek()
        while True:
            try:
                value, end = self._scan(self._text, self._at)
            except (StopIteration, ValueError) as error:
                if not self._more(len(self._text) - self._at):
                    raise ValueError(f"not JSON: {error}") from None
                continue
            if end < len(self._text) or not self._more():
                self._at = end
                return value


_SPACE = re.compile(r"[ \t\n\r]*")
_MEMBER_START = '\n    "'  # a key two levels deep, as json.dumps(…, indent=2) writes it
_BATCH = "\x00batch"  # not a key: a JSON string cannot hold a raw NUL
_KEY = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:')  # a key with no escapes


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


def _apply(outputs: dict[str, Packed], change: dict[str, Any], packer: _Packer) -> None:
    forget, record = change.get("forget", []), change.get("record", {})
    for key in forget if isinstance(forget, list) else []:
        outputs.pop(key, None) if isinstance(key, str) else None
    if isinstance(record, dict):
        for key, entry in record.items():
            if _is_entry(key, entry):
                outputs[key] = packer.pack(entry)
            else:  # what it records is not an output build makes: nothing is listed
                outputs.pop(key, None)


def _folders_inside(out_dir: Path, names: set[str]) -> set[str]:
    """The names of ``names`` that are folders of ``out_dir`` a path can stay inside (not a
    symbolic link out of it): checked once per leaflet, not per output."""
    names = {name for name in names if _NAME_PART.fullmatch(name)}
    # A folder in it that is not a symbolic link is inside it (a name has no '/' or '..'):
    # the folder listed once, not each of 10,000 names resolved.
    plain: set[str] = set()
    with contextlib.suppress(OSError), os.scandir(out_dir) as found:
        plain = {entry.name for entry in found if entry.is_dir(follow_symlinks=False)} & names
    return plain | {name for name in names - plain if is_inside(out_dir / name, out_dir)}


def _is_entry(key: str, entry: object) -> bool:
    """An entry shaped as build writes them, and ``key`` the name a build gives the output it
    describes: an entry planted by hand (``private/patients.pdf``) names no output of this
    project, and is ignored."""
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        return False
    fields = [entry.get(name) for name in _NAMED_BY]
    if not all(type(field) is str and field for field in fields):
        return False
    # Each part is one name (no '/' or '.' inside it), so the key has exactly the folder
    # and file a build makes; the folder itself is checked once (``_folders_inside``).
    named = "".join(fields)  # type: ignore[arg-type]
    if "/" in named or "." in named:
        return False
    leaflet, language, variant, paper, fmt = fields
    return key == f"{leaflet}/{leaflet}.{language}.{variant}.{paper}{suffix_of(fmt)}"
