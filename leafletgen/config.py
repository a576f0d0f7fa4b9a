"""Project settings from `leaflet.toml` at the project root; every setting has a default."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from leafletgen.errors import Problem, SourceError
from leafletgen.files import read_bounded

CONFIG_FILE = "leaflet.toml"
MAX_CONFIG_BYTES = 1_000_000  # a settings file is a few hundred bytes


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
    paper: str = "a4"  # a name from leafletgen.variants.PAPERS
    # Names from leafletgen.render.FORMATS, or ["all"]: checked by `leaflet build`, which
    # loads the registry (this module is below the renderers).
    formats: list[str] = ["pdf"]
    out: str = "output"
    jobs: int | None = Field(None, ge=1)  # default: the number of cores
    pharmacy: str | None = None  # refused: see below

    @field_validator("variants")
    @classmethod
    def _known_variants(cls, value: list[str]) -> list[str]:
        from leafletgen.variants import VARIANTS

        return _known(value, VARIANTS, "variant")

    @field_validator("paper")
    @classmethod
    def _known_paper(cls, value: str) -> str:
        from leafletgen.variants import PAPERS

        return _known([value], PAPERS, "paper", or_all=False)[0]

    @field_validator("pharmacy")
    @classmethod
    def _moved(cls, value: str | None) -> None:
        # It used to turn every build into a counter print: published leaflets carrying one
        # pharmacy, left out of the manifest.
        raise ValueError(
            "moved to [counter] pharmacy: a pharmacy profile is the default of counter prints; "
            "publications stay generic unless built with `leaflet build --branded`"
        )


def _known(
    values: list[str], registry: Mapping[str, object], kind: str, *, or_all: bool = True
) -> list[str]:
    names = [*registry, "all"] if or_all else list(registry)
    for value in values:
        if value not in names:
            raise ValueError(f"unknown {kind} {value!r} (one of {', '.join(names)})")
    return values


class CounterDefaults(_Settings):
    """Defaults for counter prints (`leaflet build --patient/--note`)."""

    pharmacy: str | None = None  # the profile printed on every counter print, and with --branded


class ReviewPolicy(_Settings):
    max_age_days: int = Field(365, ge=1)  # `leaflet list` flags reviews older than this


class ThemeSettings(_Settings):
    """A project's own look (docs/theming.md): stylesheets after every layer of the package's.

    Each name is relative to the templates (``css/clinic.css``) and is looked up along the
    same search path as every other asset, so it may be a project's file or the package's.
    """

    extra_css: list[str] = []

    @field_validator("extra_css")
    @classmethod
    def _template_stylesheets(cls, value: list[str], info: ValidationInfo) -> list[str]:
        # The check that the files exist needs the templates' search path, which only the
        # project knows: it hands over a test for a name in the validation context.
        exists: Callable[[str], bool] | None = (info.context or {}).get("asset_exists")
        for name in value:
            _check_template_name(name)
            if exists is not None and not exists(name):
                raise ValueError(
                    f"{name!r}: no such file in the project's or the package's templates"
                )
        if len(set(value)) < len(value):
            raise ValueError("a stylesheet is listed twice")
        return value


def _check_template_name(name: str) -> None:
    path = PurePosixPath(name)
    if not name or "\\" in name or path.is_absolute() or ".." in path.parts:
        raise ValueError(
            f"{name!r}: a path inside the templates folder, such as 'css/clinic.css' "
            "(relative, with '/', no '..')"
        )
    if path.suffix != ".css":
        raise ValueError(f"{name!r}: not a stylesheet (a name ending in .css)")


class CheckPolicy(_Settings):
    """What `leaflet check` asks of a source beyond the reading grades."""

    require_get_help: bool = False  # a leaflet without "get help now": an error, not a warning


def _country(value: str | None) -> str | None:
    from babel import Locale

    if value is not None and (
        not value.isalpha() or value != value.upper() or value not in Locale("en").territories
    ):
        raise ValueError(
            f"unknown country {value!r}: an ISO 3166 code in capitals, such as 'GB' or 'ES'"
        )
    return value


class Config(_Settings):
    # The country the leaflets are handed out in: its emergency and poison numbers are printed
    # under "Get help now" (a pharmacy profile's own numbers win).
    country: Annotated[str | None, AfterValidator(_country)] = None
    check: CheckPolicy = CheckPolicy()
    readability: ReadabilityLimits = ReadabilityLimits()
    build: BuildDefaults = BuildDefaults()
    counter: CounterDefaults = CounterDefaults()
    review: ReviewPolicy = ReviewPolicy()
    theme: ThemeSettings = ThemeSettings()


def load_config(root: Path, *, asset_exists: Callable[[str], bool] | None = None) -> Config:
    """Read ``root/leaflet.toml``, or else ``[tool.leafletgen]`` in ``root/pyproject.toml``;
    report problems with their field. ``asset_exists`` tells whether a name is one of the
    project's template assets, for the settings that name one."""
    path = root / CONFIG_FILE
    table: tuple[str, ...] = ()
    if not path.is_file():
        path, table = root / "pyproject.toml", ("tool", "leafletgen")
        if not path.is_file():
            return Config()
    try:
        data = tomllib.loads(read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourceError([Problem(path, None, "", str(error))]) from None
    for key in table:
        data = data.get(key, {})
    try:
        return Config.model_validate(data, context={"asset_exists": asset_exists})
    except ValidationError as error:
        raise SourceError(
            [
                Problem(
                    path,
                    None,
                    ".".join(str(p) for p in e["loc"]),
                    "unknown setting"
                    if e["type"] == "extra_forbidden"
                    else e["msg"].removeprefix("Value error, "),
                )
                for e in error.errors()
            ]
        ) from None
