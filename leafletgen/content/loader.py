"""Load a leaflet source: YAML → plain data with line numbers → validated Leaflet.

Every problem is reported with the file, the line and the field path, all at once, so an
editor can fix a file in one pass.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from leafletgen.content.coverage import uncovered_problems
from leafletgen.content.messages import messages
from leafletgen.content.model import MASTHEAD, MEDICINE, Leaflet, is_slug
from leafletgen.content.safe_yaml import (
    MAX_SOURCE_BYTES,
    FieldPath,
    dotted,
    located_problems,
    read_yaml,
)
from leafletgen.errors import Problem, SourceError, UnknownLeafletError
from leafletgen.files import read_bounded

logger = logging.getLogger(__name__)

SOURCE_SUFFIXES = (".yaml", ".yml")


def is_source_file(path: Path) -> bool:
    """A regular ``.yaml``/``.yml`` file that is not a symbolic link: links are not followed,
    so a source cannot bring in a file from outside the leaflets folder."""
    return path.suffix in SOURCE_SUFFIXES and not path.is_symlink() and path.is_file()


def source_files(folder: Path) -> list[Path]:
    """The source files in ``folder`` (as ``is_source_file`` says), in name order; the folder
    listed once, without a look at each file (a catalogue has 10,000)."""
    with os.scandir(folder) as found:
        names = sorted(
            entry.name
            for entry in found
            if os.path.splitext(entry.name)[1] in SOURCE_SUFFIXES
            and entry.is_file(follow_symlinks=False)
        )
    return [folder / name for name in names]


def find_source(reference: str, leaflets_dir: Path) -> Path:
    """Turn a LEAFLET argument (a source file, or the id of a leaflet in ``leaflets_dir``)
    into the path of a source file."""
    path = Path(reference)
    if path.suffix in SOURCE_SUFFIXES:
        return _checked_source(path, "")
    # Anything else must be an id: '..', '/etc/passwd', 'CON' or '/dev/zero' never are.
    if not is_slug(reference):
        raise UnknownLeafletError(
            f"Leaflet '{reference}': not a source file (.yaml or .yml) nor a leaflet id "
            "(lowercase letters, digits and single hyphens)"
        )
    for suffix in SOURCE_SUFFIXES:
        candidate = leaflets_dir / f"{reference}{suffix}"
        if candidate.exists() or candidate.is_symlink():
            return _checked_source(candidate, f"Leaflet '{reference}': ")
    raise UnknownLeafletError(
        f"Leaflet '{reference}': not a file, and no {reference}.yaml in {leaflets_dir}/"
    )


def _checked_source(path: Path, prefix: str) -> Path:
    if is_source_file(path):
        return path
    if path.is_symlink():
        problem = "symbolic links are not followed"
    elif path.exists():
        problem = "not a regular file"
    else:
        problem = "no such leaflet source file"
    raise UnknownLeafletError(f"{prefix}{path}: {problem}")


def load_leaflet(path: Path) -> Leaflet:
    """Read and validate one source file; raise SourceError listing every problem."""
    return _validated(read_bounded(path, MAX_SOURCE_BYTES), path)


@functools.lru_cache(maxsize=32)
def _validated(raw: bytes, path: Path) -> Leaflet:
    # A batch renders one source in every language and variant: the same bytes are parsed and
    # validated once per process (a Leaflet is frozen, so sharing it is safe). Errors are not
    # cached: they are raised again each time.
    return leaflet_from_bytes(raw, path)[0]


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], data: Any, lines: dict[FieldPath, int], path: Path) -> Model:
    """``data`` read from ``path`` as a ``model``, every character in a bundled font; or one
    SourceError with the line and field of every problem."""
    try:
        value = model.model_validate(data)
    except ValidationError as error:
        raise SourceError(located_problems(path, lines, error)) from None
    if problems := uncovered_problems(path, data, lines):
        raise SourceError(problems)
    return value


def leaflet_from_bytes(raw: bytes, path: Path) -> tuple[Leaflet, dict[FieldPath, int]]:
    """Validate the bytes of a source named ``path``; also return the line of every field."""
    data, lines = read_yaml(raw, path)
    leaflet = validated(Leaflet, data, lines, path)
    if leaflet.id != path.stem:
        raise SourceError(
            [
                Problem(
                    path,
                    lines.get(("id",)),
                    "id",
                    f"'{leaflet.id}' must match the file name '{path.stem}'",
                )
            ]
        )
    if problems := _medicine_outside_titles(leaflet, lines, path):
        raise SourceError(problems)
    logger.debug("Leaflet '%s': loaded from %s", leaflet.id, path)
    return leaflet, lines


def _medicine_outside_titles(
    leaflet: Leaflet, lines: dict[FieldPath, int], path: Path
) -> list[Problem]:
    """``{medicine}`` is printed as the medicine's names in a title or subtitle only: anywhere
    else it would be printed as typed."""
    return [
        Problem(
            path,
            lines.get(message.path),
            dotted(message.path),
            f"{MEDICINE} is for the title and subtitle only (it prints the generic name and the "
            "brands of the market): name the medicine in words here",
        )
        for message in messages(leaflet)
        if MEDICINE in message.msgid and message.context.partition("|")[2] not in MASTHEAD
    ]
