"""A leaflet project: its folders and settings, handed to every command and to the engine.

A project is the folder that holds ``leaflet.toml`` (or a ``pyproject.toml`` with a
``[tool.leafletgen]`` table), found by walking up from the working folder as git finds its
repository, or named with ``--project DIR``. Its own folders are what leafletgen reads and
writes; the package's templates are read-only defaults below the project's own.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from leafletgen.config import CONFIG_FILE, Config, load_config
from leafletgen.errors import LeafletError

_PACKAGE = Path(__file__).resolve().parent


def _package_dir(name: str) -> Path:
    # A checkout (or editable install) uses the top-level folder contributors edit; a wheel
    # carries the same folder inside the package (see pyproject.toml, force-include).
    for candidate in (_PACKAGE.parent / name, _PACKAGE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"leafletgen is installed without its {name}/ folder")


PACKAGE_TEMPLATES = _package_dir("templates")
FONTS = "fonts"  # the folder of a templates folder that holds the fonts


@dataclass(frozen=True)
class Assets:
    """Templates, stylesheets and fonts: a search path of folders, the first that has a file
    wins (a project's ``templates/`` over the package's). Nothing outside them is an asset."""

    dirs: tuple[Path, ...]

    @classmethod
    def of(cls, *dirs: Path) -> Assets:
        unique: list[Path] = []
        for folder in dirs:
            if folder.is_dir() and all(not _same(folder, known) for known in unique):
                unique.append(folder)
        return cls(tuple(unique))

    def find(self, name: str) -> Path:
        """The file ``name`` (a relative path such as ``css/base.css``) of the first folder
        that has it."""
        parts = PurePosixPath(name).parts
        if not parts or ".." in parts or PurePosixPath(name).is_absolute():
            raise LeafletError(f"'{name}': not the name of a template asset")
        for folder in self.dirs:
            path = folder.joinpath(*parts)
            if path.is_file():
                # A link that leads out of its folder is not an asset: the PDF renderer's
                # fetcher refuses it too, so the HTML twin must not embed it either.
                if not path.resolve().is_relative_to(folder.resolve()):
                    raise LeafletError(f"'{name}': leads outside the templates ({path})")
                return path
        raise LeafletError(f"'{name}': no such file in the templates ({self._listed()})")

    def has(self, name: str) -> bool:
        """Whether ``name`` is an asset: a file of some folder of the search path."""
        try:
            self.find(name)
        except LeafletError:
            return False
        return True

    def relative_name(self, path: Path) -> str | None:
        """``path``'s name inside the first folder of the search path, or None."""
        base = self.dirs[0].resolve()
        resolved = path.resolve()
        return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else None

    def files(self, under: str = "") -> dict[str, Path]:
        """Every asset below the folder ``under`` (all of them by default), by its name
        relative to that folder; the first folder of the search path that has one wins."""
        found: dict[str, Path] = {}
        for folder in self.dirs:
            top = folder / under if under else folder
            for path in top.rglob("*") if top.is_dir() else ():
                if path.is_file():
                    found.setdefault(path.relative_to(top).as_posix(), path)
        return dict(sorted(found.items()))

    def digest(self, under: str = "", *, exclude: str | None = None) -> str:
        """One hash over the names and contents of the assets below ``under`` (less those
        below ``exclude``): what the manifest records as an output's inputs."""
        files = self.files(under)
        return digest_of(
            (name, path)
            for name, path in files.items()
            if exclude is None or not name.startswith(f"{exclude}/")
        )

    def _listed(self) -> str:
        return ", ".join(str(folder) for folder in self.dirs)


def digest_of(
    files: Iterable[tuple[str, Path]], hashed: Callable[[Path], bytes] | None = None
) -> str:
    """One hash over the names and contents of ``files`` ((name, path) pairs, in order);
    ``hashed`` gives a file's sha256 (to hash each file once in a batch)."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0")
        digest.update(hashed(path) if hashed else hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


@dataclass(frozen=True)
class Project:
    """One leaflet project: where its sources, catalogs, templates and outputs are, and its
    settings. Paths are relative to the working folder when the project is that folder."""

    root: Path
    config: Config
    leaflets_dir: Path
    locales_dir: Path
    output_dir: Path
    assets: Assets

    @classmethod
    def load(cls, root: Path) -> Project:
        """The project whose root is ``root``; its settings are read and checked."""
        assets = Assets.of(root / "templates", PACKAGE_TEMPLATES)
        config = load_config(root, asset_exists=assets.has)
        return cls(
            root=root,
            config=config,
            leaflets_dir=root / "leaflets",
            locales_dir=root / "locales",
            output_dir=root / config.build.out,
            assets=assets,
        )

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project that holds ``start`` (default: the working folder): the nearest folder
        at or above it with a project file, else ``start`` itself."""
        here = Path.cwd() if start is None else start
        for folder in (here.resolve(), *here.resolve().parents):
            if _is_project_root(folder):
                return cls.load(_relative_to_cwd(folder))
        return cls.load(_relative_to_cwd(here.resolve()))

    def with_folders(
        self, *, leaflets_dir: Path | None = None, output_dir: Path | None = None
    ) -> Project:
        """The same project with a folder given on the command line."""
        return dataclasses.replace(
            self,
            leaflets_dir=leaflets_dir or self.leaflets_dir,
            output_dir=output_dir or self.output_dir,
        )

    @property
    def country(self) -> str | None:
        """The market the project's leaflets are for (``[market] country``)."""
        return self.config.market.country

    def for_country(self, country: str | None) -> Project:
        """The same project for another market (``--country``), checked as the setting is."""
        if country is None:
            return self
        from leafletgen.config import MarketSettings

        market = MarketSettings.model_validate({"country": country})
        return dataclasses.replace(self, config=self.config.model_copy(update={"market": market}))

    @property
    def extra_css(self) -> tuple[str, ...]:
        """The theme's stylesheets (``[theme] extra_css``), after every other layer."""
        return tuple(self.config.theme.extra_css)

    def resolve(self, path: Path) -> Path:
        """A path from the project's settings (a pharmacy profile), relative to its root."""
        return path if path.is_absolute() else self.root / path


def _is_project_root(folder: Path) -> bool:
    if (folder / CONFIG_FILE).is_file():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and "[tool.leafletgen]" in pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _relative_to_cwd(folder: Path) -> Path:
    # Messages name files as the user would type them: "leaflets/x.yaml", not /home/…; a
    # project above the working folder is named in full, never with "..".
    cwd = Path.cwd().resolve()
    if folder == cwd:
        return Path(".")
    return folder.relative_to(cwd) if folder.is_relative_to(cwd) else folder
