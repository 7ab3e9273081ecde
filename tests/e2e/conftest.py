"""Browser tests: the application served by pytest-django's ``live_server``, driven in
Debian's Chromium through Playwright (sync API). Playwright never downloads a browser.

Chromium is taken from ``CHROMIUM_PATH``, else ``chromium`` or ``chromium-browser`` on the
PATH. Without it these tests are skipped, unless ``E2E_REQUIRED=1``, which makes them fail.

Fixtures for later tests:

* ``browser``: one headless Chromium for the whole run.
* ``page_at("desktop" | "tablet" | "tablet-landscape" | {"width": .., "height": ..},
  zoom=1)``: a fresh page in a fresh context (no cookies) on the live server, so ``page.goto("/")``
  works; ``desktop_page``, ``tablet_page`` and ``tablet_landscape_page`` are shortcuts.
  Every page is watched (``support.log_of(page)``), and a test whose pages broke the
  Content Security Policy or threw a JavaScript error fails at teardown even if it never
  asked; a failed test leaves a screenshot of each of its pages in
  ``test-artifacts/e2e/failures/``.
* ``cast("manager" | "staff" | "volunteer" | "outsider")``: the people of
  ``tests/conftest.py``, written so that the live server (another thread and, on
  PostgreSQL, another connection) can see them.

Helpers such as ``sign_in(page, user)`` are in ``support.py``.

Every test here is marked ``e2e`` (``pytest -m "not e2e"`` leaves them out) and runs after
all the other tests: while Playwright's sync API is running, the test thread has an
asyncio loop, which Django's async-safety checks and ``async_to_sync`` object to. For the
same reason ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while the browser is up.
"""

import os
import shutil
from contextlib import suppress
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from .support import (
    ARTIFACTS_DIR,
    CSP_LISTENER,
    VIEWPORTS,
    assert_no_csp_violations_or_js_errors,
    safe_file_name,
    watch,
)

E2E_DIR = Path(__file__).resolve().parent

# Debian's Chromium with nothing that reaches outwards: the machines have no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Long enough for a slow CI machine, short enough that a wrong selector fails quickly.
TIMEOUT_MS = 10_000

_reports = pytest.StashKey[dict]()


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to use and, if there is none, why not."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        found = shutil.which(configured)
        return found, f"CHROMIUM_PATH={configured} is not an executable file"
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found, "neither chromium nor chromium-browser is on the PATH"


def _is_e2e(item: pytest.Item) -> bool:
    return item.path.resolve().is_relative_to(E2E_DIR)


def pytest_collection_modifyitems(config, items):
    # Runs after pytest-django has put the tests in Django's order (its hook is tryfirst).
    ours = [item for item in items if _is_e2e(item)]
    if not ours:
        return
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if not _is_e2e(item)] + ours


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Kept on the test so that ``page_at`` knows at teardown whether the test failed.
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session", autouse=True)
def chromium_executable():
    """Skip (or, with E2E_REQUIRED=1, fail) every browser test when there is no Chromium,
    before any database or server is set up for them."""
    path, why_not = find_chromium()
    if path is None:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(
                f"E2E_REQUIRED=1 but Chromium was not found: {why_not}. Install it with "
                "'apt-get install chromium' or set CHROMIUM_PATH.",
                pytrace=False,
            )
        pytest.skip(
            f"Chromium not found ({why_not}): skipping the browser tests. Install it with "
            "'apt-get install chromium' or set CHROMIUM_PATH."
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One headless Chromium for the run, closed when the session ends."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_at(request, browser, live_server):
    """Open a fresh page at a named size (see ``support.VIEWPORTS``) or an explicit one."""
    contexts = []
    pages = []

    def open_page(viewport="desktop", *, zoom=1):
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        # Zoomed in, as the browser's own zoom does it: fewer CSS pixels across the same
        # screen, each drawn with more device pixels.
        size = {"width": round(size["width"] / zoom), "height": round(size["height"] / zoom)}
        context = browser.new_context(
            viewport=size,
            device_scale_factor=zoom,
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            color_scheme="light",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        pages.append(page)
        return page

    yield open_page

    reports = request.node.stash.get(_reports, {})
    failed = any(report.failed for report in reports.values())
    try:
        if failed:
            (ARTIFACTS_DIR / "failures").mkdir(parents=True, exist_ok=True)
            for number, page in enumerate(pages, start=1):
                name = safe_file_name(f"{request.node.nodeid.split('/')[-1]}-{number}")
                with suppress(PlaywrightError):  # a closed or crashed page has no picture
                    page.screenshot(path=ARTIFACTS_DIR / "failures" / f"{name}.png", full_page=True)
        else:
            for page in pages:
                assert_no_csp_violations_or_js_errors(page)
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def desktop_page(page_at):
    return page_at("desktop")


@pytest.fixture
def tablet_page(page_at):
    return page_at("tablet")


@pytest.fixture
def tablet_landscape_page(page_at):
    return page_at("tablet-landscape")


@pytest.fixture
def cast(request, transactional_db):
    """Look up a person of ``tests/conftest.py`` by role name. ``transactional_db`` comes
    first, so the people are committed where the live server can read them."""

    def person(role):
        return request.getfixturevalue(role)

    return person
