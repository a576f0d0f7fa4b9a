"""The counter page in a real browser (Debian's Chromium, driven by Playwright) against a real
`leaflet serve`: the whole flow with a mouse and with the keyboard alone, axe-core on every
page, 200 % zoom; and, after 100 prints, no patient's name anywhere the server can write."""

from __future__ import annotations

import io
import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from pdfminer.high_level import extract_text
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from leafletgen.project import Project
from leafletgen.web.security import set_password
from tests.web_project import LEAFLET, TOKEN, Served, make_counter_project, serve

PASSWORD = "counter staff password"
PATIENT = "Ximena Oyelaran-Pietrowski"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
ZOOMED = {"viewport": {"width": 640, "height": 900}, "device_scale_factor": 2}
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "counter-page.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("served")
    project = make_counter_project(base / "project")
    set_password(Project.load(project), PASSWORD)
    work = base / "work"
    work.mkdir()
    with serve(project, work, "--token-file", str(project / "tokens.txt")) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is missing: run `make install` (scripts/install-system-deps.sh)")
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, server: Served) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, base_url=server.url, locale="en-GB")
    yield context
    context.close()


def signed_in(context: BrowserContext) -> Page:
    page = context.new_page()
    page.goto("/")
    assert page.url.endswith("/login")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/")
    return page


def run_axe(page: Page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def pdf_text(data: bytes) -> str:
    return " ".join(extract_text(io.BytesIO(data)).split())


def printed_pdf(context: BrowserContext, page: Page, press: Any) -> bytes:
    """What the Print button sends back to the new tab: the answer is read on its way (a
    browser hands a PDF to its viewer, not to the page)."""
    answers: list[Any] = []

    def read(route: Any) -> None:
        answer = route.fetch()
        answers.append(answer)
        route.fulfill(response=answer)

    context.route("**/print", read)
    try:
        with context.expect_page() as tab:
            press()
        tab.value.wait_for_load_state("commit")
        page.wait_for_timeout(100)
        for _ in range(300):
            if answers:
                break
            page.wait_for_timeout(100)
    finally:
        context.unroute("**/print")
    (answer,) = answers
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline;")
    return bytes(answer.body())


def test_the_whole_flow(context: BrowserContext) -> None:
    page = signed_in(context)
    page.fill("#q", "Klonopin")
    page.press("#q", "Enter")
    page.click(f"#results a[href*='leaflet={LEAFLET}']")
    page.select_option("#lang", "es")
    page.wait_for_selector("#confirm_draft")  # htmx brought the draft warning in
    assert "Draft translation" in page.inner_text("#status")
    page.check("#variant-large-print")
    page.fill("#patient", PATIENT)
    page.fill("#note", "Tomar con comida")
    page.check("#confirm_draft")
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview img")
    images = page.locator("#preview img")
    assert images.count() == 2
    assert images.first.evaluate("img => img.naturalWidth") > 300
    assert page.url.endswith(f"?leaflet={LEAFLET}&q=Klonopin")  # nothing typed in the URL
    data = printed_pdf(context, page, lambda: page.click("button:has-text('Print')"))
    text = pdf_text(data)
    assert PATIENT in text and "Tomar con comida" in text


def test_the_keyboard_alone_reaches_every_step(context: BrowserContext) -> None:
    page = signed_in(context)
    tab_to(page, "#q")
    page.keyboard.type("clonazepam")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    tab_to(page, f"#results a[href*='leaflet={LEAFLET}']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#print-form")
    tab_to(page, "#lang")
    assert page.evaluate("document.activeElement.value") == "en"
    tab_to(page, "#variant-standard")
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    assert page.is_checked("#variant-large-print")
    tab_to(page, "#patient")
    page.keyboard.type(PATIENT)
    # The focus is always visible: a 3 px ring.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"
    tab_to(page, "button:has-text('Preview')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview img")
    tab_to(page, "button:has-text('Print')")
    data = printed_pdf(context, page, lambda: page.keyboard.press("Enter"))
    assert PATIENT in pdf_text(data)


def test_a_schedule_is_added_from_the_keyboard(context: BrowserContext) -> None:
    page = signed_in(context)
    page.goto(f"/?leaflet={LEAFLET}")
    tab_to(page, "#patient")
    page.keyboard.type(PATIENT)
    tab_to(page, "[id='schedule.times[0].time']")
    # Hours, minutes, then AM or PM where the field has a 12-hour clock (ignored otherwise).
    page.keyboard.type("0800A")
    tab_to(page, "[id='schedule.times[0].amount']")
    page.keyboard.type("0.5 mg")
    tab_to(page, "button:has-text('Add a time')")
    page.keyboard.press("Enter")  # a plain form button: the page comes back with a new row
    page.wait_for_selector("[id='schedule.times[1].time']")
    # What was typed is still there, and the new row has the focus.
    assert page.input_value("#patient") == PATIENT
    assert page.input_value("[id='schedule.times[0].amount']") == "0.5 mg"
    assert page.evaluate("document.activeElement.id") == "schedule.times[1].time"
    assert "schedule" not in page.url and PATIENT.split("-")[0] not in page.url
    page.keyboard.type("0800P")
    tab_to(page, "[id='schedule.times[1].amount']")
    page.keyboard.type("1 tablet")
    assert run_axe(page) == []
    tab_to(page, "button:has-text('Print')")
    text = pdf_text(printed_pdf(context, page, lambda: page.keyboard.press("Enter")))
    assert PATIENT in text
    position = text.index("Your schedule")
    for value in ("8:00 AM", "0.5 mg", "8:00 PM", "1 tablet"):
        assert value in text[position:], value


def test_enter_in_a_text_field_previews_and_adds_no_row(context: BrowserContext) -> None:
    page = signed_in(context)
    page.goto(f"/?leaflet={LEAFLET}")
    tab_to(page, "#patient")
    page.keyboard.type(PATIENT)
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview img")
    assert page.locator("[id='schedule.times[1].time']").count() == 0
    assert page.input_value("#patient") == PATIENT
    # The default button is out of the tab order: Tab from the name never lands on it.
    assert page.evaluate("document.querySelector('.enter-key').tabIndex") == -1
    assert run_axe(page) == []


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus (it must, within ``limit`` presses)."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def pages_of_the_app(context: BrowserContext) -> Iterator[tuple[str, Page]]:
    page = context.new_page()
    page.goto("/")
    yield "sign-in", page
    page.fill("#password", "wrong password")
    page.click("button:has-text('Sign in')")
    yield "sign-in-failed", page
    page = signed_in(context)
    yield "home", page
    page.goto("/?q=Klonopin")
    yield "results", page
    page.goto("/?q=nothing-like-this")
    yield "no-results", page
    page.goto(f"/?leaflet={LEAFLET}&lang=es")
    yield "print-form-draft", page
    page.fill("#patient", PATIENT)
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview .error-summary, #preview img")
    yield "draft-refused-in-place", page
    page.check("#confirm_draft")
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview img")
    yield "preview", page
    page.goto("/?leaflet=clonazepam-emotional-effects&lang=ar&staff=ar")
    yield "arabic-staff-page", page
    page.goto("/built/nothing.pdf?staff=en")
    yield "not-found", page


def test_axe_finds_no_violation_on_any_page(context: BrowserContext) -> None:
    found = {name: run_axe(page) for name, page in pages_of_the_app(context)}
    assert len(found) == 10
    assert found == {name: [] for name in found}


def test_the_page_reflows_at_200_percent_zoom(browser: Browser, server: Served) -> None:
    context = browser.new_context(base_url=server.url, **ZOOMED)
    try:
        page = signed_in(context)
        page.goto(f"/?leaflet={LEAFLET}&lang=es&q=Klonopin")
        page.fill("#patient", PATIENT)
        page.check("#confirm_draft")
        page.click("button:has-text('Preview')")
        page.wait_for_selector("#preview img")
        # No sideways scrolling: the page fits 640 CSS pixels.
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        for selector in ("#q", "#lang", "#patient", "#note", "button.primary", "#preview img"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 640, selector
        assert run_axe(page) == []
    finally:
        context.close()


def test_screenshot_for_the_readme(context: BrowserContext) -> None:
    page = signed_in(context)
    page.goto(f"/?leaflet={LEAFLET}&lang=es&q=Klonopin")
    page.check("#variant-large-print")
    page.fill("#patient", "Ana García")
    page.fill("#note", "Una vez al día, por la noche.")
    page.fill("[id='schedule.times[0].time']", "21:00")
    page.fill("[id='schedule.times[0].amount']", "0,5 mg")
    page.check("#confirm_draft")
    page.click("button:has-text('Preview')")
    page.wait_for_selector("#preview img")
    assert page.input_value("[id='schedule.times[0].amount']") == "0,5 mg"  # kept by htmx
    shot = page.screenshot(full_page=True)
    assert len(shot) > 10_000
    if os.environ.get("LEAFLET_SCREENSHOT"):  # `LEAFLET_SCREENSHOT=1 pytest -k screenshot`
        SCREENSHOT.write_bytes(shot)


@pytest.mark.slow
def test_no_patient_name_is_left_anywhere_after_100_prints(server: Served) -> None:
    names = [f"Privacyprobe Name{number:03d} Quillfeather" for number in range(100)]
    for number, name in enumerate(names):
        body = {
            "leaflet": LEAFLET,
            "lang": ("en", "es", "ar", "ru")[number % 4],
            "variant": ("standard", "large-print", "plain", "plain-large-print")[number % 4],
            "patient": name,
            "note": f"Note for {name}",
            # A schedule is as personal as the name: its values are probes too.
            "schedule": (
                {"times": [{"time": "08:00", "amount": f"{number} Dosageprobe mg"}]}
                if number % 2
                else {
                    "start": "2026-12-01",
                    "steps": [{"dose": f"Taperprobe {number}", "days": 7}],
                }
            ),
            "confirm_draft": True,
        }
        request = urllib.request.Request(
            server.url + "/api/print",
            data=json.dumps(body).encode(),
            headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
            assert answer.headers["cache-control"] == "no-store"
            if number % 25 in (0, 1):  # on the page: the test would see them if leaked
                text = pdf_text(answer.read())
                assert name in text
                schedule = f"{number} Dosageprobe mg" if number % 2 else f"Taperprobe {number}"
                # (A Latin run with a number may read back reordered from an Arabic page.)
                assert schedule in text or body["lang"] == "ar"
    project = server.cwd.parent / "project"
    places = [server.log, project, project / "output", server.tmp, server.cwd]
    leaks = [
        f"{path}: {name}"
        for path in files_in(places)
        for content in [path.read_bytes()]
        for name in ("Privacyprobe", "Quillfeather", "Dosageprobe", "Taperprobe")
        if name.encode() in content or name.encode("utf-16-le") in content
    ]
    assert leaks == []
    assert "Traceback" not in server.log.read_text(errors="replace")


def files_in(places: list[Path]) -> list[Path]:
    found = []
    for place in places:
        if place.is_file():
            found.append(place)
        elif place.is_dir():
            found.extend(path for path in place.rglob("*") if path.is_file())
    return found
