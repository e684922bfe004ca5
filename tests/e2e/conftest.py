"""End-to-end fixtures: the app served on a free local port, and headless Debian Chromium."""

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# The machine may have no network: without these, Chromium's background services
# (QUIC probes, component updates, sync) fail noisily while the tests run.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    """The app being served, and the address it is served on."""

    app: Flask
    url: str


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """Serve the test app with CSRF on, in a background thread, on 127.0.0.1 and a free port."""
    if not app.config["WTF_CSRF_ENABLED"]:
        pytest.fail(
            "End-to-end tests run with CSRF on: mark them with @pytest.mark.csrf.", pytrace=False
        )
    # werkzeug adds its own stderr handler to its logger when it has none; a NullHandler keeps
    # request logs out of the output, while errors still reach pytest's captured log.
    werkzeug_logger = logging.getLogger("werkzeug")
    quiet = logging.NullHandler()
    werkzeug_logger.addHandler(quiet)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        werkzeug_logger.removeHandler(quiet)


@pytest.fixture(scope="package")
def browser():
    """Launch Debian's Chromium once for the e2e tests; skip (fail on CI) when it is missing."""
    # Package scope, not session: Playwright's sync API keeps an event loop running in this
    # thread until it stops, and later tests that sign a PDF (pyHanko uses asyncio.run) fail.
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run the end-to-end tests).", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def screenshot(request) -> Callable:
    """Return a function that saves a full-page screenshot under test-artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def _shot(page, step: str) -> Path:
        path = ARTIFACTS / f"{_slug(request.node.name)}-{next(counter):02d}-{_slug(step)}.png"
        # A full-page shot resizes the viewport and back; Chromium then scrolls a focused input
        # into view at the next input event, so the next click would land beside its target.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def _console_problem(message) -> bool:
    # Browsers ask for /favicon.ico on their own; the app does not serve one (yet), and that
    # 404 says nothing about the page under test.
    url = message.location.get("url") or ""
    # A form sent back with its errors answers 400 on purpose (the page then shows them).
    form_errors = "status of 400" in message.text and "/static/" not in url
    return message.type == "error" and not url.endswith("/favicon.ico") and not form_errors


@pytest.fixture
def new_page(request, browser, live_server, screenshot):
    """Return a function that opens a page in a fresh browser context for a given locale.

    Pages resolve relative URLs against the live server. Every context is closed after the
    test; when the test failed, each open page is saved as a screenshot first. JavaScript
    errors and console errors (a CSP violation, a failed resource) fail the test.
    """
    contexts = []
    problems: list[str] = []

    def _new_page(locale: str = "en-US"):
        context = browser.new_context(
            locale=locale,
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                _console_problem(msg)
                and problems.append(f"{page.url}: {msg.text} ({msg.location.get('url')})")
            ),
        )
        return page

    yield _new_page
    call = getattr(request.node, "report_call", None)
    for context in contexts:
        if call is not None and call.failed:
            for page in context.pages:
                screenshot(page, "failed")
        context.close()
    if problems and call is not None and call.passed:
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """Return a page in a fresh English (en-US) browser context, for stable English labels."""
    return new_page("en-US")
