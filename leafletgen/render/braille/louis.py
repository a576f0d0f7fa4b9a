"""liblouis, loaded with ctypes: translation to braille cells and back.

Debian's ``python3-louis`` is itself pure ctypes over the same library, but lives outside
the virtual environment; the two calls leafletgen needs are a few lines, so it loads the
library (``liblouis20``, tables from ``liblouis-data``) itself. Cells go in and out as
Unicode braille patterns (U+2800 + dots), so no display table decides what a cell is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import os
from pathlib import Path

from leafletgen.errors import RenderError

_DOTS_IO = 4  # liblouis' modes: cells as dot patterns...
_UNICODE_BRAILLE = 64  # ...written as Unicode braille
_MODE = _DOTS_IO | _UNICODE_BRAILLE
_DISPLAY = "unicode.dis"  # read Unicode braille on the way back


@functools.cache
def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("louis") or "liblouis.so.20"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        raise RenderError(
            "braille needs liblouis (Debian: liblouis20 and liblouis-data; "
            "scripts/install-system-deps.sh installs them)"
        ) from None
    library.lou_version.restype = ctypes.c_char_p
    library.lou_charSize.restype = ctypes.c_int
    for function in (library.lou_translateString, library.lou_backTranslateString):
        function.restype = ctypes.c_int
    return library


def version() -> str:
    return _library().lou_version().decode("ascii")


# Where Debian's liblouis-data puts the tables; LOUIS_TABLEPATH first, as liblouis reads it.
_TABLE_FOLDERS = ("/usr/share/liblouis/tables", "/usr/local/share/liblouis/tables")


def table_digest(table: str) -> str:
    """A sha256 of the table file and every file it includes, in the order liblouis reads
    them: a changed table (a liblouis-data upgrade) changes the braille."""
    folders = [Path(p) for p in os.environ.get("LOUIS_TABLEPATH", "").split(",") if p]
    folders += [Path(p) for p in _TABLE_FOLDERS]
    digest = hashlib.sha256()
    seen: set[str] = set()

    def read(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        path = next((folder / name for folder in folders if (folder / name).is_file()), None)
        if path is None:
            digest.update(f"{name}: missing\n".encode())
            return
        data = path.read_bytes()
        digest.update(name.encode() + b"\0" + data)
        for line in data.decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "include":
                read(parts[1])

    for name in table.split(","):
        read(name)
    return digest.hexdigest()


def _encoding() -> str:
    return "utf-32-le" if _library().lou_charSize() == 4 else "utf-16-le"


def _call(function_name: str, tables: str, text: str, mode: int) -> str:
    library = _library()
    width = library.lou_charSize()
    data = text.encode(_encoding(), "surrogatepass")
    in_length = ctypes.c_int(len(data) // width)
    out_length = ctypes.c_int(max(16, in_length.value * 8))  # a cell can become several
    out = ctypes.create_string_buffer(out_length.value * width)
    ok = getattr(library, function_name)(
        tables.encode("ascii"),
        data,
        ctypes.byref(in_length),
        out,
        ctypes.byref(out_length),
        None,
        None,
        ctypes.c_int(mode),
    )
    if not ok:
        raise RenderError(
            f"liblouis could not translate with {tables!r} (is liblouis-data installed?)"
        )
    return out.raw[: out_length.value * width].decode(_encoding(), "surrogatepass")


def to_braille(table: str, text: str) -> str:
    """``text`` in braille cells (Unicode braille patterns), by the liblouis table."""
    return _call("lou_translateString", f"{_DISPLAY},{table}", text, _MODE)


def from_braille(table: str, cells: str) -> str:
    """Braille cells (Unicode braille patterns) read back as text by the liblouis table."""
    return _call("lou_backTranslateString", f"{_DISPLAY},{table}", cells, 0)
