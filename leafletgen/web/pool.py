"""Warm renderer processes: N children that have imported WeasyPrint, loaded the fonts and
rendered one print before the server takes its first request, so the first customer of the
day waits no longer than the next one.

Each child is a plain process on a pipe (one job at a time), started with ``spawn`` so it
inherits nothing of the server's event loop or sockets. A print's details cross the pipe in
memory; the child renders them with the engine and sends the bytes back; nothing is written.
A child that dies or hangs is replaced; the print it had fails with a clear message.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from leafletgen.counter import Schedule
from leafletgen.project import Project

logger = logging.getLogger(__name__)

START_SECONDS = 120  # importing WeasyPrint and a first render, on a busy machine
RENDER_SECONDS = 60  # a print that takes longer is a hung renderer: it is replaced


@dataclass(frozen=True)
class Job:
    """What a child renders: an engine request, with the print's details as plain values."""

    leaflet: str
    language: str
    variant: str
    paper: str
    format: str
    patient: str | None = None
    note: str | None = None
    printed_on: date | None = None
    schedule: Schedule | None = None
    counter: bool = True  # with the pharmacy's profile (and these details)
    allow_incomplete: bool = False

    def __repr__(self) -> str:  # a job holds a patient's name
        return f"Job({self.leaflet}, {self.language}, {self.variant}, {self.format})"


@dataclass(frozen=True)
class Result:
    data: bytes = b""
    media_type: str = ""
    name: str = ""
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None  # the engine's message for a user's mistake

    def __repr__(self) -> str:
        return f"Result({self.name}, {len(self.data)} bytes, error={self.error!r})"


class RenderFailed(Exception):
    """The renderer process died or hung: nothing to do with what was typed."""


def _child(connection: Connection, project: Project, warm: Job | None) -> None:
    # The server stops its children by closing their pipes; a Ctrl-C sent to the whole
    # process group must not print a traceback from each of them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.disable(logging.CRITICAL)  # a library's debug line could quote a page's text
    from leafletgen.counter import configured_pharmacy

    pharmacy = configured_pharmacy(project)
    if warm is not None:
        _run(project, pharmacy, warm)
    connection.send("ready")
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_run(project, pharmacy, job))


def _run(project: Project, pharmacy: object, job: Job) -> Result:
    from leafletgen.counter import Pharmacy, PrintDetails
    from leafletgen.engine import Request, render
    from leafletgen.errors import LeafletError

    details = None
    if job.counter:
        assert pharmacy is None or isinstance(pharmacy, Pharmacy)
        details = PrintDetails(pharmacy, job.patient, job.note, job.printed_on, job.schedule)
    request = Request(
        job.leaflet,
        job.language,
        job.variant,
        job.paper,
        job.format,
        counter=details,
        allow_incomplete=job.allow_incomplete,
    )
    try:
        rendered = render(project, request)
    except LeafletError as error:
        return Result(error=error.format_message())
    except Exception as error:  # a bug: its message could quote the page, so only its kind
        return Result(
            error=f"the renderer failed ({type(error).__name__}); see `leaflet build --debug`"
        )
    return Result(
        rendered.data, rendered.media_type, rendered.name, rendered.pages, rendered.warnings
    )


class _Worker:
    def __init__(self, project: Project, warm: Job | None) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_child, args=(child_end, project, warm), daemon=True, name="leaflet-renderer"
        )
        self.process.start()
        child_end.close()

    def wait_ready(self) -> None:
        if not self.connection.poll(START_SECONDS) or self.connection.recv() != "ready":
            raise RenderFailed("a renderer did not start")

    def call(self, job: Job) -> Result:
        try:
            self.connection.send(job)
            if not self.connection.poll(RENDER_SECONDS):
                raise RenderFailed(f"the renderer took longer than {RENDER_SECONDS} s")
            result = self.connection.recv()
        except (EOFError, OSError):
            raise RenderFailed("the renderer stopped") from None
        assert isinstance(result, Result)
        return result

    def stop(self) -> None:
        self.connection.close()  # the child's recv() ends, and so does the child
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class RendererPool:
    """``size`` warm renderers; ``render`` waits for an idle one."""

    def __init__(self, project: Project, size: int, warm: Job | None = None) -> None:
        self.project = project
        self.size = size
        self.warm = warm
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()

    async def start(self) -> None:
        self._workers = [_Worker(self.project, self.warm) for _ in range(self.size)]
        try:
            await asyncio.gather(*(asyncio.to_thread(w.wait_ready) for w in self._workers))
        except BaseException:
            await self.close()
            raise
        for worker in self._workers:
            self._idle.put_nowait(worker)

    async def render(self, job: Job) -> Result:
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        # The worker goes back to the queue from the thread, when its answer is in: a request
        # cancelled meanwhile (the browser went away) never hands a busy pipe to the next one.
        return await loop.run_in_executor(None, self._serve, worker, job, loop)

    def _serve(self, worker: _Worker, job: Job, loop: asyncio.AbstractEventLoop) -> Result:
        try:
            return worker.call(job)
        except RenderFailed:
            logger.error("a renderer failed; starting another")
            worker = self._replace(worker)
            raise
        finally:
            loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        fresh = _Worker(self.project, None)  # cold: the next print on it pays for the start
        self._workers[self._workers.index(worker)] = fresh
        fresh.wait_ready()
        return fresh

    async def close(self) -> None:
        await asyncio.gather(*(asyncio.to_thread(w.stop) for w in self._workers))
        self._workers = []
