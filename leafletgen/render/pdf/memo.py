"""What a renderer process keeps from one render to the next: a few recent values, each valid
while the files it was made from are unchanged (a font or stylesheet edited while the counter
server runs is read again). Nothing personal is ever kept: callers keep stylesheets and the
impersonal half of a counter print only."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class FileMemo(Generic[T]):
    """The ``size`` most recently used values, by key, with the files each was made from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, tuple[T, tuple[Path, ...], tuple[object, ...]]] = (
            OrderedDict()
        )

    def get(self, key: Hashable) -> T | None:
        kept = self.items.get(key)
        if kept is None:
            return None
        value, files, stamp = kept
        if _stamp(files) != stamp:
            del self.items[key]
            return None
        self.items.move_to_end(key)
        return value

    def keep(self, key: Hashable, value: T, files: tuple[Path, ...]) -> T:
        self.items[key] = (value, files, _stamp(files))
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value

    def values(self) -> list[T]:
        return [value for value, _, _ in self.items.values()]

    def clear(self) -> None:
        self.items.clear()


def _stamp(files: tuple[Path, ...]) -> tuple[object, ...]:
    stamps: list[object] = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            stamps.append((str(path), None))
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)
