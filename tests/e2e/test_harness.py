"""The browser harness's own checks catch what they are there to catch: a check that can
never fail would let the Content Security Policy quietly stop working."""

import pytest

from .support import (
    assert_accessible,
    assert_no_csp_violations_or_js_errors,
    axe_violations,
    log_of,
)

pytestmark = pytest.mark.e2e

# A page that breaks the policy twice (an inline style and a script without the nonce).
BAD_PAGE = """<!doctype html>
<html lang="en-GB"><head><title>unchanged</title></head>
<body>
  <p style="color: red">Inline style</p>
  <script>document.title = "inline script ran";</script>
</body></html>"""


def wait_until(page, condition, timeout_ms=3_000):
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the browser did not report it in time")


def serve_under_the_real_policy(page, path, body):
    """Answer ``path`` with ``body`` and the application's own Content Security Policy."""
    policy = page.request.get("/accounts/login/").headers["content-security-policy"]
    page.route(
        f"**{path}",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=body,
        ),
    )


def test_the_page_check_catches_csp_violations_and_javascript_errors(desktop_page):
    page = desktop_page
    # The application's real policy, on a page made to break it.
    serve_under_the_real_policy(page, "/harness-check/", BAD_PAGE)
    log = log_of(page)

    page.goto("/harness-check/")
    wait_until(page, lambda: len(log.csp_violations) >= 2)
    with page.expect_event("pageerror"):
        page.evaluate("() => setTimeout(() => { throw new Error('deliberate failure'); })")

    assert page.title() == "unchanged", "the policy let an inline script run"
    with pytest.raises(AssertionError) as caught:
        assert_no_csp_violations_or_js_errors(page)
    report = str(caught.value)
    assert "style-src" in report
    assert "script-src" in report or "default-src" in report
    assert "deliberate failure" in report

    log.clear()  # the page was broken on purpose; do not fail this test at teardown


# A page with three WCAG 2.2 AA failures: an image with no text alternative, a field with
# no label, and two links of 12 by 12 px side by side (target size, 2.5.8).
INACCESSIBLE_PAGE = """<!doctype html>
<html lang="en-GB"><head><title>Inaccessible</title><link rel="stylesheet" href="/a.css"></head>
<body><main>
  <h1>Inaccessible</h1>
  <img src="/static/none.png">
  <input type="text" name="unlabelled">
  <p class="tiny"><a href="/one/">1</a><a href="/two/">2</a></p>
</main></body></html>"""
TINY_LINKS = "a { display: inline-block; width: 12px; height: 12px; overflow: hidden; }"


def test_axe_runs_under_the_strict_policy_and_reports_what_a_page_gets_wrong(desktop_page):
    page = desktop_page
    serve_under_the_real_policy(page, "/axe-check/", INACCESSIBLE_PAGE)
    page.route(
        "**/a.css",
        lambda route: route.fulfill(status=200, content_type="text/css", body=TINY_LINKS),
    )
    page.route("**/none.png", lambda route: route.fulfill(status=204))
    page.goto("/axe-check/")

    # axe goes in through DevTools (page.evaluate), which the policy does not govern.
    rules = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label", "target-size"} <= rules

    with pytest.raises(AssertionError) as caught:
        assert_accessible(page, "a page made to fail")
    report = str(caught.value)
    assert "image-alt (critical)" in report
    assert "target-size (serious)" in report
    assert "at img" in report

    log_of(page).clear()  # the page broke the policy on purpose
