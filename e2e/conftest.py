"""The browser suite: Debian's Chromium driven by Playwright, axe-core from npm.

Without /usr/bin/chromium or node_modules/axe-core it does not pass silently: every
test is skipped with the reason, and a banner at the end of the run says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.core.cache import cache
from django.core.management import call_command

from common.tests.seed import restore_seed_data
from e2e.a11y import AXE_PATH, CHECKED

# Debian's package; HALLPASS_E2E_CHROMIUM points elsewhere (or at nothing, to see the skip).
CHROMIUM = Path(os.environ.get("HALLPASS_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANGUAGES = ["en", "es", "vi"]
WIDTHS = [375, 1280]
HEIGHT = {375: 812, 1280: 900}

_skip_reasons: set[str] = set()


def missing_tools() -> str:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found (apt-get install chromium)")
    if not AXE_PATH.exists():
        missing.append(f"{AXE_PATH.relative_to(AXE_PATH.parents[2])} not found (make e2e-deps)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package is not installed")
    return "; ".join(missing)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skip_reasons:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        for reason in sorted(_skip_reasons):
            terminalreporter.write_line(f"BROWSER SUITE SKIPPED: {reason}", red=True, bold=True)
        terminalreporter.write_line(
            "No page was checked in a real browser or by axe-core in this run.", red=True
        )
        terminalreporter.write_line(bar, red=True, bold=True)
    elif CHECKED:
        terminalreporter.write_line(
            f"browser suite: axe-core checked {len(CHECKED)} page views "
            f"(screenshots in e2e/screenshots/)"
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = missing_tools()
    if reason:
        _skip_reasons.add(reason)
        pytest.skip(f"BROWSER SUITE SKIPPED: {reason}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes
    # Django refuse ORM calls from the test body; the ORM calls here are ordinary
    # synchronous setup, so the check is lifted for the browser suite only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Django's serialized rollback cannot restore the seeded rows here: Playwright's sync
# API runs the tests in a fresh contextvars context, away from the connection that
# holds the snapshot, and other transactional tests recreate content types first.
@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    """The live server's URL, with seeded rows restored and throttles cleared.

    Throttle counters live in the cache, which a database flush does not empty."""
    restore_seed_data()
    call_command("createcachetable", verbosity=0)
    cache.clear()
    return str(live_server.url)


def new_page(browser: Any, lang: str, width: int) -> Any:
    """A fresh browser (no cookies) whose Accept-Language asks for `lang`."""
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT.get(width, 900)},
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Console errors too: the browser reports what the Content-Security-Policy
    # blocked (an inline style or script, a resource from elsewhere) only there.
    page.on("console", lambda message: record_console_error(page, message, errors))
    page.js_errors = errors
    return page


def record_console_error(page: Any, message: Any, errors: list[str]) -> None:
    """A console error, except the status of the page itself (the 404 page's own
    "Failed to load resource"), which the tests check where they mean it, and the
    /favicon.ico that Chromium asks for on its own where a page (Django's admin)
    names no icon."""
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and (
        message.location.get("url") in (page.url, urljoin(page.url, "/favicon.ico"))
    ):
        return
    errors.append(f"console: {message.text}")


@pytest.fixture(params=[(lang, width) for lang in LANGUAGES for width in WIDTHS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def page(request: pytest.FixtureRequest, browser: Any, site: str) -> Iterator[Any]:
    """A page in one language at one width; every flow runs in all six."""
    lang, width = request.param
    page = new_page(browser, lang, width)
    page.hallpass = (lang, width, site)
    yield page
    page.context.close()
