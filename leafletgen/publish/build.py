"""Publish a batch: plan → render (here or in workers) → commit each job → index.html.

One job is one leaflet in one language and variant (every requested format), rendered in
memory by the engine. A failed job never stops the others. Only the main process writes: a
job's files and their manifest entries in one step (``commit``), so that whatever stops the
batch the manifest lists exactly the complete files on disk. Other builds may write into the
same folder at once: every commit, and index.html, reads the manifest afresh under the
folder's lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from leafletgen.errors import LeafletError, OutputError
from leafletgen.files import check_output_folder
from leafletgen.project import Project
from leafletgen.publish.cache import BuildCache
from leafletgen.publish.commit import commit
from leafletgen.publish.index import write_index
from leafletgen.publish.inputs import InputHashes, Inputs
from leafletgen.publish.jobs import BuiltFile, JobOutput, run_job
from leafletgen.publish.manifest import JOURNAL, Manifest, compact, locked
from leafletgen.publish.plan import BuildRequest, Failure, Job, keys, paths, plan


@dataclass(frozen=True)
class JobResult:
    job: Job
    built: tuple[BuiltFile, ...] = ()
    failure: Failure | None = None
    skipped: bool = False


@dataclass
class BuildReport:
    built: list[BuiltFile] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)  # the batch's own
    seconds: float = 0.0

    def output_warnings(self) -> list[tuple[str, list[Path]]]:
        """What the engine warned about the outputs built (rendered here or in a worker),
        each warning once with the outputs it concerns, in the order first seen."""
        grouped: dict[str, list[Path]] = {}
        for built in self.built:
            for warning in built.warnings:
                grouped.setdefault(warning, []).append(built.path)
        return list(grouped.items())


class Progress(Protocol):
    """Told the size of the batch once, then every finished job (built, skipped or failed)."""

    def start(self, total: int) -> None: ...

    def update(self, result: JobResult) -> None: ...


def build(project: Project, request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Build every job of the request into the project's output folder; skip what the
    manifest says is current."""
    started = time.perf_counter()
    out_dir = project.output_dir
    check_output_folder(out_dir)
    cache = BuildCache.load(out_dir, trusted=not request.verify)
    jobs, failures = plan(project, request, cache)
    report = BuildReport(failed=failures)
    if progress is not None:
        progress.start(len(jobs))
    todo = _stale(project, request, jobs, cache, report, progress)
    del jobs  # a catalogue's plan: only what is to be built is kept

    def finished(output: JobOutput, inputs: dict[str, Inputs]) -> None:
        entries = [
            _entry(output.job, request, built, inputs[built.format]) for built, _ in output.files
        ]
        written = [
            path
            for fmt, path in zip(request.formats, paths(project, output.job, request), strict=True)
            if fmt in inputs
        ]
        built, failure = commit(output, written, out_dir, entries, cache)
        report.built.extend(built)
        if failure:
            report.failed.append(failure)
        _tell(progress, JobResult(output.job, built, failure))

    try:
        if request.jobs > 1 and len(todo) > 1:
            from leafletgen.publish.workers import run_in_workers  # the pool: not for one job

            report.warnings.extend(run_in_workers(project, todo, request, finished))
        else:
            for job, inputs in todo:
                finished(run_job(project, job, request, tuple(inputs)), inputs)
    finally:
        _finish(project, request, report, out_dir, wrote=bool(todo), cache=cache)
        report.seconds = time.perf_counter() - started
    return report


def _stale(
    project: Project,
    request: BuildRequest,
    jobs: list[Job],
    cache: BuildCache,
    report: BuildReport,
    progress: Progress | None,
) -> list[tuple[Job, dict[str, Inputs]]]:
    """The jobs to build, each with the inputs of its formats that are not current (a new
    liblouis rebuilds the braille, not the PDF beside it); the others are told as up to
    date. The manifest is read here and let go before anything is built (the batch's end
    reads it afresh)."""
    manifest = Manifest(project.output_dir)
    hashes = InputHashes(project, request)
    todo = []
    for job in jobs:
        stale = {}
        for fmt, key in zip(request.formats, keys(job, request), strict=True):
            inputs = hashes.of(job, fmt)
            if request.force or not manifest.is_current(key, inputs, cache):
                stale[fmt] = inputs
        if stale:
            todo.append((job, stale))
        else:
            report.skipped += 1
            _tell(progress, JobResult(job, skipped=True))
    return todo


def _finish(
    project: Project,
    request: BuildRequest,
    report: BuildReport,
    out_dir: Path,
    *,
    wrote: bool,
    cache: BuildCache,
) -> None:
    """Fold the journal into manifest.json, write index.html from it, keep the caches: once
    per batch, under the folder's lock (also after a failure or a signal: what was committed
    is listed)."""
    if not wrote and not cache.changed:
        return  # a no-op, or sources that failed to load, leave it be
    try:
        with locked(out_dir):
            cache.save()
            if not wrote:
                return
            manifest = compact(out_dir)
            try:
                write_index(project, manifest, wrote_html="html" in request.formats)
            # Not written, or a theme's stylesheet it cannot carry: the leaflets are built,
            # and the batch says what went wrong with the index beside their failures.
            except LeafletError as error:
                report.failed.append(Failure("index.html", error.format_message()))
            if "audio" in request.formats:
                from leafletgen.publish.playlist import write_playlists  # the audio code

                write_playlists(manifest)
    except OutputError as error:  # the journal holds what was built; the next build folds it
        report.warnings.append(
            f"{error.format_message()} (what was built is listed in {JOURNAL}, which readers "
            "of the manifest read too; the next build folds it in)"
        )


def _tell(progress: Progress | None, result: JobResult) -> None:
    if progress is not None:
        progress.update(result)


def _entry(job: Job, request: BuildRequest, built: BuiltFile, inputs: Inputs) -> dict[str, object]:
    return {
        "leaflet": job.leaflet_id,
        "version": job.version,
        "language": job.language,
        "variant": job.variant,
        "paper": request.paper,
        "format": built.format,
        "pages": built.pages,
        "title": built.title,
        "size": built.size,
        "translation": built.translation,
        "sha256": built.sha256,
        "check": built.verdict,  # the format's own check, as it passed: "EPUB 3 pass (…)"
        "inputs": inputs,
    }
