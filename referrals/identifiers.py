"""What identifies an adult of a case, for finding them in free text
(``centre.identifiers``): used by the report checks and by response packs."""

from centre.identifiers import Identifiers

OTHER_ADULT = "Another adult of the case"
CONFIDENTIAL_ADULT = "An adult whose details are confidential from the other party"


def never_disclose_phrases(adult) -> list[str]:
    return [line.strip() for line in (adult.never_disclose or "").splitlines() if line.strip()]


def adult_identifiers(adult, *, reason=None) -> Identifiers:
    """Everything the centre holds that identifies ``adult``; a confidential adult's
    identifiers are marked confidential."""
    confidential = adult.contact_details_confidential
    return Identifiers(
        reason=reason or (CONFIDENTIAL_ADULT if confidential else OTHER_ADULT),
        confidential=confidential,
        names=[(adult.first_name, adult.last_name)],
        phones=[adult.phone, adult.phone_other],
        emails=[adult.email],
        postcodes=[adult.postcode],
        addresses=[adult.address],
        dates_of_birth=[adult.date_of_birth],
        phrases=never_disclose_phrases(adult),
    )
