"""The home pages' badge of new safeguarding concerns. A tag, so the centre's home view
needs to know nothing of safeguarding (``centre`` depends on no other app)."""

from django import template

from centre.access import rule_of

from ..models import Concern
from ..views import concern_list

register = template.Library()


@register.inclusion_tag("safeguarding/_concerns_badge.html", takes_context=True)
def concerns_badge(context):
    """How many concerns are new, for those who may open the list of concerns (the
    designated safeguarding lead and the manager), in one query; nothing for anyone else."""
    user = context["user"]
    if not rule_of(concern_list).allows(user):
        return {"allowed": False}
    return {"allowed": True, "count": Concern.objects.new().count()}
