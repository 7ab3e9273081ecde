"""An open privacy request and complaint about the world's resident parent, a resolved
complaint (its outcome letter), and the samples of the register's URLs."""

ORDER = 90


def build(world):
    import datetime

    from django.utils import timezone

    from privacy_requests import services
    from privacy_requests.models import Complaint, PrivacyRequest

    today = timezone.localdate()
    world.register_request = services.privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_adult=world.resident,
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.EMAIL,
            received_on=today - datetime.timedelta(days=3),
            details="A copy of everything held about me.",
        ),
        actor=None,
    )
    world.register_complaint = services.complaint_log(
        complaint=Complaint(
            subject_adult=world.resident,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=today - datetime.timedelta(days=2),
            summary="My new address was shown to the other parent.",
        ),
        actor=None,
    )
    resolved = services.complaint_log(
        complaint=Complaint(
            subject_adult=world.resident,
            channel=PrivacyRequest.Channel.EMAIL,
            received_on=today - datetime.timedelta(days=20),
            summary="A report was sent to the wrong solicitor.",
        ),
        actor=None,
    )
    services.complaint_acknowledge(
        complaint=resolved, acknowledged_on=today - datetime.timedelta(days=18), actor=None
    )
    world.resolved_complaint = services.complaint_resolve(
        complaint=resolved,
        outcome="Upheld: the report is recalled and the contact list corrected.",
        resolved_on=today,
        actor=None,
    )


def _request(world):
    return {"pk": world.register_request.pk}


def _complaint(world):
    return {"pk": world.register_complaint.pk}


SAMPLES = {
    "privacy_requests:request_detail": _request,
    **{
        f"privacy_requests:request_{action}": _request
        for action in ("verify", "start", "await", "resume", "extend", "complete", "refuse")
    },
    "privacy_requests:complaint_detail": _complaint,
    "privacy_requests:complaint_acknowledge": _complaint,
    "privacy_requests:complaint_investigation": _complaint,
    "privacy_requests:complaint_resolve": _complaint,
    "privacy_requests:complaint_letter": lambda world: {"pk": world.resolved_complaint.pk},
}
