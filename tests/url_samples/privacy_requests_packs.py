"""A privacy request about the world's resident parent, with their record confirmed and
a response pack built, and the samples of the finding and pack URLs."""

ORDER = 95


def build(world):
    import datetime

    from centre.services import record_save
    from privacy_requests.finding import request_records_confirm
    from privacy_requests.models import PrivacyRequest
    from privacy_requests.pack import pack_build

    request = PrivacyRequest(
        subject_adult=world.resident,
        right=PrivacyRequest.Right.ACCESS,
        channel=PrivacyRequest.Channel.LETTER,
        received_on=datetime.date(2026, 11, 1),
        identity_evidence="Fictional passport seen",
        identity_verified_on=datetime.date(2026, 11, 2),
    )
    request.label_subject()
    world.pack_request = record_save(record=request)
    key = f"referrals.adult:{world.resident.pk}"
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=None)
    world.response_pack = pack_build(request=request, actor=None)


SAMPLES = {
    name: (lambda world: {"pk": world.pack_request.pk})
    for name in (
        "privacy_requests:person_find",
        "privacy_requests:person_confirm",
        "privacy_requests:pack",
        "privacy_requests:pack_build",
        "privacy_requests:pack_review",
        "privacy_requests:pack_withhold",
        "privacy_requests:pack_unredact",
        "privacy_requests:pack_release",
        "privacy_requests:pack_print",
        "privacy_requests:pack_pdf",
        "privacy_requests:portability_export",
        "privacy_requests:request_lawful_basis",
    )
}
