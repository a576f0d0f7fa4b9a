"""The engine's one entry: plan the matrix, then per output set load → localize → render HTML →
render PDF → check → write, recording each result in the manifest.

One job is one leaflet in one language and one variant (all requested formats). Jobs render
in this process or in worker processes (``jobs > 1``); a failed job never stops the others.
Only this process writes: a job's files and their manifest entries in one step, so that
whatever stops the batch (a full disk, Ctrl-C, a killed worker) the manifest lists exactly the
complete files on disk.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Literal, Protocol

from leafletgen import __version__
from leafletgen.assets import FONTS_DIR, LOCALES_DIR, TEMPLATES_DIR
from leafletgen.counter import PrintDetails
from leafletgen.errors import LeafletError, OutputError, RenderError, TranslationError
from leafletgen.html import Paper, render_html
from leafletgen.i18n import catalog_path, localize, translate_leaflet
from leafletgen.index import write_index
from leafletgen.manifest import Manifest, file_hash, tree_hash, value_hash
from leafletgen.output import check_output_folder, discard, is_inside, output_path, write_atomic
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
class Rendered:
    """A job's files, rendered in memory and not yet written, or why the job failed."""

    job: Job
    files: tuple[tuple[BuiltFile, bytes], ...] = ()
    failure: Failure | None = None


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
    warnings: list[str] = field(default_factory=list)
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

    def finished(rendered: Rendered, inputs: dict[str, str]) -> None:
        result = _commit(rendered, request, manifest, inputs)
        report.built.extend(result.built)
        if result.failure:
            report.failed.append(result.failure)
        _tell(progress, result)

    try:
        if request.jobs > 1 and len(todo) > 1:
            report.warnings.extend(_run_in_workers(todo, request, finished))
        else:
            for job, inputs in todo:
                finished(run_job(job, request), inputs)
        if manifest is not None and todo:  # a no-op, or sources that failed to load, leave it be
            try:
                write_index(manifest, wrote_html="html" in request.formats)
            except OutputError as error:
                report.failed.append(Failure("index.html", error.format_message()))
    finally:
        report.seconds = time.perf_counter() - started
    return report


def _tell(progress: Progress | None, result: JobResult) -> None:
    if progress is not None:
        progress.update(result)


def _commit(
    rendered: Rendered, request: BuildRequest, manifest: Manifest | None, inputs: dict[str, str]
) -> JobResult:
    """Write a job's files and record them in the manifest: the manifest never lists a file
    that is not on disk as recorded, and a file it cannot list is taken back."""
    job = rendered.job
    with _signals_held():
        try:
            # What the manifest says about these files stops being true before they change.
            if manifest is not None and manifest.forget(_paths(job, request)):
                manifest.save()
        except OutputError as error:
            # Nothing was written, so the manifest on disk still matches the files.
            return JobResult(job, failure=rendered.failure or _not_written(job, error))
        if rendered.failure is not None:
            return JobResult(job, failure=rendered.failure)
        try:
            _write_files(rendered.files, request.out_dir)
        except OutputError as error:
            return JobResult(job, failure=Failure(job.name, error.format_message()))
        if manifest is not None:
            for built, _ in rendered.files:
                manifest.record(built.path, _entry(job, request, built, inputs))
            try:
                manifest.save()
            except OutputError as error:
                manifest.forget(built.path for built, _ in rendered.files)
                for built, _ in rendered.files:
                    discard(built.path)
                return JobResult(job, failure=_not_written(job, error))
    return JobResult(job, built=tuple(built for built, _ in rendered.files))


def _write_files(files: tuple[tuple[BuiltFile, bytes], ...], out_dir: Path) -> None:
    """Write every format of a job, or none: a failed job leaves nothing half-done."""
    for built, _ in files:
        if not is_inside(built.path, out_dir):  # a planted symbolic link
            raise OutputError(
                f"{built.path}: refused: a symbolic link leads outside the output folder "
                f"'{out_dir}'"
            )
    written: list[Path] = []
    try:
        for built, data in files:
            write_atomic(built.path, data)
            written.append(built.path)
    except OutputError:
        for path in written:
            discard(path)
        raise


def _not_written(job: Job, error: OutputError) -> Failure:
    return Failure(job.name, f"{job.name}: not written: {error.format_message()}")


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C or SIGTERM waits until the files and the manifest entries are both written."""
    # Python runs signal handlers in the main thread only (whichever thread the kernel picks,
    # so blocking the signals in this thread would not do): another thread is never stopped.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous = {
        signum: signal.signal(signum, lambda *received: caught.append(received))
        for signum in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(signum) is not None  # a handler from outside Python: left alone
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum, frame in caught:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


Queue = deque[tuple[Job, dict[str, str]]]
WORKER_STOPPED = "a worker process stopped unexpectedly while building"


def _run_in_workers(
    todo: list[tuple[Job, dict[str, str]]],
    request: BuildRequest,
    finished: Callable[[Rendered, dict[str, str]], None],
) -> list[str]:
    """Run the jobs in worker processes; return the warnings for the report.

    A worker that dies (killed, out of memory, a crash in a native library) breaks its pool:
    the jobs that were in it are tried once more in a new pool, and fail if that breaks too.
    """
    queue: Queue = deque(todo)
    tries: Counter[Job] = Counter()
    warnings = []
    while queue:
        retry = []
        for job, inputs in _run_pool(queue, request, finished):
            tries[job] += 1
            if tries[job] == 1:
                retry.append((job, inputs))
            else:
                failure = Failure(job.name, f"{job.name}: {WORKER_STOPPED} it, twice")
                finished(Rendered(job, failure=failure), inputs)
        if retry:
            names = ", ".join(job.name for job, _ in retry)
            warnings.append(f"{WORKER_STOPPED} {names}: tried again in a new worker")
            queue.extendleft(reversed(retry))
    return warnings


def _run_pool(
    queue: Queue, request: BuildRequest, finished: Callable[[Rendered, dict[str, str]], None]
) -> list[tuple[Job, dict[str, str]]]:
    """Run jobs from the queue in one pool until the queue is empty or a worker dies; return
    the jobs the pool lost."""
    # Spawned, not forked: a fork of a process that already runs Pango and fontconfig can
    # inherit a held lock and hang.
    context = multiprocessing.get_context("spawn")
    size = min(request.jobs, len(queue))
    with ProcessPoolExecutor(
        max_workers=size, mp_context=context, initializer=_start_worker
    ) as pool:
        running: dict[Future[Rendered], tuple[Job, dict[str, str]]] = {}
        try:
            while queue or running:
                # No more jobs in the pool than workers: a worker that dies takes few with it.
                while queue and len(running) < size:
                    job, inputs = queue[0]
                    try:
                        future = pool.submit(run_job, job, request)
                    except BrokenProcessPool:
                        # Broke since the last wait, which tells the rest. Not the first
                        # submit: that starts the workers, so something is running.
                        break
                    running[future] = queue.popleft()
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                if any(_broke(future) for future in done):
                    done, _ = wait(running)  # a broken pool fails every job in it at once
                lost = []
                for future in done:
                    job, inputs = running.pop(future)
                    if _broke(future):
                        lost.append((job, inputs))
                    else:
                        finished(future.result(), inputs)
                if lost:
                    return lost
        except BaseException:
            # Interrupted: nothing new starts, and the jobs in progress end with the pool.
            # They wrote nothing (only this process writes), so they leave nothing behind.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return []


def _broke(future: Future[Rendered]) -> bool:
    return isinstance(future.exception(), BrokenProcessPool)


def _start_worker() -> None:
    # Ctrl-C on a terminal reaches every process of the group: the main process alone decides
    # how the batch stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Each worker imports WeasyPrint (and with it the font set-up) once, not once per leaflet.
    import leafletgen.check
    import leafletgen.pdf  # noqa: F401


def run_job(job: Job, request: BuildRequest) -> Rendered:
    """Render one job; a user-facing error becomes a Failure, never an exception."""
    try:
        return Rendered(job, files=tuple(_render_job(job, request)))
    except LeafletError as error:
        logger.debug("%s failed", job.name, exc_info=True)
        return Rendered(job, failure=Failure(job.name, error.format_message()))


def _render_job(job: Job, request: BuildRequest) -> list[tuple[BuiltFile, bytes]]:
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
    return rendered


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
