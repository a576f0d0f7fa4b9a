"""Project settings from `leaflet.toml` at the project root; every setting has a default."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leafletgen.errors import Problem, SourceError
from leafletgen.source import MAX_SOURCE_BYTES, read_bounded

CONFIG_FILE = "leaflet.toml"


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadabilityLimits(_Settings):
    """USP <1265>: plain language at grade 6 where possible, never above grade 8."""

    max_mean_grade: float = Field(6.0, gt=0)
    max_part_grade: float = Field(8.0, gt=0)
    jargon: list[str] = []  # added to the bundled list of words to avoid or explain


class BuildDefaults(_Settings):
    """Defaults for `leaflet build`; an option on the command line wins."""

    languages: list[str] = []  # empty: each leaflet's own language; ["all"]: every catalog
    variants: list[str] = ["standard"]  # or ["all"]
    paper: Literal["a4", "letter"] = "a4"
    formats: list[Literal["pdf", "html"]] = ["pdf"]
    out: str = "output"
    jobs: int | None = Field(None, ge=1)  # default: the number of cores
    pharmacy: str | None = None  # a pharmacy profile printed on every leaflet


class ReviewPolicy(_Settings):
    max_age_days: int = Field(365, ge=1)  # `leaflet list` flags reviews older than this


class Config(_Settings):
    readability: ReadabilityLimits = ReadabilityLimits()
    build: BuildDefaults = BuildDefaults()
    review: ReviewPolicy = ReviewPolicy()


def load_config(root: Path) -> Config:
    """Read ``root/leaflet.toml``, or else ``[tool.leafletgen]`` in ``root/pyproject.toml``;
    report problems with their field."""
    path = root / CONFIG_FILE
    table: tuple[str, ...] = ()
    if not path.is_file():
        path, table = root / "pyproject.toml", ("tool", "leafletgen")
        if not path.is_file():
            return Config()
    try:
        data = tomllib.loads(read_bounded(path, MAX_SOURCE_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourceError([Problem(path, None, "", str(error))]) from None
    for key in table:
        data = data.get(key, {})
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise SourceError(
            [
                Problem(
                    path,
                    None,
                    ".".join(str(p) for p in e["loc"]),
                    "unknown setting" if e["type"] == "extra_forbidden" else e["msg"],
                )
                for e in error.errors()
            ]
        ) from None
