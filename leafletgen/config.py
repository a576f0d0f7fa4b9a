"""Project settings from `leaflet.toml` at the project root; every setting has a default."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from leafletgen.countries import CountryCode
from leafletgen.errors import Problem, SourceError
from leafletgen.files import read_bounded

CONFIG_FILE = "leaflet.toml"
MAX_CONFIG_BYTES = 1_000_000  # a settings file is a few hundred bytes


class _Settings(BaseModel):
    # Built when first used, as the source's models are (leafletgen/content/model.py).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ReadabilityLimits(_Settings):
    """USP <1265>: plain language at grade 6 where possible, never above grade 8."""

    max_mean_grade: float = Field(6.0, gt=0)
    max_part_grade: float = Field(8.0, gt=0)
    jargon: list[str] = []  # added to the bundled list of words to avoid or explain
    # The lowest reading ease of each part of a translated plain text, per language, on the
    # first formula made for it (leafletgen.checks.readability.EASE_FORMULAS). Spanish: 55,
    # the lower bound of INFLESZ's "normal".
    min_reading_ease: dict[str, float] = {"es": 55.0}


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


class MarketSettings(_Settings):
    """Where the leaflets are handed out: which brands print (``medicine.brands`` per
    country). ``leaflet build --country`` overrides it for one build."""

    country: CountryCode | None = None


class BrailleSettings(_Settings):
    """The braille-ready file (``.brf``): contracted (grade 2) or uncontracted (grade 1)
    Unified English Braille. The other languages have one liblouis table each."""

    grade: Literal[1, 2] = 2


class AudioSettings(_Settings):
    """The leaflet read aloud by espeak-ng: a voice (espeak-ng's name, such as ``en-gb`` or
    ``es``; default: the leaflet's language) and the speaking rate in words per minute."""

    voice: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_+-]{0,40}$")
    # espeak-ng's own default; it speaks a leaflet at about 135 words a minute, pauses and all.
    rate: int = Field(175, ge=150, le=300)  # slower falls below the check's 100 words a minute
    # A Piper voice the site supplies (leafletgen.render.piper): an .onnx model, relative to
    # the project, its .onnx.json beside it; it speaks the leaflets in its own language.
    piper_model: str | None = None

    @field_validator("piper_model")
    @classmethod
    def _a_voice_model(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if "\\" in value or ".." in PurePosixPath(value).parts or "\0" in value:
            raise ValueError(f"{value!r}: a path inside the project, with '/', no '..'")
        root: Path | None = (info.context or {}).get("root")
        if root is not None:
            from leafletgen.render.piper import read_model

            read_model(root / value)  # a ValueError says what is wrong with it
        return value


class PublishSettings(_Settings):
    """Where the published folder is served: with a base URL, every PDF carries a QR code to
    its HTML twin there. Only the output's own name is ever added to it."""

    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _plain_web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"{value!r}: a web address starting with https://")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"{value!r}: no query, fragment or user name in the base URL")
        if any(c.isspace() or not c.isprintable() or not c.isascii() for c in value):
            raise ValueError(f"{value!r}: spaces and non-ASCII characters must be %-encoded")
        return value.rstrip("/")


class CheckPolicy(_Settings):
    """What `leaflet check` asks of a source beyond the reading grades."""

    require_get_help: bool = False  # a leaflet without "get help now": an error, not a warning


class Config(_Settings):
    check: CheckPolicy = CheckPolicy()
    readability: ReadabilityLimits = ReadabilityLimits()
    market: MarketSettings = MarketSettings()
    build: BuildDefaults = BuildDefaults()
    counter: CounterDefaults = CounterDefaults()
    review: ReviewPolicy = ReviewPolicy()
    theme: ThemeSettings = ThemeSettings()
    braille: BrailleSettings = BrailleSettings()
    audio: AudioSettings = AudioSettings()
    publish: PublishSettings = PublishSettings()


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
        return Config.model_validate(data, context={"asset_exists": asset_exists, "root": root})
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
