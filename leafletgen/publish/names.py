"""Output names: ``<id>/<id>.<language>.<variant>.<paper>.<format>`` inside the output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leafletgen.errors import OutputError


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
    """``DIR/<id>/<id>.<lang>.<variant>.<paper>.<fmt>``."""
    return out_dir / output_key(leaflet_id, language, variant, paper, fmt)


def output_key(leaflet_id: str, language: str, variant: str, paper: str, fmt: str) -> str:
    """``<id>/<id>.<lang>.<variant>.<paper>.<fmt>``: the output's name inside the folder, as
    the manifest lists it."""
    return f"{leaflet_id}/{leaflet_id}.{language}.{variant}.{paper}.{fmt}"


def parse_output_name(path: Path) -> OutputName:
    """What ``output_path`` put into a file name; an error for any other name."""
    parts = path.name.split(".")
    if len(parts) != 5 or not all(parts):
        raise OutputError(
            f"{path}: not a leaflet output name (<id>.<language>.<variant>.<paper>.<format>)"
        )
    return OutputName(*parts)
