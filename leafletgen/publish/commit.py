"""Commit a job: its files and their manifest entries, written in one step.

Ctrl-C or SIGTERM waits until both are written, and a file the manifest cannot list is taken
back: whatever stops a batch (a full disk, a signal, a killed worker), the manifest lists
exactly the complete files on disk. The folder is locked for the commit, whose changes go to
the manifest's journal as blind writes by name, so builds running at once into one folder each
add their own entries, and a commit costs the same with ten outputs listed or a million.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from leafletgen.errors import OutputError
from leafletgen.files import discard, is_inside, write_atomic
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.jobs import BuiltFile, JobOutput
from leafletgen.publish.manifest import append, locked
from leafletgen.publish.plan import Failure, Job


def commit(
    output: JobOutput,
    paths: list[Path],
    out_dir: Path,
    entries: list[dict[str, object]],
    cache: BuildCache,
) -> tuple[tuple[BuiltFile, ...], Failure | None]:
    """Write a job's files (``paths``: every file the job stands for, written or not) into
    ``out_dir`` and record them with ``entries``, one per file; return what was built, or
    why not. ``cache`` learns each written file's size and time."""
    job = output.job
    if output.failure is not None and not out_dir.exists():
        return (), output.failure  # no manifest to correct: a failed job makes no folder
    try:
        # Locked before the signals are held: Ctrl-C while another build commits still stops.
        with locked(out_dir), _signals_held():
            return _commit_locked(output, paths, out_dir, entries, cache)
    except OutputError as error:  # the folder cannot even be locked: nothing was written
        return (), output.failure or _not_written(job, error)


def _commit_locked(
    output: JobOutput,
    paths: list[Path],
    out_dir: Path,
    entries: list[dict[str, object]],
    cache: BuildCache,
) -> tuple[tuple[BuiltFile, ...], Failure | None]:
    job = output.job
    try:
        # What the manifest says about these files stops being true before they change (a
        # file that is not there is listed by nothing true already).
        append(out_dir, forget=[_key(path, out_dir) for path in paths if os.path.lexists(path)])
    except OutputError as error:
        # Nothing was written, so the manifest on disk still matches the files.
        return (), output.failure or _not_written(job, error)
    if output.failure is not None:
        return (), output.failure
    try:
        _write_files(output.files, out_dir)
    except OutputError as error:
        return (), Failure(job.name, error.format_message())
    record = {
        _key(built.path, out_dir): entry
        for (built, _), entry in zip(output.files, entries, strict=True)
    }
    try:
        append(out_dir, record=record)
    except OutputError as error:
        for built, _ in output.files:
            discard(built.path)
        return (), _not_written(job, error)
    for built, _ in output.files:
        with contextlib.suppress(OSError):
            cache.note(_key(built.path, out_dir), built.path.stat(), built.sha256)
    return tuple(built for built, _ in output.files), None


def _key(path: Path, out_dir: Path) -> str:
    return path.relative_to(out_dir).as_posix()


def _write_files(files: tuple[tuple[BuiltFile, bytes], ...], out_dir: Path) -> None:
    """Write every format of a job, or none: a failed job leaves nothing half-done."""
    for built, _ in files:
        if not is_inside(built.path, out_dir):  # a planted symbolic link
            raise OutputError(
                f"{built.path}: refused: a symbolic link leads outside the output folder "
                f"'{out_dir}'"
            )
    written: list[Path] = []
    try:
        for built, data in files:
            write_atomic(built.path, data)
            written.append(built.path)
    except OutputError:
        for path in written:
            discard(path)
        raise


def _not_written(job: Job, error: OutputError) -> Failure:
    return Failure(job.name, f"{job.name}: not written: {error.format_message()}")


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C or SIGTERM waits until the files and the manifest entries are both written."""
    # Python runs signal handlers in the main thread only (whichever thread the kernel picks,
    # so blocking the signals in this thread would not do): another thread is never stopped.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous = {
        signum: signal.signal(signum, lambda *received: caught.append(received))
        for signum in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(signum) is not None  # a handler from outside Python: left alone
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum, frame in caught:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)
