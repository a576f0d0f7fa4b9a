"""Worker processes for a batch: jobs render in a pool, results come back to the main
process, which alone writes.

A worker that dies (killed, out of memory, a crash in a native library) breaks its pool: the
jobs that were in it are tried once more in a new pool, and fail if that breaks too.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import signal
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from leafletgen.project import Project
from leafletgen.publish.jobs import JobOutput, run_job
from leafletgen.publish.plan import BuildRequest, Failure, Job

# A job and the inputs the manifest will record for each of its formats.
Todo = tuple[Job, dict[str, dict[str, str]]]
Finished = Callable[[JobOutput, dict[str, dict[str, str]]], None]
WORKER_STOPPED = "a worker process stopped unexpectedly while building"


def run_in_workers(
    project: Project, todo: list[Todo], request: BuildRequest, finished: Finished
) -> list[str]:
    """Run the jobs in worker processes, handing each result to ``finished``; return the
    warnings for the report."""
    queue: deque[Todo] = deque(todo)
    tries: Counter[Job] = Counter()
    warnings = []
    while queue:
        retry = []
        for job, inputs in _run_pool(project, queue, request, finished):
            tries[job] += 1
            if tries[job] == 1:
                retry.append((job, inputs))
            else:
                failure = Failure(job.name, f"{job.name}: {WORKER_STOPPED} it, twice")
                finished(JobOutput(job, failure=failure), inputs)
        if retry:
            names = ", ".join(job.name for job, _ in retry)
            warnings.append(f"{WORKER_STOPPED} {names}: tried again in a new worker")
            queue.extendleft(reversed(retry))
    return warnings


def _run_pool(
    project: Project, queue: deque[Todo], request: BuildRequest, finished: Finished
) -> list[Todo]:
    """Run jobs from the queue in one pool until the queue is empty or a worker dies; return
    the jobs the pool lost."""
    # Spawned, not forked: a fork of a process that already runs Pango and fontconfig can
    # inherit a held lock and hang.
    context = multiprocessing.get_context("spawn")
    size = min(request.jobs, len(queue))
    with ProcessPoolExecutor(
        max_workers=size,
        mp_context=context,
        initializer=_start_worker,
        initargs=(request.formats, logging.getLogger("leafletgen").getEffectiveLevel()),
    ) as pool:
        running: dict[Future[JobOutput], Todo] = {}
        try:
            while queue or running:
                # No more jobs in the pool than workers: a worker that dies takes few with it.
                while queue and len(running) < size:
                    job, inputs = queue[0]
                    try:
                        future = pool.submit(run_job, project, job, request, tuple(inputs))
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
            # They wrote nothing (only the main process writes), so they leave nothing behind.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return []


def _broke(future: Future[JobOutput]) -> bool:
    return isinstance(future.exception(), BrokenProcessPool)


def _start_worker(formats: tuple[str, ...], log_level: int) -> None:
    # Ctrl-C on a terminal reaches every process of the group: the main process alone decides
    # how the batch stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_level < logging.WARNING:  # `leaflet --debug`: a failed job's traceback, here too
        logging.basicConfig(level=log_level, format="%(name)s: %(message)s")
    # Each worker imports its formats' renderers (WeasyPrint and its font set-up) once, not
    # once per leaflet.
    from leafletgen.render import FORMATS

    for name in formats:
        for module in FORMATS[name].imports:
            importlib.import_module(module)
