"""Exceptions the engine raises for a user's mistake; Click prints them without a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from leafletgen.plural import counted


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a source file, located precisely enough to fix it in an editor."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class LeafletError(click.ClickException):
    """Base class: an error Click can show to the user as a clean message."""

    exit_code = 1


class SourceError(LeafletError):
    """A leaflet source could not be read or is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownLeafletError(LeafletError):
    """A LEAFLET argument is neither a file nor the id of a leaflet in the leaflets folder."""


class RenderError(LeafletError):
    """The renderer failed or did something a leaflet must never do (read a foreign file)."""


class OutputError(LeafletError):
    """An output file could not be written."""


class TranslationError(LeafletError):
    """A translation is missing or stale (fuzzy): never printed without saying so."""

    def __init__(self, gaps: list[object]) -> None:
        self.gaps = gaps
        lines = [str(gap) for gap in gaps]
        super().__init__(
            f"{counted(len(lines), 'translation')} missing, out of date or not stating the facts of "
            "their "
            "source (build with --allow-incomplete to "
            "print those passages in the source language, marked as such):\n  " + "\n  ".join(lines)
        )
