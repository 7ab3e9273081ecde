"""For ``seed_demo``: a subject access request whose deadline is near, an erasure request
from a parent whose self-referral has just closed, and a complaint not yet acknowledged,
so the register, the manager's deadlines card and the erasure path have something to
show. Every person is one of the demo's fictional families."""

import datetime

from referrals.models import Adult

from . import services
from .models import Complaint, PrivacyRequest

DAY = datetime.timedelta(days=1)


def _adult(last_name, role):
    return (
        Adult.objects.filter(last_name=last_name, role=role)
        .select_related("case")
        .order_by("pk")
        .first()
    )


def seed(*, actor, today):
    asker = _adult("Whitlock", Adult.Role.VISITING)
    if asker is not None:
        request = services.privacy_request_log(
            privacy_request=PrivacyRequest(
                subject_adult=asker,
                right=PrivacyRequest.Right.ACCESS,
                channel=PrivacyRequest.Channel.EMAIL,
                received_on=today - 26 * DAY,
                details="A copy of everything the centre holds about me and my daughter.",
            ),
            actor=actor,
        )
        services.privacy_request_verify_identity(
            privacy_request=request,
            evidence="Passport seen at the centre (fictional)",
            verified_on=today - 25 * DAY,
            actor=actor,
        )
        # A clarification answered two days later: the register shows the three days
        # that do not count among the steps to the deadline.
        services.privacy_request_ask_clarification(
            privacy_request=request,
            asked_on=today - 20 * DAY,
            asked_for="Which years of session notes (fictional)",
            actor=actor,
        )
        services.privacy_request_clarification_answered(
            privacy_request=request, answered_on=today - 18 * DAY, actor=actor
        )
    leaver = _adult("Kowalski", Adult.Role.VISITING)
    if leaver is not None:
        services.privacy_request_log(
            privacy_request=PrivacyRequest(
                subject_adult=leaver,
                right=PrivacyRequest.Right.ERASURE,
                channel=PrivacyRequest.Channel.LETTER,
                received_on=today - 4 * DAY,
                details="Please delete my details now that contact has ended.",
            ),
            actor=actor,
        )
    complainant = _adult("Raman", Adult.Role.RESIDENT)
    if complainant is not None:
        services.complaint_log(
            complaint=Complaint(
                subject_adult=complainant,
                channel=PrivacyRequest.Channel.LETTER,
                received_on=today - 12 * DAY,
                summary="My new address was read out in the waiting area (fictional).",
            ),
            actor=actor,
        )
