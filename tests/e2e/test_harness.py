"""The browser harness's own checks catch what they are there to catch: a check that can
never fail would let the Content Security Policy quietly stop working."""

import pytest

from .support import assert_no_csp_violations_or_js_errors, log_of

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


def test_the_page_check_catches_csp_violations_and_javascript_errors(desktop_page):
    page = desktop_page
    # The application's real policy, on a page made to break it.
    policy = page.request.get("/accounts/login/").headers["content-security-policy"]
    page.route(
        "**/harness-check/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=BAD_PAGE,
        ),
    )
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
