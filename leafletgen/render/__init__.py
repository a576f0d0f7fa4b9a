"""The output formats, registered: adding one is a module that defines ``FORMAT`` and one
line below. Nothing else in leafletgen lists the formats.

A format's module is imported the first time the format is asked for, not when the registry
is: a build of PDFs does not load the braille tables, the e-book or the audio code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

from leafletgen.render.format import Check, Document, Format, Output

_MODULES = {
    "pdf": "leafletgen.render.pdf",  # first: `--format all` builds the printable leaflet first
    "html": "leafletgen.render.html",
    "epi": "leafletgen.render.epi",  # FHIR R5 ePI document Bundle
    "brf": "leafletgen.render.braille",  # braille
    "epub": "leafletgen.render.epub",
    "audio": "leafletgen.render.audio",
}


class Registry(MutableMapping[str, Format]):
    """Formats by name, in the order listed, each loaded from its module when first used."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, Format] = {}

    def __getitem__(self, name: str) -> Format:
        if (loaded := self._loaded.get(name)) is None:
            module = importlib.import_module(self._modules[name])  # KeyError: no such format
            loaded = self._loaded[name] = module.FORMAT
        return loaded

    def __setitem__(self, name: str, fmt: Format) -> None:
        self._modules.setdefault(name, "")
        self._loaded[name] = fmt

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules


FORMATS = Registry(_MODULES)

__all__ = ["FORMATS", "Check", "Document", "Format", "Output", "Registry"]
