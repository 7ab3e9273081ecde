"""The manager's home card for the disposal queue. A tag, so the centre's home view
needs to know nothing of retention (``centre`` depends on no other app)."""

from django import template

from centre.access import rule_of

from ..models import QueueItem
from ..views import queue

register = template.Library()


@register.inclusion_tag("retention/_queue_card.html", takes_context=True)
def disposal_queue_card(context):
    """How many records await the manager's decision, in one query; nothing for anyone
    who may not open the queue."""
    user = context["user"]
    if not rule_of(queue).allows(user):
        return {"allowed": False}
    return {"allowed": True, "count": QueueItem.objects.awaiting_decision().count()}
