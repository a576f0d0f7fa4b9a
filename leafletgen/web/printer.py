"""One order to bytes, for the page and the API alike: a generic print is the published file
when the manifest says it is what a build would write today; anything else is rendered by a
warm renderer, in memory.

Also what else was built of a leaflet (braille, audio, EPUB…), read from the manifest.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

from leafletgen.counter import Pharmacy
from leafletgen.project import Project
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.inputs import InputHashes, Inputs, shared_inputs
from leafletgen.publish.manifest import Manifest
from leafletgen.publish.names import output_path, parse_output_name
from leafletgen.publish.plan import BuildRequest, Job
from leafletgen.render import FORMATS
from leafletgen.web.orders import PrintOrder
from leafletgen.web.pool import Job as RenderJob
from leafletgen.web.pool import RendererPool, RenderFailed

# The page offers these itself (Print, Web version); the others are listed as downloads.
OFFERED = ("pdf", "html")


class PrintError(Exception):
    """The engine refused the order (its message names why: 422), or no renderer could do
    it (503)."""

    def __init__(self, message: str, status: int = 422) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True, repr=False)
class Printed:
    data: bytes
    media_type: str
    name: str
    warnings: tuple[str, ...]
    published: bool  # the file of the output folder, not a fresh render

    def __repr__(self) -> str:
        return f"Printed({self.name}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class Built:
    """Another format of a leaflet in the output folder."""

    format: str
    key: str  # its name in the manifest: the path below the output folder
    current: bool  # what a build would write today


class Printer:
    def __init__(self, project: Project, pool: RendererPool, pharmacy: Pharmacy | None) -> None:
        self.project = project
        self.pool = pool
        self.pharmacy = pharmacy
        self._lock = threading.Lock()
        self._shared: tuple[object, Inputs] | None = None

    async def print(self, order: PrintOrder, fmt: str = "pdf") -> Printed:
        if order.generic:
            path = await asyncio.to_thread(self._published, order, fmt)
            if path is not None:
                name = path.name
                return Printed(path.read_bytes(), FORMATS[fmt].media_type, name, (), True)
        job = RenderJob(
            order.leaflet.id,
            order.language.code,
            order.variant,
            order.paper,
            fmt,
            patient=order.patient,
            note=order.note,
            printed_on=order.printed_on,
            schedule=order.schedule,
            counter=order.personal or order.print_date is not None or self.pharmacy is not None,
            # An incomplete translation is a draft: confirmed, its gaps print marked.
            allow_incomplete=order.confirm_draft,
        )
        try:
            result = await self.pool.render(job)
        except RenderFailed as failure:
            raise PrintError(f"{failure}: try again (a new one has started)", 503) from None
        if result.error is not None:
            raise PrintError(result.error)
        return Printed(result.data, result.media_type, result.name, result.warnings, False)

    def _published(self, order: PrintOrder, fmt: str) -> Path | None:
        path = self._path(order.leaflet.id, order.language.code, order.variant, order.paper, fmt)
        return path if self._is_current(Manifest(self.project.output_dir), path, order) else None

    def built(self, order: PrintOrder) -> list[Built]:
        """The leaflet's other formats in this language, variant and paper, that were built."""
        manifest = Manifest(self.project.output_dir)
        found = []
        for fmt in FORMATS:
            if fmt in OFFERED:
                continue
            path = self._path(
                order.leaflet.id, order.language.code, order.variant, order.paper, fmt
            )
            if manifest.entry(path) is not None and path.is_file():
                key = path.relative_to(self.project.output_dir).as_posix()
                found.append(Built(fmt, key, self._is_current(manifest, path, order)))
        return found

    def built_file(self, key: str) -> tuple[Path, str] | None:
        """A file the manifest lists, by its key, with its media type; None for anything else."""
        manifest = Manifest(self.project.output_dir)
        entry = manifest.entries.get(key)
        if entry is None or entry.get("format") not in FORMATS:
            return None
        path = self.project.output_dir / key
        return (path, FORMATS[entry["format"]].media_type) if path.is_file() else None

    def _path(self, leaflet: str, language: str, variant: str, paper: str, fmt: str) -> Path:
        return output_path(self.project.output_dir, leaflet, language, variant, paper, fmt)

    def _is_current(self, manifest: Manifest, path: Path, order: PrintOrder) -> bool:
        listed = order.leaflet
        # What a build of this output would record today; the publication carries the
        # pharmacy exactly when the counter would print it (a --branded build).
        key = path.relative_to(self.project.output_dir).as_posix()
        fmt = parse_output_name(path).format
        # The HTML twin's links are those of the build that made it: taken as recorded.
        recorded = (manifest.entries.get(key) or {}).get("inputs") or {}
        linked = tuple(str(recorded.get("companions") or "").split(","))
        request = BuildRequest(
            leaflets=(listed.id,),
            paper=order.paper,
            branded=self.pharmacy,
            formats=(fmt, *linked),
        )
        job = Job(
            listed.source,
            listed.id,
            listed.version,
            listed.source_language,
            order.language.code,
            order.variant,
        )
        # Hashed afresh for each print (a publication that is not current is never served);
        # only the fonts' and package's shared inputs are kept between prints.
        inputs = InputHashes(self.project, request, shared=self._inputs(request)).of(job, fmt)
        return manifest.is_current(key, inputs, BuildCache())

    def _inputs(self, request: BuildRequest) -> Inputs:
        # Hashing every template and font takes longer than serving the file: done again
        # only when one of them changes.
        stamp = tuple(
            (name, path.stat().st_mtime_ns, path.stat().st_size)
            for name, path in self.project.assets.files().items()
        )
        with self._lock:
            if self._shared is None or self._shared[0] != stamp:
                self._shared = (stamp, shared_inputs(self.project, request))
            return self._shared[1]
