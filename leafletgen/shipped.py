"""What leafletgen ships besides its code: the user documentation and the sample leaflet.

A checkout keeps them at the top level (``docs/``, ``leaflets/``), where contributors edit
them; a wheel carries the same files inside the package (``leafletgen/docs/``,
``leafletgen/samples/``: pyproject.toml's force-include), so an installed ``leaflet`` has them
too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leafletgen.errors import LeafletError

_PACKAGE = Path(__file__).resolve().parent

SAMPLE_LEAFLET = "clonazepam-emotional-effects.yaml"


def _shipped(installed: str, checkout: str) -> Path:
    # The package's own copy first: a site-packages folder may hold another project's docs/.
    for candidate in (_PACKAGE / installed, _PACKAGE.parent / checkout):
        if candidate.exists():
            return candidate
    raise LeafletError(f"leafletgen is installed without its {installed} (reinstall it)")


def docs_dir() -> Path:
    """The folder of the user documentation, one Markdown file per topic."""
    return _shipped("docs", "docs")


def sample_leaflet() -> Path:
    """The sample leaflet that ``leaflet init`` copies into a new project."""
    return _shipped(f"samples/{SAMPLE_LEAFLET}", f"leaflets/{SAMPLE_LEAFLET}")


@dataclass(frozen=True)
class Topic:
    """One page of the documentation: ``leaflet docs NAME``."""

    name: str  # the file name without .md
    title: str  # its first heading
    path: Path


def doc_topics() -> tuple[Topic, ...]:
    """Every page of the documentation, by name."""
    return tuple(_topic(path) for path in sorted(docs_dir().glob("*.md")) if path.is_file())


def doc_topic(name: str) -> Topic:
    """The page called ``name`` (``leaflet-format``, or ``leaflet-format.md``)."""
    wanted = name.removesuffix(".md")
    for topic in doc_topics():
        if topic.name == wanted:
            return topic
    raise LookupError(name)


def _topic(path: Path) -> Topic:
    with path.open(encoding="utf-8") as handle:
        title = next((line[2:].strip() for line in handle if line.startswith("# ")), path.stem)
    return Topic(path.stem, title, path)
