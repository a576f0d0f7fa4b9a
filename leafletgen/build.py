"""The engine's one entry: plan the matrix, then per output set load → localize → render HTML →
render PDF → check → write, recording each result in the manifest.

One job is one leaflet in one language and one variant (all requested formats). Jobs run in
this process or in worker processes (``jobs > 1``); a failed job never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from leafletgen import __version__
from leafletgen.assets import FONTS_DIR, LOCALES_DIR, TEMPLATES_DIR
from leafletgen.counter import PrintDetails
from leafletgen.errors import LeafletError, OutputError, RenderError, TranslationError
from leafletgen.html import Paper, render_html
from leafletgen.i18n import catalog_path, localize, translate_leaflet
from leafletgen.index import write_index
from leafletgen.manifest import Manifest, file_hash, tree_hash, value_hash
from leafletgen.output import check_output_folder, is_inside, output_path, write_atomic
from leafletgen.source import find_source, is_source_file, load_leaflet
from leafletgen.variants import VARIANTS, edition

logger = logging.getLogger(__name__)

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")
ALL = "all"


@dataclass(frozen=True)
class BuildRequest:
    leaflets: tuple[
        str, ...
    ]  # source paths or ids of leaflets in leaflets_dir; ("all",): every one
    leaflets_dir: Path = Path("leaflets")
    locales_dir: Path = LOCALES_DIR
    out_dir: Path = Path("output")
    paper: Paper = "a4"
    variants: tuple[str, ...] = ("standard",)  # names from VARIANTS, or ("all",)
    languages: tuple[str, ...] = ()  # empty: each leaflet's own language; ("all",): every catalog
    allow_incomplete: bool = False  # print untranslated passages in the source language
    formats: tuple[Format, ...] = ("pdf",)
    jobs: int = 1  # worker processes
    force: bool = False  # rebuild outputs the manifest says are current
    shard: tuple[int, int] = (1, 1)  # build the K-th of N deterministic slices of the matrix
    counter: PrintDetails | None = None  # a counter print: personal, never in the manifest


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    format: Format
    seconds: float
    sha256: str
    pages: int | None = None  # PDF only
    verdict: str | None = None  # PDF only: the validator's verdict
    title: str = ""  # the edition's title in its language, for index.html


@dataclass(frozen=True)
class Failure:
    leaflet: str
    message: str


@dataclass(frozen=True)
class Job:
    """One leaflet in one language and variant."""

    source: Path
    leaflet_id: str
    version: str
    source_language: str
    language: str
    variant: str

    @property
    def name(self) -> str:
        return f"{self.leaflet_id} ({self.language}, {self.variant})"


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
    seconds: float = 0.0


class Progress(Protocol):
    """Told the size of the batch once, then every finished job (built, skipped or failed)."""

    def start(self, total: int) -> None: ...

    def update(self, result: JobResult) -> None: ...


def plan(request: BuildRequest) -> tuple[list[Job], list[Failure]]:
    """Every job the request asks for, in a stable order, and the sources that failed to load."""
    references = request.leaflets
    if references == (ALL,):
        references = tuple(
            str(p) for p in sorted(request.leaflets_dir.iterdir()) if is_source_file(p)
        )
    variants = tuple(VARIANTS) if request.variants == (ALL,) else request.variants
    jobs, failures = [], []
    for reference in references:
        try:
            path = find_source(reference, request.leaflets_dir)
            leaflet = load_leaflet(path)
        except LeafletError as error:
            failures.append(Failure(reference, error.format_message()))
            continue
        for language in _languages(request, leaflet.language):
            for variant in variants:
                jobs.append(
                    Job(path, leaflet.id, leaflet.version, leaflet.language, language, variant)
                )
    jobs.sort(key=lambda j: (j.leaflet_id, j.language, j.variant))
    index, count = request.shard
    return [job for n, job in enumerate(jobs) if n % count == index - 1], failures


def _languages(request: BuildRequest, source_language: str) -> tuple[str, ...]:
    if not request.languages:
        return (source_language,)
    if request.languages == (ALL,):
        translated = sorted(
            p.parent.parent.name.replace("_", "-")
            for p in request.locales_dir.glob("*/LC_MESSAGES/*.po")
        )
        return (source_language, *(t for t in translated if t != source_language))
    return request.languages


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    """Build every job of the request; skip what the manifest says is current."""
    started = time.perf_counter()
    check_output_folder(request.out_dir)
    jobs, failures = plan(request)
    report = BuildReport(failed=failures)
    # Counter prints carry personal details: they are never recorded.
    manifest = Manifest(request.out_dir) if request.counter is None else None
    shared = _shared_inputs(request)
    if progress is not None:
        progress.start(len(jobs))
    todo = []
    for job in jobs:
        inputs = _inputs(job, request, shared)
        if (
            manifest is not None
            and not request.force
            and all(manifest.is_current(p, inputs) for p in _paths(job, request))
        ):
            report.skipped += 1
            _tell(progress, JobResult(job, skipped=True))
        else:
            todo.append((job, inputs))

    def finished(result: JobResult, inputs: dict[str, str]) -> None:
        report.built.extend(result.built)
        if result.failure:
            report.failed.append(result.failure)
        if manifest is not None:
            for path in _paths(result.job, request):
                manifest.forget(path)
            for built in result.built:
                manifest.record(built.path, _entry(result.job, request, built, inputs))
            manifest.save()
        _tell(progress, result)

    try:
        if request.jobs > 1 and len(todo) > 1:
            _run_in_workers(todo, request, finished)
        else:
            for job, inputs in todo:
                finished(run_job(job, request), inputs)
        if manifest is not None and todo:  # a no-op, or sources that failed to load, leave it be
            write_index(manifest, wrote_html="html" in request.formats)
    finally:
        report.seconds = time.perf_counter() - started
    return report


def _tell(progress: Progress | None, result: JobResult) -> None:
    if progress is not None:
        progress.update(result)


def _run_in_workers(
    todo: list[tuple[Job, dict[str, str]]],
    request: BuildRequest,
    finished: Callable[[JobResult, dict[str, str]], None],
) -> None:
    # Spawned, not forked: a fork of a process that already runs Pango and fontconfig can
    # inherit a held lock and hang.
    context = multiprocessing.get_context("spawn")
    workers = min(request.jobs, len(todo))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up) as pool:
        pending: dict[Future[JobResult], dict[str, str]] = {
            pool.submit(run_job, job, request): inputs for job, inputs in todo
        }
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    inputs = pending.pop(future)
                    finished(future.result(), inputs)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _warm_up() -> None:
    # Each worker imports WeasyPrint (and with it the font set-up) once, not once per leaflet.
    import leafletgen.check
    import leafletgen.pdf  # noqa: F401


def run_job(job: Job, request: BuildRequest) -> JobResult:
    """Build one job; a user-facing error becomes a Failure, never an exception."""
    try:
        return JobResult(job, built=tuple(_build_job(job, request)))
    except LeafletError as error:
        logger.debug("%s failed", job.name, exc_info=True)
        return JobResult(job, failure=Failure(job.name, error.format_message()))


def _build_job(job: Job, request: BuildRequest) -> list[BuiltFile]:
    source = load_leaflet(job.source)
    # A fresh localization per job: its record of translation gaps belongs to this output.
    l10n = localize(job.language, request.locales_dir, source_language=source.language)
    text = edition(translate_leaflet(source, l10n), VARIANTS[job.variant])
    counter = request.counter
    logo = counter.pharmacy.logo_path if counter and counter.pharmacy else None
    rendered: list[tuple[BuiltFile, bytes]] = []
    for fmt, path in zip(request.formats, _paths(job, request), strict=True):
        started = time.perf_counter()
        html = render_html(
            text, l10n, paper=request.paper, standalone=fmt == "html", counter=counter
        )
        if l10n.gaps and not request.allow_incomplete:
            raise TranslationError(l10n.gaps)
        if fmt == "html":
            data, pages, verdict = html.html.encode("utf-8"), None, None
        else:
            from leafletgen.check import check_pdfua
            from leafletgen.pdf import render_pdf  # WeasyPrint is slow to import: only when needed

            pdf = render_pdf(html.html, name=path.name, extra_files=(logo,) if logo else ())
            result = check_pdfua(pdf.data)
            if not result.compliant:
                raise RenderError(
                    f"{path.name}: fails {result.profile}: " + "; ".join(result.failures)
                )
            data, pages, verdict = pdf.data, pdf.pages, str(result)
        digest = hashlib.sha256(data).hexdigest()
        seconds = time.perf_counter() - started
        built = BuiltFile(path, fmt, seconds, digest, pages, verdict, text.title)
        rendered.append((built, data))
    # Written only once every format rendered: a failed job leaves nothing half-done.
    for built, _ in rendered:
        if not is_inside(built.path, request.out_dir):  # a planted symbolic link
            raise OutputError(
                f"{built.path}: refused: a symbolic link leads outside the output folder "
                f"'{request.out_dir}'"
            )
    for built, data in rendered:
        write_atomic(built.path, data)
    return [built for built, _ in rendered]


def outputs(request: BuildRequest) -> list[Path]:
    """The files the request builds (or finds up to date), in the order of the plan."""
    return [path for job in plan(request)[0] for path in _paths(job, request)]


def _paths(job: Job, request: BuildRequest) -> list[Path]:
    return [
        output_path(request.out_dir, job.leaflet_id, job.language, job.variant, request.paper, fmt)
        for fmt in request.formats
    ]


def _shared_inputs(request: BuildRequest) -> dict[str, str]:
    return {
        "templates": tree_hash(TEMPLATES_DIR, exclude=FONTS_DIR),
        "fonts": tree_hash(FONTS_DIR),
        "leafletgen": __version__,
    }


def _inputs(job: Job, request: BuildRequest, shared: dict[str, str]) -> dict[str, str]:
    catalog = catalog_path(request.locales_dir, job.language)
    translated = job.language != job.source_language and catalog.is_file()
    options = {"paper": request.paper, "allow_incomplete": request.allow_incomplete}
    return {
        "source": file_hash(job.source),
        "catalog": file_hash(catalog) if translated else "",
        **shared,
        "options": value_hash(options),
    }


def _entry(
    job: Job, request: BuildRequest, built: BuiltFile, inputs: dict[str, str]
) -> dict[str, object]:
    return {
        "leaflet": job.leaflet_id,
        "version": job.version,
        "language": job.language,
        "variant": job.variant,
        "paper": request.paper,
        "format": built.format,
        "pages": built.pages,
        "title": built.title,
        "sha256": built.sha256,
        "inputs": inputs,
    }


def default_jobs() -> int:
    return os.cpu_count() or 1
