"""The case page's "Holds" section, as a tag, so the case page (in ``referrals``) needs to
know nothing of safeguarding: ``{% load safeguarding_holds %}{% case_holds case %}``."""

from django import template
from django.db.models import Q

from ..models import Hold

register = template.Library()


@register.inclusion_tag("safeguarding/_case_holds.html", takes_context=True)
def case_holds(context, case):
    """Every hold on the case or one of its adults, standing first, in one query (two for
    someone who may place holds, who is also offered the case's adults)."""
    user = context["user"]
    holds = list(
        Hold.objects.filter(Q(case=case) | Q(adult__case=case)).order_by("-placed_at", "-pk")
    )
    can_place = user.has_perm("safeguarding.add_hold")
    return {
        "case": case,
        "standing": [hold for hold in holds if hold.is_standing],
        "lifted": [hold for hold in holds if not hold.is_standing],
        "can_place": can_place,
        "can_lift": user.has_perm("safeguarding.lift_hold"),
        "adults": list(case.adults.order_by("pk")) if can_place else [],
    }
