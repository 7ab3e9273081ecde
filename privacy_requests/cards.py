"""The privacy register's card on the manager's home (``core.cards``; declared in
``declarations.py``): requests due this week and overdue, counted and listed, and
complaints not acknowledged within 30 days. Requests go by reference only, never a name."""

from core.cards import SHOWN

from .models import Complaint, PrivacyRequest
from .selectors import complaints_unacknowledged, due_this_week, overdue

VIEW_REQUEST = "privacy_requests.view_privacyrequest"  # the register's permission
VIEW_COMPLAINT = "privacy_requests.view_complaint"  # the complaints list's


def privacy_counts(user, today):
    """For those who may open the register (``None`` for anyone else): the requests due
    this week and overdue, and for those who may open the complaints, the unacknowledged
    ones. "This week" and "overdue" are the register's own filters, so each count is what
    its link lists."""
    if not user.has_perm(VIEW_REQUEST):
        return None
    wanted = {
        "due_this_week": PrivacyRequest.objects.filter(due_this_week(today)),
        "overdue": PrivacyRequest.objects.filter(overdue(today)),
    }
    if user.has_perm(VIEW_COMPLAINT):
        wanted["unacknowledged"] = Complaint.objects.filter(complaints_unacknowledged(today))
    return wanted


def privacy_figures(user, today, counted):
    """The counts (``privacy_counts``, counted with the page's) and the requests behind
    them, soonest deadline first (a query for each count that is not 0)."""
    figures = {**counted, "complaints_allowed": "unacknowledged" in counted}
    requests = PrivacyRequest.objects.only("pk", "right", "received_on", "due_on", "status")
    for name, within in (("due_this_week", due_this_week), ("overdue", overdue)):
        figures[f"privacy_{name}"] = (
            list(requests.filter(within(today)).order_by("due_on", "pk")[:SHOWN])
            if figures[name]
            else []  # none counted: nothing to ask for
        )
    return figures
