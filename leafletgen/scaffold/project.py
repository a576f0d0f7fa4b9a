"""`leaflet init [DIR]`: a new leaflet project, from the files in new-project/ beside this module.

The project gets its settings (every one commented out with its default), the sample leaflet,
empty ``locales/`` and ``templates/`` folders, a ``.gitignore``, a ``babel.cfg`` for plain
pybabel and a README. Nothing that is already there is ever replaced: a folder that already
is a project is refused with nothing written, and in any other folder each file that exists
is kept as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from leafletgen.config import CONFIG_FILE
from leafletgen.errors import LeafletError
from leafletgen.files import write_new
from leafletgen.shipped import SAMPLE_LEAFLET, sample_leaflet

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "new-project"  # beside this module: the files of a new project

# Put above the shipped seed leaflet's own comments; its text is left exactly as it is.
SAMPLE_HEADER = """\
# SAMPLE LEAFLET, written by `leaflet init` to show the format: replace it with your own.
# Its text comes from the published article cited under `source:` and has had no clinical
# review: do not hand it to patients. Every field is described in `leaflet docs
# leaflet-format`. (The notes below were written in leafletgen's own repository; the docs/
# and shared/ folders they name are there, not in this project.)
#
"""


@dataclass(frozen=True)
class ProjectFile:
    """One file of a new project."""

    name: str  # relative to the project root, with /
    what: str  # one line for the report of `leaflet init`
    data: bytes


@dataclass(frozen=True)
class NewProject:
    """What `leaflet init` did: the files it wrote, and those it found already there."""

    root: Path
    created: tuple[ProjectFile, ...]
    kept: tuple[ProjectFile, ...]


def project_files() -> tuple[ProjectFile, ...]:
    """The files of a new project, in the order they are written: leaflet.toml last, so that
    an init that fails part of the way (a full disk) can be run again."""
    return (
        ProjectFile(
            "README.md", "what each folder is, and the first commands", _template("README.md")
        ),
        ProjectFile(
            f"leaflets/{SAMPLE_LEAFLET}",
            "a sample leaflet, to show the format (not for patients)",
            SAMPLE_HEADER.encode("utf-8") + sample_leaflet().read_bytes(),
        ),
        ProjectFile("locales/.gitkeep", "translations go here (empty)", b""),
        ProjectFile(
            "templates/README.md",
            "template overrides go here (empty)",
            _template("templates/README.md"),
        ),
        ProjectFile(".gitignore", "keeps output/ out of git", _template("gitignore")),
        ProjectFile(
            "babel.cfg", "only for plain pybabel; `leaflet i18n` needs none", _template("babel.cfg")
        ),
        ProjectFile(
            CONFIG_FILE, "settings, each commented out with its default", _template(CONFIG_FILE)
        ),
    )


def init_project(root: Path) -> NewProject:
    """Make ``root`` (created if missing) a leaflet project; never replace anything in it."""
    _refuse_a_project(root)
    planned = project_files()
    for folder in sorted({root.joinpath(*Path(f.name).parts[:-1]) for f in planned} - {root}):
        if folder.exists() and not folder.is_dir():
            raise LeafletError(f"{folder}: exists and is not a folder; nothing written")
    created: list[ProjectFile] = []
    kept: list[ProjectFile] = []
    for item in planned:
        path = root / item.name
        written = write_new(path, item.data)
        (created if written else kept).append(item)
        logger.debug("%s: %s", path, "written" if written else "already there, kept")
    return NewProject(root, tuple(created), tuple(kept))


def _refuse_a_project(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise LeafletError(f"{root}: exists and is not a folder; nothing written")
    config = root / CONFIG_FILE
    if config.exists() or config.is_symlink():
        raise LeafletError(
            f"{config}: already exists: {root} is a leaflet project; nothing written"
        )
    pyproject = root / "pyproject.toml"
    try:
        settings = pyproject.is_file() and "[tool.leafletgen]" in pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        settings = False
    if settings:
        raise LeafletError(
            f"{pyproject}: holds [tool.leafletgen]: {root} is a leaflet project; nothing written"
        )


def _template(name: str) -> bytes:
    return (files("leafletgen") / "scaffold" / TEMPLATE_DIR / name).read_bytes()
