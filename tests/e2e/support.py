"""Helpers for the browser tests: sizes, signing in, and checks any page should pass.

The fixtures that use them live in ``conftest.py``; tests import the helpers from here::

    from tests.e2e.support import sign_in, assert_no_horizontal_scroll
"""

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from centre import two_factor
from tests.conftest import PASSWORD
from tests.two_factor import app_device_for, unused_code

# The sizes the centre's devices have: the office computer and a tablet either way round.
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "tablet": {"width": 768, "height": 1024},
    "tablet-landscape": {"width": 1024, "height": 768},
}

# Smallest target a thumb can hit reliably (WCAG 2.5.5, and the CSS of .tablet pages).
MIN_TAP_TARGET = 44

# Screenshots of the journeys' key screens, for people to look at (ignored by git).
SCREENSHOTS_DIR = Path(__file__).resolve().parent / "screenshots"

# axe-core, vendored from npm with its licence (see vendor/axe-core/README.md).
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.2 level A and AA, as axe tags them, and the 24 by 24 px target size (2.5.8,
# tagged wcag22aa) named as well so that no later change of axe's defaults drops it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

# Screenshots for people to look at; /test-artifacts/ is ignored by git.
ARTIFACTS_DIR = Path(
    os.environ.get("E2E_ARTIFACTS_DIR")
    or Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
)

# Resource types whose failure to load means the page is broken (a missing stylesheet
# still "works" but looks nothing like it should).
_ASSET_TYPES = {"stylesheet", "script", "image", "font"}

# Reports every CSP violation to the console too, with the directive and what was blocked
# (Chromium's own message does not always say which element). Init scripts are injected
# by the browser itself, so the policy does not block this one.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.violatedDirective} blocked ` +
    `${event.blockedURI || "inline code"} at ${event.sourceFile || document.URL}` +
    `:${event.lineNumber}`
  );
});
"""


@dataclass
class PageLog:
    """What a page said while the test used it: console messages, uncaught JavaScript
    errors, and requests for its assets that failed."""

    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_assets: list[str] = field(default_factory=list)
    # The paths the page's main frame went to, and those axe has checked.
    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self.console.append((message.type, message.text)))
        page.on("framenavigated", lambda frame: self._navigated(page, frame))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _navigated(self, page: Page, frame) -> None:
        if frame == page.main_frame and frame.url.startswith("http"):
            path = urlsplit(frame.url).path
            if path not in self.visited:
                self.visited.append(path)

    @property
    def unchecked(self) -> list[str]:
        """Pages the main frame visited that axe never looked at."""
        return [path for path in self.visited if path not in self.checked]

    def _request_failed(self, request) -> None:
        if request.resource_type in _ASSET_TYPES:
            self.failed_assets.append(f"{request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.request.resource_type in _ASSET_TYPES and response.status >= 400:
            self.failed_assets.append(f"{response.url} (HTTP {response.status})")

    @property
    def csp_violations(self) -> list[str]:
        return [
            text
            for kind, text in self.console
            if kind == "error" and "content security policy" in text.lower()
        ]

    def clear(self) -> None:
        self.visited.clear()
        self.checked.clear()
        self.console.clear()
        self.page_errors.clear()
        self.failed_assets.clear()


_logs: WeakKeyDictionary[Page, PageLog] = WeakKeyDictionary()


def watch(page: Page) -> PageLog:
    """Start collecting what ``page`` says; the ``page_at`` fixture does this for you."""
    log = _logs[page] = PageLog()
    log.watch(page)
    return log


def log_of(page: Page) -> PageLog:
    return _logs[page]


def assert_no_csp_violations_or_js_errors(page: Page) -> None:
    """Fail if the page broke its Content Security Policy or threw a JavaScript error at
    any time since it was opened (every page it navigated to counts)."""
    log = log_of(page)
    problems = [f"CSP: {text}" for text in log.csp_violations]
    problems += [f"JavaScript error: {text}" for text in log.page_errors]
    assert not problems, f"{page.url} reported:\n  " + "\n  ".join(problems)


def assert_assets_loaded(page: Page) -> None:
    """Fail if a stylesheet, script, image or font the page asked for did not load."""
    failed = log_of(page).failed_assets
    assert not failed, f"{page.url} could not load:\n  " + "\n  ".join(failed)


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["page"] <= widths["window"], (
        f"{page.url} scrolls sideways at {widths['window']} CSS px wide: its content is "
        f"{widths['page']} px wide"
    )


# Every control a person can act on. A checkbox or radio button counts with its label,
# which takes the tap too.
_SMALL_TARGETS = """([within, least]) => {
  const area = document.querySelector(within);
  if (!area) return [];
  const controls = area.querySelectorAll(
    "a[href], button, summary, select, textarea, input:not([type=hidden])"
  );
  const small = [];
  for (const control of controls) {
    if (!control.checkVisibility()) continue;
    let box = control.getBoundingClientRect();
    if (["checkbox", "radio"].includes(control.type)) {
      for (const label of control.labels) {
        const around = label.getBoundingClientRect();
        const left = Math.min(box.left, around.left), top = Math.min(box.top, around.top);
        box = new DOMRect(left, top, Math.max(box.right, around.right) - left,
                          Math.max(box.bottom, around.bottom) - top);
      }
    }
    if (box.width < least || box.height < least) {
      const name = (control.innerText || control.getAttribute("aria-label") ||
                    control.name || "").split(/\\s+/).join(" ").trim();
      const kind = control.localName + (control.type && control.localName === "input"
                                         ? `[${control.type}]` : "");
      small.push(`${kind} '${name}' (${Math.round(box.width)} x ${Math.round(box.height)})`);
    }
  }
  return small;
}"""


def small_tap_targets(page: Page, within: str = "main") -> list[str]:
    """Every visible control inside ``within`` (link, button, summary, field) that is
    smaller than 44 x 44 CSS pixels, described as "element 'name' (width x height)"."""
    return page.evaluate(_SMALL_TARGETS, [within, MIN_TAP_TARGET])


def assert_fits_a_thumb(page: Page, *areas: str) -> None:
    """Every action in each area (``main`` and ``header`` unless told) is at least 44 by
    44 CSS px, and the page does not scroll sideways."""
    for area in areas or ("main", "header"):
        small = small_tap_targets(page, within=area)
        assert not small, f"{page.url}: targets in <{area}> under {MIN_TAP_TARGET} px:\n  " + (
            "\n  ".join(small)
        )
    assert_no_horizontal_scroll(page)


def save_screenshot(page: Page, name: str, *, folder: Path = ARTIFACTS_DIR) -> Path:
    """Save the whole page as ``<folder>/<name>.png`` (``test-artifacts/e2e/`` unless
    told) and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_file_name(name)}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def journey_screenshot(page: Page, name: str) -> Path:
    """A key screen of a journey, saved in ``tests/e2e/screenshots/`` for people to see."""
    return save_screenshot(page, name, folder=SCREENSHOTS_DIR)


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    axe goes in with ``page.evaluate``, which Chromium runs through DevTools in the page's
    own world: the page's Content Security Policy does not govern it. (``add_script_tag``
    also works in Chromium today, but only because the policy's ``'strict-dynamic'``
    lets a script inserted by already-running code through; evaluate does not depend on
    that.) test_harness.py shows axe running, and finding faults, under the real policy."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", AXE_OPTIONS
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    at {target}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str | None = None) -> None:
    """Fail if axe-core finds a WCAG 2.2 A or AA violation (target size included) on the
    page as it is now; each violation is listed with its rule, impact, the elements and
    what would fix it. The page is then counted as checked (see ``unchecked``)."""
    violations = axe_violations(page)
    where = name or page.url
    assert not violations, f"axe found violations on {where} ({page.url}):\n" + (
        describe_violations(violations)
    )
    log_of(page).checked.add(urlsplit(page.url).path)


def assert_every_page_checked(page: Page) -> None:
    """Fail if the page went anywhere axe never looked at."""
    unchecked = log_of(page).unchecked
    assert not unchecked, "axe never checked these pages the test visited:\n  " + (
        "\n  ".join(unchecked)
    )


def safe_file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def sign_in(page: Page, user, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a person would, and wait for the home page. Where
    the person's role needs a second factor, their authenticator app (set up beforehand)
    gives the code, as their phone would; the journey of setting it up is a test of its
    own (test_sign_in_journey.py)."""
    device = app_device_for(user) if two_factor.is_required_for(user) else None
    page.goto("/accounts/login/")
    assert_accessible(page, "the sign-in page")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if device is not None:
        _wait_for(page, "/accounts/two-factor/**", user)
        assert_accessible(page, "the second-factor page")
        page.get_by_label("Your code").fill(unused_code(device))
        page.get_by_role("button", name="Continue", exact=True).click()
    _wait_for(page, "/", user)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "the home page")


def _wait_for(page: Page, url: str, user) -> None:
    try:
        page.wait_for_url(url)
    except PlaywrightTimeoutError:
        alert = page.get_by_role("alert")
        said = " ".join(alert.inner_text().split()) if alert.count() else "no error shown"
        pytest.fail(
            f"Signing in as {user.email} did not reach {url}; still at {page.url} ({said})",
            pytrace=False,
        )
