"""The Starlette application: routes, the guard around them, and the renderers started with it.

``create_app(project, settings)`` is all ``leaflet serve`` runs (with uvicorn) and all tests
need (with Starlette's TestClient): the pages and the API are two front-ends over one
``Printer``, which is the engine in warm processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from leafletgen.counter import configured_pharmacy
from leafletgen.project import Project
from leafletgen.web import api, pages
from leafletgen.web.listing import ListingCache
from leafletgen.web.pool import Job, RendererPool
from leafletgen.web.printer import Printer
from leafletgen.web.security import BodyTooLarge, Guard
from leafletgen.web.state import Counter, ServeSettings

STATIC = Path(__file__).resolve().parent / "static"

ROUTES = [
    Route("/", pages.counter_page),
    Route("/status", pages.status),
    Route("/preview", pages.preview, methods=["POST"]),
    Route("/print", pages.print_pdf, methods=["POST"]),
    Route("/web", pages.web_version, methods=["POST"]),
    Route("/rows", pages.add_row, methods=["POST"]),
    Route("/built/{key:path}", pages.built_file),
    Route("/login", pages.sign_in_page),
    Route("/login", pages.sign_in, methods=["POST"]),
    Route("/logout", pages.sign_out, methods=["POST"]),
    Route("/api/print", api.print_leaflet, methods=["POST"]),
    Route("/api/leaflets", api.leaflets),
    Route("/healthz", api.healthz),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
    Route("/favicon.ico", lambda request: Response(status_code=204)),  # none: no 404 noise
]


def warm_job(counter: Counter) -> Job | None:
    """One print of the first leaflet, as the counter prints them, for each renderer at start."""
    listing = counter.listing.get()
    if not listing.leaflets:
        return None
    first = listing.leaflets[0]
    return Job(
        first.id,
        first.source_language,
        "standard",
        counter.project.config.build.paper,
        "pdf",
        patient="Warm-up print",
        printed_on=date.today(),
    )


def create_app(project: Project, settings: ServeSettings) -> ASGIApp:
    pharmacy = configured_pharmacy(project)  # a broken profile stops the start, named
    listing = ListingCache(project)
    pool = RendererPool(project, settings.workers)
    counter = Counter(project, settings, pharmacy, listing, Printer(project, pool, pharmacy))
    pool.warm = warm_job(counter) if settings.warm else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={BodyTooLarge: _too_large, HTTPException: _http_error},
    )
    app.state.counter = counter
    return Guard(app, settings.hosts, settings.max_body)


async def _too_large(request: Request, exc: Exception) -> Response:
    return api.error(
        413, "body", f"larger than {request.app.state.counter.settings.max_body} bytes"
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return api.error(exc.status_code, "path", str(exc.detail))
