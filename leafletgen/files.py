"""Writing a user's files safely: atomic writes (a reader never finds a half-written file), and
folders and paths confined (no device names, no system folders, no escape by a link)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from leafletgen.errors import OutputError, Problem, SourceError

# Names Windows opens as devices, whatever the folder or extension ("NUL", "com1.pdf").
_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(10)]
)
_SYSTEM_FOLDERS = (Path("/dev"), Path("/proc"), Path("/sys"))


def is_device_name(name: str) -> bool:
    """Whether a file or folder called ``name`` would be a device on Windows."""
    return name.split(".")[0].strip().upper() in _DEVICE_NAMES


def check_output_folder(folder: Path) -> None:
    """Refuse an output folder that climbs with '..', names a device or a system folder, or is
    not a folder. Absolute paths are fine (a temporary folder, a web root)."""
    problem = None
    if ".." in folder.parts:
        problem = "must not contain '..'"
    elif device := next((part for part in folder.parts if is_device_name(part)), None):
        problem = f"'{device}' is a device name"
    elif system := next((s for s in _SYSTEM_FOLDERS if folder.resolve().is_relative_to(s)), None):
        problem = f"is inside the system folder {system}"
    elif folder.exists() and not folder.is_dir():
        problem = "exists and is not a folder"
    if problem:
        raise OutputError(f"Output folder '{folder}': {problem}")


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never more than that is read.

    Opened without blocking and checked before reading, so a FIFO, a device (/dev/zero) or a
    50 MB file is refused at once, with bounded memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise SourceError([Problem(path, None, "", f"cannot read: {error.strerror}")]) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError([Problem(path, None, "", "not a regular file")])
        if info.st_size > limit:
            raise SourceError([too_large(path, limit)])
        raw = handle.read(info.st_size + 1)
        if len(raw) > info.st_size:  # it grew since fstat: read on, but never past the limit
            raw += handle.read(limit + 1 - len(raw))
        if len(raw) > limit:
            raise SourceError([too_large(path, limit)])
    return raw


def too_large(path: Path, limit: int) -> Problem:
    return Problem(path, None, "", f"file is larger than {limit:,} bytes")


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, with '..' and every symbolic link followed, lies inside ``folder``."""
    try:
        resolved, root = path.resolve(), folder.resolve()
    except (OSError, ValueError):  # a link loop, a NUL character in the name
        return False
    return resolved != root and resolved.is_relative_to(root)


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int = 0o644) -> None:
    """Write ``data`` (or its pieces, in order) to a temporary file beside ``path``, flush it
    to disk, then rename.

    A failed write leaves no trace: no temporary file, and no folder it made for ``path``.
    """
    with _staged(path, data, mode) as temp_name:
        os.replace(temp_name, path)


def write_new(path: Path, data: bytes, *, mode: int = 0o644) -> bool:
    """Write ``data`` as ``write_atomic`` does, but only if nothing is at ``path`` yet: never
    replace a file, a folder or a link there, even one that appears while this writes.

    Returns False, having written nothing, when ``path`` is taken.
    """
    if os.path.lexists(path):
        return False
    with _staged(path, data, mode) as temp_name:
        try:
            os.link(temp_name, path)  # the complete file gets its name only if the name is free
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(path):
                return False
            os.replace(temp_name, path)
    return True


@contextlib.contextmanager
def _staged(path: Path, data: bytes | Iterable[bytes], mode: int) -> Iterator[str]:
    """A temporary file beside ``path`` that holds ``data``, flushed to disk, for the caller
    to give its name; removed afterwards, with the folder made for it if nothing got a name
    there. Any OSError is an OutputError naming ``path``."""
    made_folder = not path.parent.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(path)
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=path.parent
        )
    except OSError as error:
        if made_folder:
            _remove_if_empty(path.parent)
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        yield temp_name
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    finally:
        Path(temp_name).unlink(missing_ok=True)
        if made_folder and not os.path.lexists(path):
            _remove_if_empty(path.parent)


_LEFTOVER_AGE = 60.0  # seconds without a write: no live writer is that slow between writes


def _remove_leftovers(path: Path) -> None:
    """Remove the temporary files of earlier writes of ``path`` whose process is gone.

    A temporary file is removed by its writer even on an error or a signal, but not after a
    SIGKILL or a power cut. Its name carries the writer's process id; one whose process no
    longer runs and that has not been written to for a minute is left from such a write.
    """
    prefix = f".{path.name}."
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(".part")):
                continue
            pid = entry.name[len(prefix) :].split(".", 1)[0]
            if not pid.isdigit() or _running(int(pid)):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > _LEFTOVER_AGE:
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs, as someone else
        return True
    return True


def discard(path: Path) -> None:
    """Take back a file ``write_atomic`` wrote, and its folder if that leaves it empty."""
    path.unlink(missing_ok=True)
    _remove_if_empty(path.parent)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty, or already gone
        folder.rmdir()
