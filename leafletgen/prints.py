"""Where counter prints go: never into the output folder, the manifest or index.html.

A counter print carries a patient's name, so it is written only where the user says (``-o
FILE``, or ``-o -`` for standard output) or into a private temporary folder (mode 0700, this
user's alone); prints left there are removed after a day, at the next counter print.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import tempfile
import time
from pathlib import Path

from leafletgen.engine import Rendered
from leafletgen.errors import OutputError
from leafletgen.files import is_inside, write_atomic
from leafletgen.project import Project

KEEP_SECONDS = 24 * 60 * 60  # a day
STANDARD_OUTPUT = Path("-")


def private_folder() -> Path:
    """This user's folder for counter prints in the system's temporary folder; made if
    missing, refused unless it is a real folder that only this user can open."""
    folder = Path(tempfile.gettempdir()) / f"leafletgen-prints-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError as error:
        raise OutputError(
            f"{folder}: cannot make the folder for prints: {error.strerror}"
        ) from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # Someone else's folder, or a link planted there: a patient's name never goes in.
        raise OutputError(
            f"{folder}: refused for counter prints: not a folder that only you can open "
            "(remove it, or name a file with -o)"
        )
    return folder


def remove_old_prints(folder: Path, now: float | None = None) -> int:
    """Delete the prints in ``folder`` older than a day; return how many."""
    limit = (time.time() if now is None else now) - KEEP_SECONDS
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def save_print(project: Project, rendered: Rendered, destination: Path | None) -> Path | None:
    """Write a counter print; return where it went (None: standard output)."""
    if destination == STANDARD_OUTPUT:
        sys.stdout.buffer.write(rendered.data)
        sys.stdout.buffer.flush()
        return None
    if destination is not None:
        out_dir = project.output_dir
        if is_inside(destination, out_dir) or destination.resolve() == out_dir.resolve():
            raise OutputError(
                f"{destination}: refused: counter prints are never written into the output "
                f"folder '{out_dir}' (it holds the published leaflets)"
            )
        write_atomic(destination, rendered.data, mode=0o600)
        return destination
    folder = private_folder()
    remove_old_prints(folder)
    stem, suffix = rendered.name.removesuffix(rendered.format.suffix), rendered.format.suffix
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}.{stamp}-{secrets.token_hex(3)}{suffix}"
    write_atomic(path, rendered.data, mode=0o600)
    return path
