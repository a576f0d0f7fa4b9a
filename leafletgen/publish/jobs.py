"""One job of a batch, rendered in memory through the engine (in this process or a worker).

Whatever goes wrong in a job, a user's mistake or anything unexpected (a validator's limit, a
bug), becomes that job's Failure: the batch goes on, and a worker never sends back an
exception that cannot cross a process boundary.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from leafletgen.counter import PrintDetails
from leafletgen.engine import Request, render
from leafletgen.errors import LeafletError
from leafletgen.project import Project
from leafletgen.publish.plan import BuildRequest, Failure, Job, paths

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    format: str
    seconds: float
    sha256: str
    size: int = 0  # bytes
    pages: int | None = None  # paged formats only
    verdict: str = ""  # the format's own check, e.g. "PDF/UA-1 pass"
    title: str = ""  # the edition's title in its language, for index.html
    translation: str = ""  # Localization.state, for index.html
    warnings: tuple[str, ...] = ()  # the engine's (a draft, no emergency number…): no patient


@dataclass(frozen=True)
class JobOutput:
    """A job's files, rendered in memory and not yet written, or why the job failed."""

    job: Job
    files: tuple[tuple[BuiltFile, bytes], ...] = ()
    failure: Failure | None = None


def run_job(
    project: Project, job: Job, request: BuildRequest, formats: tuple[str, ...] | None = None
) -> JobOutput:
    """Render the ``formats`` of one job (default: every requested one); never raises for
    anything the job does."""
    try:
        return JobOutput(job, files=tuple(_render_job(project, job, request, formats)))
    except LeafletError as error:
        logger.debug("%s failed", job.name, exc_info=True)
        return JobOutput(job, failure=Failure(job.name, error.format_message()))
    except Exception as error:  # not a user's mistake: reported as this job's, not the batch's
        logger.debug("%s failed unexpectedly", job.name, exc_info=True)
        message = f"{job.name}: unexpected error: {type(error).__name__}: {error}"
        return JobOutput(job, failure=Failure(job.name, message))


def _render_job(
    project: Project, job: Job, request: BuildRequest, formats: tuple[str, ...] | None
) -> list[tuple[BuiltFile, bytes]]:
    branded = PrintDetails(pharmacy=request.branded) if request.branded else None
    rendered = []
    for fmt, path in zip(request.formats, paths(project, job, request), strict=True):
        if formats is not None and fmt not in formats:
            continue
        output = render(
            project,
            Request(
                str(job.source),
                job.language,
                job.variant,
                request.paper,
                fmt,
                counter=branded,
                allow_incomplete=request.allow_incomplete,
                companions=request.formats,
            ),
        )
        digest = hashlib.sha256(output.data).hexdigest()
        verdict = ", ".join(str(check) for check in output.checks)
        built = BuiltFile(
            path,
            fmt,
            output.seconds,
            digest,
            len(output.data),
            output.pages,
            verdict,
            output.title,
            output.translation,
            output.warnings,
        )
        rendered.append((built, output.data))
    return rendered
