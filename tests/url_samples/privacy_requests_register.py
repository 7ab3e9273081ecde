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
    world.named_request = services.privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_name="Fictional Former Child",
            subject_details="Came to the centre with her father from 2015 to 2017.",
            child_age=11,
            made_by_subject=False,
            requester_name="Fictional Parent",
            authority_evidence="Birth certificate naming the parent.",
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=today - datetime.timedelta(days=1),
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


def _named_request(world):
    return {"pk": world.named_request.pk}


def _complaint(world):
    return {"pk": world.register_complaint.pk}


SAMPLES = {
    "privacy_requests:request_detail": _request,
    **{
        f"privacy_requests:request_{action}": _request
        for action in (
            "verify",
            "start",
            "ask_identity",
            "identity_received",
            "await",
            "resume",
            "extend",
            "complete",
            "refuse",
        )
    },
    # A request about a person the centre does not hold, made for her by a parent: the
    # child's view and the "no data held" answer are offered on its page.
    "privacy_requests:request_child": _named_request,
    "privacy_requests:request_no_data": _named_request,
    "privacy_requests:complaint_detail": _complaint,
    "privacy_requests:complaint_acknowledge": _complaint,
    "privacy_requests:complaint_investigation": _complaint,
    "privacy_requests:complaint_resolve": _complaint,
    "privacy_requests:complaint_letter": lambda world: {"pk": world.resolved_complaint.pk},
}
