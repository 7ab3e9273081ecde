"""The privacy register's card on the manager's home (``core.cards``; declared in
``declarations.py``): requests due this week and overdue, counted and listed, and
complaints not acknowledged within 30 days. Requests go by reference only, never a name."""

from django.db.models import Count

from core.cards import SHOWN

from .models import Complaint, PrivacyRequest
from .selectors import complaints_unacknowledged, due_this_week, overdue

VIEW_REQUEST = "privacy_requests.view_privacyrequest"  # the register's permission
VIEW_COMPLAINT = "privacy_requests.view_complaint"  # the complaints list's


def privacy_figures(user, today):
    """For those who may open the register (``None`` for anyone else): the requests'
    counts in one query, the requests behind them soonest deadline first (a query each),
    and for those who may open the complaints, the unacknowledged ones' count (one more).
    "This week" and "overdue" are the register's own filters, so each count is what its
    link lists."""
    if not user.has_perm(VIEW_REQUEST):
        return None
    counts = PrivacyRequest.objects.aggregate(
        due_this_week=Count("pk", filter=due_this_week(today)),
        overdue=Count("pk", filter=overdue(today)),
    )
    figures = {**counts, "complaints_allowed": False}
    if user.has_perm(VIEW_COMPLAINT):
        figures["complaints_allowed"] = True
        unacknowledged = Complaint.objects.filter(complaints_unacknowledged(today))
        figures["unacknowledged"] = unacknowledged.count()
    requests = PrivacyRequest.objects.only("pk", "right", "received_on", "due_on", "status")
    figures["privacy_due_this_week"] = list(
        requests.filter(due_this_week(today)).order_by("due_on", "pk")[:SHOWN]
    )
    figures["privacy_overdue"] = list(
        requests.filter(overdue(today)).order_by("due_on", "pk")[:SHOWN]
    )
    return figures
