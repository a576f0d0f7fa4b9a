"""The HTTP API for other software (a pharmacy system, a hospital's): JSON in, a PDF out.

``POST /api/print`` and ``GET /api/leaflets`` need ``Authorization: Bearer <token>`` (tokens
from ``--token-file``; without one the API is closed); ``GET /healthz`` says whether the
server is up. Every error is ``{"error": {"field": …, "message": …}}`` with the field named.
"""

from __future__ import annotations

import json
from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from leafletgen import __version__
from leafletgen.variants import PAPERS, VARIANTS
from leafletgen.web.orders import FieldError, read_order
from leafletgen.web.pages import printed_response
from leafletgen.web.printer import PrintError
from leafletgen.web.security import BodyTooLarge, error_body, has_token
from leafletgen.web.state import Counter


def _counter(request: Request) -> Counter:
    counter = request.app.state.counter
    assert isinstance(counter, Counter)
    return counter


def error(status: int, field: str, message: str, **headers: str) -> Response:
    return Response(error_body(field, message), status, headers, media_type="application/json")


def _unauthorized(request: Request) -> Response | None:
    tokens = _counter(request).settings.tokens
    if not tokens:
        return error(403, "Authorization", "the API is closed: start the server with --token-file")
    if not has_token(tokens, request.headers.get("authorization")):
        return error(
            401,
            "Authorization",
            "a valid 'Bearer <token>' is required",
            **{"www-authenticate": "Bearer"},
        )
    return None


async def print_leaflet(request: Request) -> Response:
    """POST /api/print: a JSON order → ``application/pdf``."""
    if (refused := _unauthorized(request)) is not None:
        return refused
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return error(415, "Content-Type", "send the order as application/json")
    try:
        body = json.loads(await request.body())
    except BodyTooLarge:
        return error(413, "body", f"larger than {_counter(request).settings.max_body} bytes")
    except (ValueError, UnicodeDecodeError) as problem:
        return error(400, "body", f"not valid JSON: {problem}")
    if not isinstance(body, dict):
        return error(400, "body", 'a JSON object is required: {"leaflet": …, "lang": …}')
    counter = _counter(request)
    try:
        order = read_order(
            body,
            counter.listing.get(),
            date.today(),
            default_paper=counter.project.config.build.paper,
        )
        printed = await counter.printer.print(order)
    except FieldError as problem:
        return error(problem.status, problem.field, problem.text)
    except PrintError as problem:
        return error(problem.status, "leaflet", str(problem))
    response = printed_response(printed)
    for warning in printed.warnings:  # a draft, passages left untranslated: say so
        response.headers.append("x-leaflet-warning", warning.encode("ascii", "replace").decode())
    return response


async def leaflets(request: Request) -> Response:
    """GET /api/leaflets: every leaflet, its languages and their review state."""
    if (refused := _unauthorized(request)) is not None:
        return refused
    counter = _counter(request)
    listing = counter.listing.get()
    return JSONResponse(
        {
            "leaflets": [
                {
                    "id": leaflet.id,
                    "title": leaflet.title,
                    "generic": leaflet.generic,
                    "brands": list(leaflet.brands),
                    "version": leaflet.version,
                    "reviewed": leaflet.reviewed.isoformat(),
                    "review_overdue": leaflet.review_overdue,
                    "languages": [
                        {"lang": x.code, "title": x.title, "state": x.state, "draft": x.draft}
                        for x in leaflet.languages
                    ],
                }
                for leaflet in listing.leaflets
            ],
            "variants": {name: v.description for name, v in VARIANTS.items()},
            "papers": list(PAPERS),
            "problems": list(listing.problems),
        }
    )


async def healthz(request: Request) -> Response:
    counter = _counter(request)
    return JSONResponse(
        {"status": "ok", "version": __version__, "renderers": counter.printer.pool.size}
    )
