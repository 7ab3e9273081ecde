"""A disclosure made by hand about world.case's resident parent and a second version of
the privacy notice, so the log, the case page and the versions page render with rows.
The log's URLs take no parameters."""

ORDER = 85


def build(world):
    import datetime

    from centre.disclosures import disclosure_record, notice_version_publish
    from centre.models import Disclosure, PrivacyNoticeVersion, person_reference

    reference = world.case.display_reference
    world.disclosure = disclosure_record(
        disclosure=Disclosure(
            recipient="Fictional constabulary",
            recipient_type=Disclosure.RecipientType.POLICE,
            what="Attendance dates for October",
            basis_kind=Disclosure.Basis.LEGAL_OBLIGATION,
            basis="Request under Schedule 2 of the Data Protection Act 2018",
            person_told=Disclosure.PersonTold.NO,
            case_reference=reference,
            person_kind=Disclosure.PersonKind.ADULT,
            person_id=world.resident.pk,
            person_label=person_reference("adult", world.resident.pk, reference),
        ),
        actor=None,
    )
    world.notice_version = notice_version_publish(
        version=PrivacyNoticeVersion(
            version="2026-06",
            published_on=datetime.date(2026, 6, 1),
            changes="The retention table now lists accident book entries.",
        ),
        actor=None,
    )


SAMPLES = {}
