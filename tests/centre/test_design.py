"""The design layer's pieces that are templates (docs/design.md)."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


def test_it_renders_an_empty_state_saying_what_is_missing_and_what_to_do():
    html = render_to_string(
        "includes/empty_state.html",
        {
            "title": "No sessions yet",
            "text": "Sessions are set up a few weeks ahead.",
            "action_url": "/sessions/new/",
            "action_label": "Set up a session",
        },
    )

    assert 'class="empty-state"' in html
    assert "No sessions yet" in html
    assert "Sessions are set up a few weeks ahead." in html
    assert '<a class="btn btn-outline-primary" href="/sessions/new/">Set up a session</a>' in html


def test_it_renders_an_empty_state_without_an_action_when_none_is_given():
    html = render_to_string("includes/empty_state.html", {"title": "Nothing to check"})

    assert "Nothing to check" in html
    assert "<a " not in html
    assert "<p></p>" not in html


def test_the_stylesheet_defines_every_class_the_design_guide_names():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "handover.css").read_text()
    for selector in (
        "dl.summary-list",
        ".record-card",
        ".empty-state",
        ".btn-primary",
        ".btn-danger",
        ".btn-outline-danger",
        ".site-subnav",
    ):
        assert selector in css, selector
