"""The case page's restriction banner, as a tag, so the case page (in ``referrals``) needs
to know nothing of privacy requests: ``{% load restrictions %}{% restriction_banner case %}``.
"""

from django import template

from ..restrictions import case_restrictions

register = template.Library()


@register.inclusion_tag("privacy_requests/_restriction_banner.html", takes_context=True)
def restriction_banner(context, case):
    """The restrictions standing on the case's people, with their reasons, in one query;
    nothing at all when none stands."""
    user = context["user"]
    return {
        "restrictions": case_restrictions(case),
        "can_lift": user.has_perm("privacy_requests.change_restriction"),
        "can_view": user.has_perm("privacy_requests.view_restriction"),
    }
