"""Reads of the register: which requests are due this week or overdue, and which
complaints are unacknowledged. The register's filters and the manager's home card both
ask these, so what the card counts is what its links list."""

import datetime

from django.db.models import Exists, OuterRef, Q

from .models import ClarificationPause, Complaint, PrivacyRequest

WEEK = datetime.timedelta(days=7)
ACKNOWLEDGE_WITHIN = datetime.timedelta(days=Complaint.ACKNOWLEDGE_WITHIN_DAYS)
OPEN = PrivacyRequest.OPEN_STATUSES


def clock_stopped():
    """Requests no deadline runs for today (``PrivacyRequest.clock_stopped``): identity
    evidence asked for has not arrived, so the month has not started; or a clarification
    asked for by the deadline is unanswered. A question asked after the deadline had
    passed stops nothing: that request stays overdue."""
    open_question = ClarificationPause.objects.filter(
        request=OuterRef("pk"), answered_on__isnull=True, asked_on__lte=OuterRef("due_on")
    )
    return Q(identity_requested_on__isnull=False, identity_received_on__isnull=True) | Q(
        Exists(open_question)
    )


def due_this_week(today):
    """Open requests whose clock runs and whose deadline is today or within seven days."""
    return Q(status__in=OPEN, due_on__gte=today, due_on__lte=today + WEEK) & ~clock_stopped()


def overdue(today):
    """Open requests past their deadline whose clock runs."""
    return Q(status__in=OPEN, due_on__lt=today) & ~clock_stopped()


def complaints_unacknowledged(today):
    """Complaints still not acknowledged 30 days after they arrived."""
    return Q(status=Complaint.Status.RECEIVED, received_on__lt=today - ACKNOWLEDGE_WITHIN)
