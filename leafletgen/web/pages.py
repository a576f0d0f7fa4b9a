"""The counter page, for staff in a browser: find a leaflet, choose how to print it, type the
patient's details, look at it, print it.

Server-rendered (Jinja2, autoescaped) and usable without JavaScript; htmx only refreshes the
warnings and draws the preview in place. Every label is a chrome message in the staff's
language. What is typed for a patient arrives in a POST body and leaves as the printed page:
never in a URL, a log or a cookie.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from leafletgen.counter import MAX_STEPS, MAX_TIMES
from leafletgen.i18n.localization import CatalogTranslations, localize
from leafletgen.i18n.store import CHROME, PACKAGE_LOCALES, SOURCE_LANGUAGE
from leafletgen.preview import png_pages
from leafletgen.variants import PAPERS, VARIANTS
from leafletgen.web.listing import Language, Listed
from leafletgen.web.orders import (
    N_,
    START_FIELD,
    STEP_FIELDS,
    TIME_FIELDS,
    UNITS,
    FieldError,
    PrintOrder,
    form_field,
    form_rows,
    read_order,
    schedule_of_form,
)
from leafletgen.web.printer import Printed, PrintError
from leafletgen.web.security import CSRF_FIELD, SESSION_COOKIE, TWIN_CSP, verify_password
from leafletgen.web.state import Counter

TEMPLATES = Path(__file__).resolve().parent / "templates"
STAFF_COOKIE = "leaflet_staff_language"
PREVIEW_PAGES = 2  # the first pages: enough to check the name, the language and the size
PREVIEW_DPI = 60
# The print's fields, a few buttons, and every row of a schedule the form can hold.
MAX_FIELDS = 20 + len(TIME_FIELDS) * MAX_TIMES + len(STEP_FIELDS) * MAX_STEPS
EMPTY_ROWS = 1  # rows of each kind an empty form offers (one more with "Add a time/step")
# What a GET may choose: never a personal field, so no patient's name is ever put in a URL.
CHOICES = ("leaflet", "lang", "variant", "paper")

SIGN_IN_AGAIN = N_("Please sign in again.")
EXPIRED = N_("This form has expired: reload the page and try again.")
NO_LEAFLET = N_("No such leaflet.")
NO_FILE = N_("No such file.")

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_pdfium = threading.Lock()  # PDFium is not thread-safe


# --- the staff's language ------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    """The language the page speaks, and its messages."""

    language: str
    locale: Locale
    chrome: CatalogTranslations
    choices: tuple[tuple[str, str], ...]  # (code, name in itself) of every staff language

    def gettext(self, message: str, **values: object) -> str:
        text = Markup(self.chrome.gettext(message))
        return text % values if values else text

    def error(self, error: FieldError) -> str:
        return Markup(self.chrome.gettext(error.message)).format(**error.args_)

    def language_name(self, code: str) -> str:
        """``español (Spanish)``: named in itself, and in the staff's language when that
        differs."""
        locale = Locale.parse(code, sep="-")
        own = locale.get_display_name(locale) or code
        theirs = locale.get_display_name(self.locale) or code
        return own if own == theirs else f"{own} ({theirs})"

    def date(self, value: date) -> str:
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.locale)


def staff_languages(counter: Counter) -> list[str]:
    """The source language, and every language with a chrome catalog (project's or shipped)."""
    found = {SOURCE_LANGUAGE}
    for folder in (counter.project.locales_dir, PACKAGE_LOCALES):
        found.update(
            path.parent.parent.name.replace("_", "-")
            for path in folder.glob(f"*/LC_MESSAGES/{CHROME}.po")
        )
    return sorted(found)


def staff_of(request: Request, counter: Counter) -> Staff:
    available = staff_languages(counter)
    chosen = request.query_params.get("staff") or request.cookies.get(STAFF_COOKIE)
    if chosen not in available:
        wanted = [
            part.split(";")[0].strip().replace("_", "-")
            for part in request.headers.get("accept-language", "").split(",")
        ]
        chosen = negotiate_locale(wanted, available, sep="-") or SOURCE_LANGUAGE
    l10n = localize(chosen, counter.project.locales_dir)
    choices = tuple(
        (code, Locale.parse(code, sep="-").get_display_name(Locale.parse(code, sep="-")) or code)
        for code in available
    )
    return Staff(chosen, l10n.locale, l10n.chrome, choices)


# --- what the print form shows -------------------------------------------------------------


@dataclass(frozen=True)
class PrintForm:
    """The print form's values (what was typed comes back only into the form itself)."""

    leaflet: Listed
    language: Language
    variant: str = "standard"
    paper: str = "a4"
    patient: str = ""
    note: str = ""
    print_date: str = ""
    confirm_draft: bool = False
    # The schedule's rows as typed (the form numbers them from 0), with any empty one added.
    times: tuple[tuple[str, ...], ...] = (("", ""),) * EMPTY_ROWS
    start: str = ""
    steps: tuple[tuple[str, ...], ...] = (("", "", ""),) * EMPTY_ROWS
    added: str = ""  # the kind of row just added ("times", "steps"): its first input has focus

    def __repr__(self) -> str:
        return f"PrintForm({self.leaflet.id}, <personal details withheld>)"


def _rows(
    values: Mapping[str, str], kind: str, names: tuple[str, ...], limit: int, add: bool
) -> tuple[tuple[str, ...], ...]:
    """The rows typed, in their places (at least one row), and an empty one more if ``add``."""
    typed = dict(form_rows(values, kind, names, limit))
    count = min(limit, max(max(typed, default=-1) + 1, EMPTY_ROWS) + add)
    return tuple(typed.get(index, ("",) * len(names)) for index in range(count))


def _form_of(
    values: Mapping[str, str], leaflet: Listed, default_paper: str, add: str = ""
) -> PrintForm:
    """The form as asked for; values that are not choices fall back to the defaults."""
    language = leaflet.language(values.get("lang", "")) or leaflet.languages[0]
    variant = values.get("variant", "")
    paper = values.get("paper", "")
    return PrintForm(
        leaflet,
        language,
        variant if variant in VARIANTS else "standard",
        paper if paper in PAPERS else default_paper,
        values.get("patient", "")[:1000],
        values.get("note", "")[:2000],
        values.get("print_date", "")[:20],
        values.get("confirm_draft") in ("on", "true"),
        _rows(values, "times", TIME_FIELDS, MAX_TIMES, add == "times"),
        values.get(START_FIELD, "")[:20],
        _rows(values, "steps", STEP_FIELDS, MAX_STEPS, add == "steps"),
        add,
    )


# --- responses -----------------------------------------------------------------------------


def _counter(request: Request) -> Counter:
    counter = request.app.state.counter
    assert isinstance(counter, Counter)
    return counter


def _session(request: Request) -> tuple[str, bool]:
    """The session id, and whether it is new (the answer must set its cookie)."""
    current = request.cookies.get(SESSION_COOKIE)
    counter = _counter(request)
    if current and len(current) <= 64:
        return current, False
    return counter.sessions.new_id(), True


def _page(
    request: Request,
    template: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    counter = _counter(request)
    staff = staff_of(request, counter)
    session, new = _session(request)
    body = _environment.get_template(template).render(
        _=staff.gettext,
        staff=staff,
        csrf_field=CSRF_FIELD,
        csrf_token=counter.sessions.csrf_token(session),
        signed_in=counter.sessions.signed_in(session),
        password=counter.settings.password_hash is not None,
        pharmacy=counter.pharmacy.profile if counter.pharmacy else None,
        variants=VARIANTS,
        papers=PAPERS,
        units=UNITS,
        **context,
    )
    response = HTMLResponse(body, status_code=status)
    if new:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
    if request.query_params.get("staff") == staff.language:
        response.set_cookie(STAFF_COOKIE, staff.language, samesite="strict", max_age=31536000)
    return response


def _needs_sign_in(request: Request) -> bool:
    counter = _counter(request)
    if counter.settings.password_hash is None:
        return False
    return not counter.sessions.signed_in(request.cookies.get(SESSION_COOKIE))


async def _posted(request: Request) -> FormData | Response:
    """The form of a POST whose CSRF token matches its session, or the answer refusing it."""
    if _needs_sign_in(request):
        return _refused(request, 401, SIGN_IN_AGAIN)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    counter = _counter(request)
    if not counter.sessions.csrf_ok(request.cookies.get(SESSION_COOKIE), form.get(CSRF_FIELD)):
        return _refused(request, 403, EXPIRED)
    return form


def _refused(request: Request, status: int, message: str) -> HTMLResponse:
    return _page(request, "message.html.j2", status, message=message)


# --- the pages -----------------------------------------------------------------------------


async def counter_page(request: Request) -> Response:
    """GET /: the search, its results, and the print form of the leaflet chosen."""
    if _needs_sign_in(request):
        return RedirectResponse("/login", status_code=303)
    counter = _counter(request)
    listing = counter.listing.get()
    query = request.query_params.get("q", "").strip()[:100]
    chosen = listing.find(request.query_params.get("leaflet", ""))
    results = listing.search(query) if query else []
    form = _form_of(_chosen(request), chosen, _paper(counter)) if chosen else None
    return _page(
        request,
        "counter.html.j2",
        query=query,
        results=results,
        searched=bool(query),
        listing=listing,
        form=form,
        **(_status_of(counter, form) if form else {}),
        errors=[],
        preview=None,
    )


async def status(request: Request) -> Response:
    """GET /status: the warnings and other formats of the leaflet as now chosen (htmx)."""
    if _needs_sign_in(request):
        return _refused(request, 401, SIGN_IN_AGAIN)
    counter = _counter(request)
    chosen = counter.listing.get().find(request.query_params.get("leaflet", ""))
    if chosen is None:
        return _refused(request, 404, NO_LEAFLET)
    form = _form_of(_chosen(request), chosen, _paper(counter))
    return _page(request, "status.html.j2", form=form, **_status_of(counter, form))


def _chosen(request: Request) -> dict[str, str]:
    return {key: request.query_params[key] for key in CHOICES if key in request.query_params}


def _status_of(counter: Counter, form: PrintForm) -> dict[str, Any]:
    order = _as_order(form, counter)
    return {
        "built": counter.printer.built(order),
        "max_age": counter.project.config.review.max_age_days,
    }


def _as_order(form: PrintForm, counter: Counter) -> PrintOrder:
    # Only to name the files of a leaflet in a language, variant and paper: nothing personal.
    return PrintOrder(
        form.leaflet, form.language, form.variant, form.paper, None, None, None, False, date.today()
    )


async def _ordered(request: Request, act: Callable[[PrintOrder, PrintForm], Any]) -> Response:
    """Read the posted print form and ``act`` on it; a bad field shows the page again with
    the error beside it (and what was typed still in the form)."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    counter = _counter(request)
    values = {key: value for key, value in posted.items() if isinstance(value, str)}
    listing = counter.listing.get()
    try:
        order = read_order(
            {**values, "schedule": schedule_of_form(values)},
            listing,
            date.today(),
            default_paper=_paper(counter),
            strict=False,
        )
        return await act(order, _form_of(values, order.leaflet, _paper(counter)))
    except (FieldError, PrintError) as error:
        chosen = listing.find(values.get("leaflet", ""))
        if chosen is None:
            return _refused(request, 404, NO_LEAFLET)
        form = _form_of(values, chosen, _paper(counter))
        problem = (
            FieldError(form_field(error.field, values), error.message, error.status, **error.args_)
            if isinstance(error, FieldError)
            else FieldError("leaflet", "{problem}", error.status, problem=str(error))
        )
        template = "fragment-errors.html.j2" if _htmx(request) else "counter.html.j2"
        return _form_page(request, template, form, problem.status, errors=[problem])


def _form_page(
    request: Request,
    template: str,
    form: PrintForm,
    status: int = 200,
    errors: list[FieldError] | None = None,
    preview: Preview | None = None,
) -> HTMLResponse:
    """The print form again (no search shown), with its errors or its preview."""
    counter = _counter(request)
    return _page(
        request,
        template,
        status,
        query="",
        results=[],
        searched=False,
        listing=counter.listing.get(),
        form=form,
        errors=errors or [],
        preview=preview,
        **_status_of(counter, form),
    )


async def add_row(request: Request) -> Response:
    """POST /rows: the form again, as typed, with one more empty row of the schedule (a plain
    form button: it works without JavaScript, and from the keyboard)."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    counter = _counter(request)
    values = {key: value for key, value in posted.items() if isinstance(value, str)}
    chosen = counter.listing.get().find(values.get("leaflet", ""))
    if chosen is None:
        return _refused(request, 404, NO_LEAFLET)
    kind = values.get("add_row", "")
    form = _form_of(values, chosen, _paper(counter), kind if kind in ("times", "steps") else "")
    return _form_page(request, "counter.html.j2", form)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def preview(request: Request) -> Response:
    """POST /preview: the first pages as images, in the page (htmx) or a page of their own."""
    counter = _counter(request)

    async def show(order: PrintOrder, form: PrintForm) -> Response:
        printed = await counter.printer.print(order)
        images = await asyncio.to_thread(_images, printed)
        template = "preview.html.j2" if _htmx(request) else "counter.html.j2"
        return _form_page(request, template, form, preview=Preview(images, printed.warnings))

    return await _ordered(request, show)


@dataclass(frozen=True, repr=False)
class Preview:
    images: list[str]  # data: URLs, never a URL that could be fetched again or cached
    warnings: tuple[str, ...]


def _images(printed: Printed) -> list[str]:
    with _pdfium:
        pngs = png_pages(printed.data, printed.name, dpi=PREVIEW_DPI, first=PREVIEW_PAGES)
    return ["data:image/png;base64," + base64.b64encode(png).decode() for png in pngs]


async def print_pdf(request: Request) -> Response:
    """POST /print: the PDF, inline, for the browser's viewer and its print dialog."""
    return await _ordered(request, _deliver(request, "pdf"))


async def web_version(request: Request) -> Response:
    """POST /web: the HTML twin of the same print."""
    return await _ordered(request, _deliver(request, "html"))


def _deliver(request: Request, fmt: str) -> Callable[[PrintOrder, PrintForm], Any]:
    counter = _counter(request)

    async def deliver(order: PrintOrder, form: PrintForm) -> Response:
        printed = await counter.printer.print(order, fmt)
        return printed_response(printed)

    return deliver


def printed_response(printed: Printed) -> Response:
    # The file name is the output's (leaflet, language, variant, paper): never the patient's.
    headers = {"content-disposition": f'inline; filename="{printed.name}"'}
    if printed.media_type.startswith("text/html"):
        headers["content-security-policy"] = TWIN_CSP
    return Response(printed.data, media_type=printed.media_type, headers=headers)


async def built_file(request: Request) -> Response:
    """GET /built/<name>: another format of a leaflet, as the output folder has it."""
    if _needs_sign_in(request):
        return RedirectResponse("/login", status_code=303)
    found = _counter(request).printer.built_file(request.path_params["key"])
    if found is None:
        return _refused(request, 404, NO_FILE)
    path, media_type = found
    headers = {"content-disposition": f'attachment; filename="{path.name}"'}
    return Response(path.read_bytes(), media_type=media_type, headers=headers)


def _paper(counter: Counter) -> str:
    return counter.project.config.build.paper


# --- signing in ----------------------------------------------------------------------------


async def sign_in_page(request: Request) -> Response:
    return _page(request, "sign-in.html.j2", failed=False)


async def sign_in(request: Request) -> Response:
    counter = _counter(request)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    session = request.cookies.get(SESSION_COOKIE)
    if not counter.sessions.csrf_ok(session, form.get(CSRF_FIELD)):
        return _refused(request, 403, EXPIRED)
    stored = counter.settings.password_hash
    given = form.get("password")
    if stored is None or session is None:
        return RedirectResponse("/", status_code=303)
    ok = isinstance(given, str) and await asyncio.to_thread(verify_password, stored, given)
    if not ok:
        return _page(request, "sign-in.html.j2", 401, failed=True)
    counter.sessions.sign_out(session)  # a new id once signed in: no fixation
    fresh = counter.sessions.new_id()
    counter.sessions.sign_in(fresh)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, fresh, httponly=True, samesite="strict")
    return response


async def sign_out(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    _counter(request).sessions.sign_out(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
