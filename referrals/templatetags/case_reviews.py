"""The home pages' list of six-monthly reviews that are due. A tag, so the centre's home
view needs to know nothing of cases (``centre`` depends on no other app)."""

from django import template
from django.utils import timezone

from ..selectors import cases_due_for_review

register = template.Library()

SHOWN = 10


@register.inclusion_tag("referrals/_reviews_due.html", takes_context=True)
def reviews_due(context, heading_level=2):
    """Up to ten active cases whose review is due, soonest first, in two queries, under
    a heading of ``heading_level`` (to fit the page's outline)."""
    user = context["user"]
    if not user.has_perm("referrals.view_case"):
        return {"allowed": False}
    today = timezone.localdate()
    cases = list(cases_due_for_review(on=today)[: SHOWN + 1])
    return {
        "allowed": True,
        "cases": cases[:SHOWN],
        "more": len(cases) > SHOWN,
        "today": today,
        "heading": f"h{heading_level}",
    }
