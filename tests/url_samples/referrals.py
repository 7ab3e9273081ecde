"""A case with one of each record, and the samples of the URLs that point at them."""

ORDER = 20


def build(world):
    from tests.factories import pdf_file
    from tests.referrals.factories import (
        AdultFactory,
        CaseDocumentFactory,
        CaseFactory,
        ChildFactory,
        CommunicationFactory,
        ConsentFactory,
        PreVisitFactory,
        ProtectiveOrderFactory,
        png_file,
    )

    world.case = case = CaseFactory(
        referral__court_order=True,
        referral__court_order_type="Child arrangements order",
        referral__court_order_copy=pdf_file(),
        referral__risk_domestic_abuse=True,
    )
    world.referral = case.referral
    world.resident = AdultFactory(case=case, role="resident", contact_details_confidential=True)
    world.visiting = AdultFactory(case=case, role="visiting")
    world.child = ChildFactory(case=case)
    world.consent = ConsentFactory(case=case, given_by=world.resident)
    world.pre_visit = PreVisitFactory(
        case=case,
        adult=world.resident,
        children=[world.child],
        photograph=png_file(),
        medical_needs="Fictional nut allergy",
        medical_consent=world.consent,
    )
    world.communication = CommunicationFactory(case=case)
    world.document = CaseDocumentFactory(case=case)
    world.protective_order = ProtectiveOrderFactory(case=case)


SAMPLES = {
    "referrals:case_detail": lambda world: {"pk": world.case.pk},
    "referrals:case_people": lambda world: {"pk": world.case.pk},
    "referrals:case_pre_visits": lambda world: {"pk": world.case.pk},
    "referrals:case_sessions": lambda world: {"pk": world.case.pk},
    "referrals:case_records": lambda world: {"pk": world.case.pk},
    "referrals:case_history": lambda world: {"pk": world.case.pk},
    "referrals:referral_edit": lambda world: {"pk": world.case.pk},
    "referrals:court_order_download": lambda world: {"pk": world.case.pk},
    "referrals:case_accept": lambda world: {"pk": world.case.pk},
    "referrals:case_decline": lambda world: {"pk": world.case.pk},
    "referrals:case_start_pre_visits": lambda world: {"pk": world.case.pk},
    "referrals:case_activate": lambda world: {"pk": world.case.pk},
    "referrals:case_close": lambda world: {"pk": world.case.pk},
    "referrals:case_review": lambda world: {"pk": world.case.pk},
    "referrals:adult_create": lambda world: {"pk": world.case.pk},
    "referrals:adult_edit": lambda world: {"pk": world.resident.pk},
    "referrals:child_create": lambda world: {"pk": world.case.pk},
    "referrals:child_edit": lambda world: {"pk": world.child.pk},
    "referrals:protective_order_create": lambda world: {"pk": world.case.pk},
    "referrals:protective_order_edit": lambda world: {"pk": world.protective_order.pk},
    "referrals:pre_visit_create": lambda world: {"pk": world.case.pk},
    "referrals:pre_visit_edit": lambda world: {"pk": world.pre_visit.pk},
    "referrals:pre_visit_photograph": lambda world: {"pk": world.pre_visit.pk},
    "referrals:consent_create": lambda world: {"pk": world.case.pk},
    "referrals:consent_withdraw": lambda world: {"pk": world.consent.pk},
    "referrals:communication_create": lambda world: {"pk": world.case.pk},
    "referrals:document_create": lambda world: {"pk": world.case.pk},
    "referrals:document_download": lambda world: {"pk": world.document.pk},
}
