"""Output names: ``<id>/<id>.<language>.<variant>.<paper><suffix>`` inside the output folder,
the suffix the format's (``.pdf``, ``.ogg`` for audio)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from leafletgen.errors import OutputError
from leafletgen.render import FORMATS


@dataclass(frozen=True)
class OutputName:
    leaflet_id: str
    language: str
    variant: str
    paper: str
    format: str


def output_path(
    out_dir: Path, leaflet_id: str, language: str, variant: str, paper: str, fmt: str
) -> Path:
    """``DIR/<id>/<id>.<lang>.<variant>.<paper><suffix>``."""
    return out_dir / output_key(leaflet_id, language, variant, paper, fmt)


def output_key(leaflet_id: str, language: str, variant: str, paper: str, fmt: str) -> str:
    """``<id>/<id>.<lang>.<variant>.<paper><suffix>``: the output's name inside the folder, as
    the manifest lists it."""
    return f"{leaflet_id}/{leaflet_id}.{language}.{variant}.{paper}{suffix_of(fmt)}"


@functools.cache
def suffix_of(fmt: str) -> str:
    """The format's file suffix (``.ogg`` for audio); ``.<fmt>`` for a name no format has."""
    return FORMATS[fmt].suffix if fmt in FORMATS else f".{fmt}"


def parse_output_name(path: Path) -> OutputName:
    """What ``output_path`` put into a file name; an error for any other name."""
    parts = path.name.split(".")
    if len(parts) != 5 or not all(parts):
        raise OutputError(
            f"{path}: not a leaflet output name (<id>.<language>.<variant>.<paper>.<format>)"
        )
    *named, suffix = parts
    by_suffix = {f.suffix: f.name for f in FORMATS.values()}
    return OutputName(*named, by_suffix.get(f".{suffix}", suffix))
