"""An open erasure request about the world's visiting parent, and the sample of the
erasure URL."""

ORDER = 99


def build(world):
    import datetime

    from django.utils import timezone

    from centre.services import record_save
    from privacy_requests.models import PrivacyRequest

    world.erasure_request = record_save(
        record=PrivacyRequest(
            subject_adult=world.visiting,
            right=PrivacyRequest.Right.ERASURE,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=timezone.localdate() - datetime.timedelta(days=2),
            details="Please delete my details.",
        )
    )


SAMPLES = {"privacy_requests:erasure_decide": lambda world: {"pk": world.erasure_request.pk}}
