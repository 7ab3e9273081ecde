"""The manager's home card for privacy requests: what is due this week, what is overdue,
and complaints not acknowledged within 30 days. A tag, so the centre's home view needs
to know nothing of privacy requests (``centre`` depends on no other app)."""

from django import template
from django.db.models import Count
from django.utils import timezone

from centre.access import rule_of

from .. import views
from ..models import Complaint, PrivacyRequest

register = template.Library()


@register.inclusion_tag("privacy_requests/_deadlines_card.html", takes_context=True)
def privacy_deadlines_card(context):
    """Two queries: the requests' counts together, then the complaints'. Nothing for
    anyone who may not open the register."""
    user = context["user"]
    if not rule_of(views.register).allows(user):
        return {"allowed": False}
    today = timezone.localdate()
    counts = PrivacyRequest.objects.aggregate(
        due_this_week=Count("pk", filter=views.due_this_week(today)),
        overdue=Count("pk", filter=views.overdue(today)),
    )
    card = {"allowed": True, **counts, "complaints_allowed": False}
    if rule_of(views.complaint_list).allows(user):
        card["complaints_allowed"] = True
        unacknowledged = Complaint.objects.filter(views.complaints_unacknowledged(today))
        card["unacknowledged"] = unacknowledged.count()
    return card
