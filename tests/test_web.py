"""The counter web app over HTTP (Starlette's TestClient, one real renderer process): the
search, the print form, the API and every refusal, each answer parsed (PDF text, HTML, JSON)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfminer.high_level import extract_text
from starlette.testclient import TestClient

from leafletgen.cli import main
from leafletgen.counter import configured_pharmacy
from leafletgen.project import Project
from leafletgen.publish.build import build
from leafletgen.publish.plan import BuildRequest
from leafletgen.variants import VARIANTS
from leafletgen.web import printer as printer_module
from leafletgen.web.app import create_app
from leafletgen.web.security import (
    CSP,
    TWIN_CSP,
    hash_password,
    read_tokens,
    set_password,
    verify_password,
)
from leafletgen.web.state import ServeSettings
from tests.web_project import LEAFLET, PHARMACY, TOKEN, csrf_of, make_counter_project

BASE = "http://127.0.0.1:8000"
AUTH = {"authorization": f"Bearer {TOKEN}"}
PATIENT = "Zofia Quaternion-Brightwater"


def pdf_text(data: bytes) -> str:
    return " ".join(extract_text(io.BytesIO(data)).split())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.load(make_counter_project(tmp_path_factory.mktemp("counter") / "project"))


@pytest.fixture(scope="module")
def client(project: Project) -> Iterator[TestClient]:
    settings = ServeSettings(workers=1, warm=False, tokens=frozenset({TOKEN}))
    with TestClient(create_app(project, settings), base_url=BASE) as client:
        yield client


def form_page(client: TestClient, **query: str) -> tuple[str, str]:
    answer = client.get("/", params={"leaflet": LEAFLET, **query})
    assert answer.status_code == 200
    return answer.text, csrf_of(answer.text)


def order(csrf: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf, "leaflet": LEAFLET, "lang": "en", **fields}


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Klonopin",
        "klonopin",
        "Rivotril",
        "clonazepam",
        LEAFLET,
        "make you cry",
        "Clonazepam llorar",
    ],
    ids=[
        "brand",
        "brand-lower-case",
        "spanish-brand",
        "generic",
        "id",
        "title",
        "spanish-title-words",
    ],
)
def test_search_finds_the_leaflet(client: TestClient, query: str) -> None:
    answer = client.get("/", params={"q": query})
    assert answer.status_code == 200
    assert f'href="/?leaflet={LEAFLET}&amp;q=' in answer.text, query


def test_search_says_when_nothing_matches(client: TestClient) -> None:
    answer = client.get("/", params={"q": "paracetamol"})
    assert "No leaflet matches “paracetamol”" in answer.text
    assert f"leaflet={LEAFLET}" not in answer.text


def test_the_spanish_title_is_searchable(client: TestClient, project: Project) -> None:
    titles = client.get("/api/leaflets", headers=AUTH).json()["leaflets"][0]["languages"]
    spanish = next(x["title"] for x in titles if x["lang"] == "es")
    assert spanish != "Can Klonopin Make You Cry?"
    assert f"leaflet={LEAFLET}" in client.get("/", params={"q": spanish}).text


def test_the_print_form_offers_every_choice(client: TestClient) -> None:
    page, _ = form_page(client)
    # Each language named in itself, and in the staff's language.
    assert "español (Spanish)" in page
    assert "русский (Russian)" in page
    assert "العربية (Arabic)" in page
    assert ">English</option>" in page or ">English " in html
    for name, description in (
        ("large-print", "every letter at least 18 points, for low vision"),
        ("plain", "Short sentences and everyday words"),
    ):
        assert f'id="variant-{name}"' in page
        assert description in page
    assert '<option value="letter"' in page
    for field in ("patient", "note", "print_date"):
        assert f'<label for="{field}">' in page and f'id="{field}"' in page
    assert f"Pharmacy printed on the leaflet: {PHARMACY}" in page
    # Names typed for a patient stay out of the browser's autofill store.
    assert re.search(r'id="patient"[^>]*autocomplete="off"', page)


def test_a_draft_is_shown_with_its_confirmation(client: TestClient) -> None:
    page, _ = form_page(client, lang="es")
    assert "Draft translation" in page
    assert 'name="confirm_draft"' in page
    english, _ = form_page(client, lang="en")
    assert "Draft translation" not in english and 'name="confirm_draft"' not in english


def test_the_status_fragment_takes_no_personal_field(client: TestClient) -> None:
    page, _ = form_page(client)
    status = re.search(r'<div id="status"[^>]*>', page)
    assert status and 'hx-params="leaflet,lang,variant,paper,confirm_draft"' in status.group(0)
    answer = client.get("/status", params={"leaflet": LEAFLET, "lang": "ru"})
    assert answer.status_code == 200 and "Draft translation" in answer.text


def test_print_returns_the_pdf_inline_with_the_name(client: TestClient) -> None:
    _, csrf = form_page(client)
    answer = client.post(
        "/print", data=order(csrf, variant="large-print", patient=PATIENT, note="Take with food")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("inline;") and PATIENT.split()[0] not in disposition
    text = pdf_text(answer.content)
    assert PATIENT in text and "Take with food" in text and PHARMACY in text
    assert answer.headers["cache-control"] == "no-store"


def test_printing_a_draft_needs_the_confirmation(client: TestClient) -> None:
    _, csrf = form_page(client, lang="es")
    refused = client.post("/print", data=order(csrf, lang="es", patient=PATIENT))
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text and 'href="#confirm_draft"' in refused.text
    assert f'value="{PATIENT}"' in refused.text  # typed once, still in the form
    printed = client.post(
        "/print",
        data=order(csrf, lang="es", variant="large-print", patient=PATIENT, confirm_draft="on"),
    )
    assert printed.status_code == 200
    text = pdf_text(printed.content)
    assert PATIENT in text and "borrador" in text.lower()


def test_the_web_version_is_the_html_twin_under_its_own_policy(client: TestClient) -> None:
    _, csrf = form_page(client)
    answer = client.post("/web", data=order(csrf, patient=PATIENT))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"] == TWIN_CSP
    assert PATIENT in answer.text and "<script" not in answer.text


def test_preview_draws_the_first_pages_in_place(client: TestClient) -> None:
    _, csrf = form_page(client)
    answer = client.post(
        "/preview", data=order(csrf, patient=PATIENT), headers={"hx-request": "true"}
    )
    assert answer.status_code == 200
    images = re.findall(
        r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', answer.text
    )
    assert images == [
        "Page 1 of the leaflet as it will print",
        "Page 2 of the leaflet as it will print",
    ]
    assert "<html" not in answer.text  # a fragment for htmx
    whole = client.post("/preview", data=order(csrf, patient=PATIENT))  # without JavaScript
    assert "<html" in whole.text and whole.text.count("data:image/png") == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"patient": "x" * 101}, "patient", "101 characters: at most 100"),
        ({"patient": "Ann\u202eBob"}, "patient", "U+202E"),
        ({"note": "y" * 501}, "note", "at most 500"),
        ({"print_date": "31/12/2026"}, "print_date", "YYYY-MM-DD"),
        ({"variant": "huge"}, "variant", "'huge' is not one of standard"),
        ({"paper": "a3"}, "paper", "'a3' is not one of a4, letter"),
        ({"lang": "fr"}, "lang", "not available in 'fr'"),
    ],
    ids=["long-name", "bidi-control", "long-note", "date", "variant", "paper", "language"],
)
def test_a_bad_field_is_named_on_the_page(
    client: TestClient, fields: dict[str, str], field: str, message: str
) -> None:
    _, csrf = form_page(client)
    answer = client.post("/print", data=order(csrf, **fields))
    assert answer.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', answer.text, re.S)
    assert summary and f'href="#{field}"' in summary.group(0)
    assert message in html.unescape(summary.group(0))


# --- the personal schedule -----------------------------------------------------------------


def test_the_form_has_a_schedule_with_a_row_of_each(client: TestClient) -> None:
    page, _ = form_page(client)
    for field in ("schedule.times[0].time", "schedule.times[0].amount", "schedule.start",
                  "schedule.steps[0].dose", "schedule.steps[0].length", "schedule.steps[0].unit"):  # fmt: skip
        assert f'<label for="{field}">' in page and f'name="{field}"' in page
    assert "schedule.times[1]" not in page
    assert page.count('formaction="/rows"') == 2  # Add a time, Add a step: plain buttons


def test_add_a_row_keeps_what_was_typed(client: TestClient) -> None:
    _, csrf = form_page(client)
    typed = {"schedule.times[0].time": "08:00", "schedule.times[0].amount": "0.5 mg"}
    answer = client.post("/rows", data=order(csrf, patient=PATIENT, add_row="times", **typed))
    assert answer.status_code == 200
    page = answer.text
    assert 'value="08:00"' in page and 'value="0.5 mg"' in page and f'value="{PATIENT}"' in page
    # The typed row, and the one added, which has the focus.
    assert re.search(r'id="schedule\.times\[1\]\.time"[^>]*autofocus', page)
    assert "schedule.times[2]" not in page
    assert PATIENT not in answer.headers.get("location", "")


def test_the_form_prints_its_schedule(client: TestClient) -> None:
    _, csrf = form_page(client)
    fields = {
        "schedule.start": "2026-12-01",
        "schedule.steps[0].dose": "1 mg",
        "schedule.steps[0].length": "14",
        "schedule.steps[0].unit": "days",
        "schedule.steps[2].dose": "0.5 mg",  # an empty row between two is left out
        "schedule.steps[2].length": "2",
        "schedule.steps[2].unit": "weeks",
        "schedule.steps[1].unit": "days",
    }
    answer = client.post("/print", data=order(csrf, **fields))
    assert answer.status_code == 200, answer.text
    text = pdf_text(answer.content)
    assert "Your schedule" in text and "December 14, 2026" in text and "December 28, 2026" in text
    assert "0.5 mg" in text


def test_a_bad_schedule_value_is_named_by_its_input(client: TestClient) -> None:
    _, csrf = form_page(client)
    fields = {
        "schedule.start": "2026-12-01",
        "schedule.steps[0].dose": "1 mg",
        "schedule.steps[0].length": "14",
        "schedule.steps[3].dose": "0.5 mg",  # the form's fourth row, the plan's second step
        "schedule.steps[3].length": "400",
        "schedule.steps[3].unit": "days",
    }
    answer = client.post("/print", data=order(csrf, patient=PATIENT, **fields))
    assert answer.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', answer.text, re.S)
    assert summary and 'href="#schedule.steps[3].length"' in summary.group(0)
    assert "from 1 to 365" in summary.group(0)
    assert re.search(r'id="schedule\.steps\[3\]\.length"[^>]*aria-invalid="true"', answer.text)
    assert 'value="400"' in answer.text and f'value="{PATIENT}"' in answer.text


def test_api_prints_a_schedule(client: TestClient) -> None:
    schedule = {
        "times": [{"time": "08:00", "amount": "0.5 mg"}, {"time": "20:00", "amount": "1 mg"}]
    }
    answer = api_print(client, {"leaflet": LEAFLET, "schedule": schedule})
    assert answer.status_code == 200, answer.text
    text = pdf_text(answer.content)
    assert "Your schedule" in text
    assert "8:00 AM" in text and "8:00 PM" in text and "1 mg" in text
    assert "Printed on" in text  # a personal print: dated


@pytest.mark.parametrize(
    ("schedule", "field", "message"),
    [
        ([], "schedule", "must be an object"),
        ({"times": [{"time": "25:00", "amount": "1 mg"}]}, "schedule.times[0].time", "HH:MM"),
        ({"times": [{"time": "08:00", "amount": "x\u0007"}]}, "schedule.times[0].amount", "U+0007"),
        ({"steps": [{"dose": "1 mg", "days": 3}]}, "schedule.start", "required with steps"),
        (
            {
                "start": "2026-12-01",
                "steps": [
                    {"dose": "1", "days": 1},
                    {"dose": "1", "days": 2},
                    {"dose": "1", "days": "many"},
                ],
            },
            "schedule.steps[2].days",
            "whole number",
        ),
        (
            {"start": "2026-12-01", "steps": [{"dose": "1", "weeks": 60}]},
            "schedule.steps[0].weeks",
            "1 to 365",
        ),
        ({"times": [], "dose": "1"}, "schedule.dose", "not a field here"),
    ],
    ids=["type", "time", "amount-control", "start", "days", "weeks", "typo"],
)
def test_api_schedule_errors_name_the_field(
    client: TestClient, schedule: object, field: str, message: str
) -> None:
    answer = api_print(client, {"leaflet": LEAFLET, "schedule": schedule})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["field"] == field and message in error["message"], error


# --- what keeps it private and safe --------------------------------------------------------


def test_every_answer_carries_the_privacy_headers(client: TestClient) -> None:
    for answer in (client.get("/"), client.get("/healthz"), client.get("/static/counter.css")):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


def test_the_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    page, _ = form_page(client, lang="es")
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/htmx.min.js" defer>']
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_htmx_is_served_by_the_app(client: TestClient) -> None:
    answer = client.get("/static/htmx.min.js")
    assert answer.status_code == 200 and answer.text.startswith("var htmx=function()")


@pytest.mark.parametrize("data", [None, {"csrf_token": "0" * 64}], ids=["no-token", "wrong-token"])
def test_a_form_without_its_csrf_token_is_refused(client: TestClient, data: dict | None) -> None:
    form_page(client)  # the session cookie
    fields = {"leaflet": LEAFLET, "patient": PATIENT, **(data or {})}
    answer = client.post("/print", data=fields)
    assert answer.status_code == 403 and "This form has expired" in answer.text


def test_a_form_from_another_session_is_refused(client: TestClient, project: Project) -> None:
    _, csrf = form_page(client)
    other = TestClient(client.app, base_url=BASE)  # not entered: the renderers are shared
    other.get("/")
    assert other.post("/print", data=order(csrf)).status_code == 403


def test_another_host_name_is_refused(client: TestClient) -> None:
    # DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends its own name.
    answer = client.get("/", headers={"host": "evil.example:8000"})
    assert answer.status_code == 421
    assert answer.json() == {
        "error": {"field": "Host", "message": "this server does not answer to that name"}
    }


def test_a_post_from_another_site_is_refused(client: TestClient) -> None:
    _, csrf = form_page(client)
    answer = client.post("/print", data=order(csrf), headers={"origin": "http://evil.example"})
    assert answer.status_code == 403 and answer.json()["error"]["field"] == "Origin"
    same = client.post("/print", data=order(csrf), headers={"origin": "http://127.0.0.1:8000"})
    assert same.status_code == 200


def test_a_large_body_is_refused(client: TestClient) -> None:
    _, csrf = form_page(client)
    answer = client.post("/print", data=order(csrf, note="z" * 70_000))
    assert answer.status_code == 413 and answer.json()["error"]["field"] == "body"


def test_unknown_paths_answer_json(client: TestClient) -> None:
    answer = client.get("/nowhere")
    assert answer.status_code == 404 and answer.json()["error"]["field"] == "path"
    assert client.get("/print").status_code == 405


# --- the API -------------------------------------------------------------------------------


def api_print(client: TestClient, body: object, **headers: str) -> object:
    return client.post("/api/print", json=body, headers={**AUTH, **headers})


def test_api_prints_a_personal_pdf(client: TestClient) -> None:
    answer = api_print(
        client,
        {
            "leaflet": LEAFLET,
            "lang": "es",
            "variant": "plain",
            "paper": "letter",
            "patient": PATIENT,
            "note": "Una vez al día",
            "print_date": "2026-12-24",
            "confirm_draft": True,
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert PATIENT in text and "Una vez al día" in text and "24 de diciembre de 2026" in text
    assert "draft" in answer.headers["x-leaflet-warning"]


@pytest.mark.parametrize(
    ("body", "status", "field", "message"),
    [
        ({"leaflet": LEAFLET, "patient": 7}, 422, "patient", "must be a string"),
        ({"leaflet": LEAFLET, "patient": "a" * 101}, 422, "patient", "at most 100"),
        ({"leaflet": LEAFLET, "note": "tab\tinside\u0007"}, 422, "note", "U+0007"),
        ({"lang": "en"}, 422, "leaflet", "required"),
        ({"leaflet": "../../etc/passwd"}, 404, "leaflet", "no leaflet with the id"),
        ({"leaflet": "leaflets/x.yaml"}, 404, "leaflet", "no leaflet with the id"),
        ({"leaflet": LEAFLET, "lang": "de"}, 422, "lang", "not available in 'de'"),
        ({"leaflet": LEAFLET, "variant": "tiny"}, 422, "variant", "not one of"),
        ({"leaflet": LEAFLET, "paper": "a5"}, 422, "paper", "not one of a4, letter"),
        ({"leaflet": LEAFLET, "print_date": "tomorrow"}, 422, "print_date", "YYYY-MM-DD"),
        ({"leaflet": LEAFLET, "lang": "es"}, 409, "confirm_draft", "confirm to print it"),
        (
            {"leaflet": LEAFLET, "lang": "es", "confirm_draft": "yes please"},
            422,
            "confirm_draft",
            "true or false",
        ),
        ({"leaflet": LEAFLET, "patinet": "Ann"}, 422, "patinet", "not a field of a print"),
        ([LEAFLET], 400, "body", "a JSON object is required"),
    ],
    ids=[
        "patient-type",
        "patient-long",
        "note-control",
        "leaflet-missing",
        "leaflet-path",
        "leaflet-file",
        "lang",
        "variant",
        "paper",
        "date",
        "draft",
        "confirm-type",
        "typo",
        "not-object",
    ],
)
def test_api_errors_name_the_field(
    client: TestClient, body: object, status: int, field: str, message: str
) -> None:
    answer = api_print(client, body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["field"] == field and message in error["message"], error


def test_api_refuses_what_is_not_json(client: TestClient) -> None:
    bad = client.post(
        "/api/print", content=b"{nope", headers={**AUTH, "content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "body"
    form = client.post("/api/print", data={"leaflet": LEAFLET}, headers=AUTH)
    assert form.status_code == 415 and form.json()["error"]["field"] == "Content-Type"


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong-token-" + "x" * 20}, {"authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong", "not-bearer"],
)
def test_api_needs_a_token(client: TestClient, headers: dict[str, str]) -> None:
    for answer in (
        client.post("/api/print", json={"leaflet": LEAFLET}, headers=headers),
        client.get("/api/leaflets", headers=headers),
    ):
        assert answer.status_code == 401
        assert answer.json()["error"]["field"] == "Authorization"
        assert answer.headers["www-authenticate"] == "Bearer"


def test_api_is_closed_without_a_token_file(project: Project) -> None:
    with TestClient(create_app(project, ServeSettings(warm=False)), base_url=BASE) as closed:
        answer = closed.post("/api/print", json={"leaflet": LEAFLET}, headers=AUTH)
    assert answer.status_code == 403 and "--token-file" in answer.json()["error"]["message"]


def test_api_lists_leaflets_and_review_state(client: TestClient) -> None:
    listed = client.get("/api/leaflets", headers=AUTH).json()
    (leaflet,) = listed["leaflets"]
    assert leaflet["id"] == LEAFLET and leaflet["brands"] == ["Klonopin"]
    states = {x["lang"]: (x["draft"], x["state"]) for x in leaflet["languages"]}
    assert states["en"] == (False, "source")
    assert states["es"][0] and states["es"][1].endswith("draft (not reviewed)")
    assert set(listed["variants"]) == set(VARIANTS)


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


# --- served from the output folder ---------------------------------------------------------


def test_a_generic_print_is_the_published_file_when_current(
    client: TestClient, project: Project
) -> None:
    body = {"leaflet": LEAFLET, "lang": "en", "variant": "standard"}
    before = api_print(client, body)
    assert before.status_code == 200
    pharmacy = configured_pharmacy(project)
    report = build(project, BuildRequest(leaflets=(LEAFLET,), formats=("pdf",), branded=pharmacy))
    assert not report.failed
    published = report.built[0].path.read_bytes()
    served = api_print(client, body)
    assert served.content == published and PHARMACY in pdf_text(served.content)
    # A name makes it a fresh print, never the published file.
    personal = api_print(client, {**body, "patient": PATIENT})
    assert personal.content != published and PATIENT in pdf_text(personal.content)
    # The source changed since the build: the manifest no longer says current.
    source = project.leaflets_dir / f"{LEAFLET}.yaml"
    source.write_text(source.read_text("utf-8").replace('version: "1.0"', 'version: "1.1"'))
    fresh = api_print(client, body)
    assert fresh.content != published and "1.1" in pdf_text(fresh.content)


def test_other_built_formats_are_listed_from_the_manifest(
    client: TestClient, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only PDF and HTML are registered on this branch; the page offers HTML itself, so HTML
    # stands in for braille or audio here.
    report = build(
        project, BuildRequest(leaflets=(LEAFLET,), formats=("html",), variants=("plain",))
    )
    assert not report.failed
    monkeypatch.setattr(printer_module, "OFFERED", ("pdf",))
    status = client.get("/status", params={"leaflet": LEAFLET, "variant": "plain"}).text
    key = f"{LEAFLET}/{LEAFLET}.en.plain.a4.html"
    assert f'href="/built/{key}"' in status
    download = client.get(f"/built/{key}")
    assert download.status_code == 200 and download.content == report.built[0].path.read_bytes()
    assert client.get("/built/../leaflet.toml").status_code == 404
    assert client.get("/built/manifest.json").status_code == 404


# --- staff password and the command line ---------------------------------------------------


def test_password_is_stored_as_a_salted_hash(tmp_path: Path) -> None:
    project = Project.load(make_counter_project(tmp_path / "p"))
    path = set_password(project, "correct horse battery")
    stored = path.read_text()
    assert "correct horse" not in stored and stored.startswith("scrypt$")
    assert path.stat().st_mode & 0o777 == 0o600
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert hash_password("same") != hash_password("same")  # salted


def test_pages_ask_for_the_password_when_one_is_set(tmp_path: Path) -> None:
    project = Project.load(make_counter_project(tmp_path / "p"))
    settings = ServeSettings(warm=False, password_hash=hash_password("correct horse battery"))
    with TestClient(create_app(project, settings), base_url=BASE) as staff:
        first = staff.get("/", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        sign_in = staff.get("/login")
        csrf = csrf_of(sign_in.text)
        wrong = staff.post("/login", data={"csrf_token": csrf, "password": "guess"})
        assert wrong.status_code == 401 and "not the staff password" in wrong.text
        assert (
            staff.post("/print", data={"csrf_token": csrf, "leaflet": LEAFLET}).status_code == 401
        )
        right = staff.post(
            "/login",
            data={"csrf_token": csrf, "password": "correct horse battery"},
            follow_redirects=False,
        )
        assert right.status_code == 303
        page = staff.get("/", params={"leaflet": LEAFLET})
        assert page.status_code == 200 and "Sign out" in page.text


def test_serve_refuses_the_network_without_token_and_password(tmp_path: Path) -> None:
    root = make_counter_project(tmp_path / "p")
    runner = CliRunner()
    result = runner.invoke(main, ["--project", str(root), "serve", "--host", "192.0.2.10"])
    assert result.exit_code == 2 and "needs --token-file FILE and a staff password" in result.output
    with_tokens = runner.invoke(
        main,
        [
            "--project",
            str(root),
            "serve",
            "--host",
            "192.0.2.10",
            "--token-file",
            str(root / "tokens.txt"),
        ],
    )
    assert with_tokens.exit_code == 2 and "staff password" in with_tokens.output
    set_password(Project.load(root), "correct horse battery")
    every = runner.invoke(
        main,
        [
            "--project",
            str(root),
            "serve",
            "--host",
            "0.0.0.0",
            "--token-file",
            str(root / "tokens.txt"),
        ],
    )
    assert every.exit_code == 2 and "--allowed-host" in every.output


def test_set_password_from_the_command_line(tmp_path: Path) -> None:
    root = make_counter_project(tmp_path / "p")
    result = CliRunner().invoke(
        main,
        ["--project", str(root), "serve", "--set-password"],
        input="correct horse battery\ncorrect horse battery\n",
    )
    assert result.exit_code == 0, result.output
    stored = (root / ".leaflet-staff-password").read_text()
    assert verify_password(stored, "correct horse battery")


def test_token_files_are_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(f"# comment\n\n{TOKEN}\n")
    assert read_tokens(good) == frozenset({TOKEN})
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    with pytest.raises(Exception, match=r"short.txt:1: a token is one word of at least 24"):
        read_tokens(short)


def test_every_label_is_a_chrome_message(tmp_path: Path) -> None:
    root = make_counter_project(tmp_path / "p")
    catalog = root / "locales" / "es" / "LC_MESSAGES" / "leafletgen.po"
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Patient\'s name"\nmsgstr "Nombre del paciente"\n\n'
        'msgid "Page %(number)s of the leaflet as it will print"\n'
        'msgstr "Página %(number)s del folleto tal como se imprimirá"\n',
        encoding="utf-8",
    )
    settings = ServeSettings(warm=False)
    with TestClient(create_app(Project.load(root), settings), base_url=BASE) as staff:
        page = staff.get("/", params={"leaflet": LEAFLET, "staff": "es"})
        assert '<html lang="es"' in page.text
        assert '<label for="patient">Nombre del paciente</label>' in page.text
        # What the project's catalog does not translate comes from the shipped one.
        assert '<label for="note">Nota del farmacéutico</label>' in page.text
        assert "staff" in page.headers["set-cookie"]  # the choice is kept (no personal data)
        csrf = csrf_of(page.text)
        preview = staff.post(
            "/preview", data=order(csrf, patient=PATIENT), headers={"hx-request": "true"}
        )
        assert 'alt="Página 1 del folleto tal como se imprimirá"' in preview.text
        english = staff.get("/", params={"leaflet": LEAFLET, "staff": "en"})
        assert '<label for="patient">Patient\'s name</label>' in english.text


def test_a_renderer_that_dies_is_replaced(client: TestClient) -> None:
    pool = client.app.app.state.counter.printer.pool
    (worker,) = pool._workers
    worker.process.kill()
    worker.process.join()
    body = {"leaflet": LEAFLET, "patient": PATIENT}
    failed = api_print(client, body)
    assert failed.status_code == 503
    assert failed.json()["error"] == {
        "field": "leaflet",
        "message": "the renderer stopped: try again (a new one has started)",
    }
    assert pool._workers[0] is not worker and pool._workers[0].process.is_alive()
    again = api_print(client, body)
    assert again.status_code == 200 and PATIENT in pdf_text(again.content)


def test_the_page_speaks_the_staffs_language(client: TestClient) -> None:
    # No catalog in the project: the shipped one, chosen from the browser's languages.
    page = client.get(
        "/", params={"leaflet": LEAFLET}, headers={"accept-language": "es-ES,es;q=0.9"}
    )
    assert '<html lang="es"' in page.text
    for label in ('<label for="patient">Nombre del paciente</label>', ">Vista previa</button>",
                  ">Imprimir</button>", "Pauta: cuándo y cuánto tomar",
                  '<label for="schedule.times[0].amount">Cantidad</label>', "Letra grande"):  # fmt: skip
        assert label in page.text, label
    assert '<span lang="en">' not in page.text  # every label of the page is translated
    russian = client.get("/", params={"staff": "ru"})
    assert "Напечатать листовку для пациента" in russian.text


def test_extract_puts_the_apps_messages_in_the_chrome_template(
    project: Project, tmp_path: Path
) -> None:
    root = make_counter_project(tmp_path / "p")
    result = CliRunner().invoke(main, ["--project", str(root), "i18n", "extract"])
    assert result.exit_code == 0, result.output
    pot = (root / "locales" / "leafletgen.pot").read_text(encoding="utf-8")
    for location, message in (
        ("leafletgen/web/templates/counter.html.j2", 'msgid "Print a leaflet for a patient"'),
        ("leafletgen/web/templates/schedule-form.html.j2", 'msgid "Add a step"'),
        ("leafletgen/web/pages.py", 'msgid "Please sign in again."'),
        ("leafletgen/web/orders.py", 'msgid "must be true or false"'),
        ("leafletgen/variants.py", 'msgid "Large print"'),
        ("templates/_schedule.html.j2", 'msgid "Your schedule"'),
    ):
        assert re.search(
            rf"#: .*{re.escape(location)}:\d+.*\n(#, .*\n)?{re.escape(message)}", pot
        ), message


def test_a_name_in_a_url_is_never_put_in_the_form(client: TestClient) -> None:
    # A link from elsewhere must not teach anyone to send a patient's name in a URL.
    page = client.get("/", params={"leaflet": LEAFLET, "patient": PATIENT, "note": "secret"})
    assert page.status_code == 200
    assert PATIENT not in page.text and "secret" not in page.text
