"""Reading a page's error summary (core/templatetags/error_summary.py) as a person would."""

import html
import re

SUMMARY = re.compile(r'<div class="alert alert-danger error-summary".*?</ul>', re.S)
ITEM = re.compile(r"<li>(?:<a href=\"#([^\"]+)\"[^>]*>)?(.*?)(?:</a>)?</li>", re.S)


def error_summary_of(page: str) -> dict:
    """``{"problems": [message, ...], "anchors": [field id, ...]}`` of the page's one
    error summary; ``{}`` where it has none."""
    found = SUMMARY.findall(page)
    if not found:
        return {}
    assert len(found) == 1, "a page has one error summary"
    items = ITEM.findall(found[0])
    return {
        "problems": [html.unescape(text.strip()) for _anchor, text in items],
        "anchors": [anchor for anchor, _text in items if anchor],
    }
