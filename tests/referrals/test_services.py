"""A case's journey from referral to closure: each move checked, recorded and
attributed; the retention class read from the referral."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from centre.services import record_save
from referrals.models import (
    Adult,
    Case,
    Child,
    Communication,
    Consent,
    PreVisit,
    Referral,
    RetentionRule,
)
from referrals.services import (
    add_months,
    case_accept,
    case_activate,
    case_close,
    case_create,
    case_decline,
    case_review_record,
    case_start_pre_visits,
    consent_withdraw,
    pre_visit_save,
    referral_update,
)

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def new_case(actor=None, **referral):
    fields = {"source": "self", "received_on": datetime.date(2026, 11, 2), "service": "supported"}
    fields.update(referral)
    return case_create(referral=Referral(**fields), actor=actor)


def add_family(case):
    resident = record_save(
        record=Adult(case=case, role="resident", first_name="Jane", last_name="Doe")
    )
    visiting = record_save(
        record=Adult(case=case, role="visiting", first_name="John", last_name="Roe")
    )
    record_save(
        record=Child(
            case=case, first_name="Sam", last_name="Doe", date_of_birth=datetime.date(2018, 7, 9)
        )
    )
    return resident, visiting


def complete_pre_visit(case, adult, on=datetime.date(2026, 11, 20)):
    return pre_visit_save(
        pre_visit=PreVisit(
            case=case,
            adult=adult,
            visited_on=on,
            ground_rules_agreed_on=on,
            ground_rules_witnessed_by="Bob Stanton",
            arrangements_agreed=True,
        )
    )


@pytest.mark.parametrize(
    ("referral", "rule"),
    [
        ({"source": "self", "service": "supported"}, RetentionRule.CONTACT_SELF),
        ({"source": "self", "service": "handover"}, RetentionRule.CONTACT_SELF),
        ({"source": "self", "service": "supervised"}, RetentionRule.CONTACT_COURT),
        ({"source": "self", "service": "supported", "court_order": True}, "contact-court"),
        ({"source": "self", "service": "supported", "cafcass_involved": True}, "contact-court"),
        ({"source": "cafcass", "service": "supported", "cafcass_involved": True}, "contact-court"),
        ({"source": "solicitor", "service": "supported"}, RetentionRule.CONTACT_COURT),
        ({"source": "local_authority", "service": "handover"}, RetentionRule.CONTACT_COURT),
        ({"source": "court", "service": "supervised", "court_order": True}, "contact-court"),
    ],
    ids=[
        "self-supported",
        "self-handover",
        "self-supervised",
        "self-with-order",
        "self-with-cafcass",
        "cafcass",
        "solicitor-without-order",
        "local-authority-without-order",
        "court",
    ],
)
def test_the_retention_class_follows_the_referral(db, referral, rule):
    case = new_case(**referral)
    assert case.retention_rule == rule
    assert case.retention_reason.startswith(
        "Kept one year" if rule == RetentionRule.CONTACT_SELF else "Kept three years"
    )


def test_the_reason_names_everything_that_makes_it_three_years(db):
    case = new_case(source="solicitor", court_order=True, service="supervised")
    assert case.retention_reason == (
        "Kept three years after closure: referred by family solicitor, there is a court "
        "order, supervised contact."
    )


def test_changing_the_referral_recomputes_the_retention_class(db, staff):
    case = new_case()
    assert case.retention_rule == RetentionRule.CONTACT_SELF
    referral = case.referral
    referral.service = "supervised"
    referral_update(referral=referral, actor=staff)
    case.refresh_from_db()
    assert case.retention_rule == RetentionRule.CONTACT_COURT
    assert case.retention_reason == "Kept three years after closure: supervised contact."
    assert case.history.latest().history_user == staff


def test_references_run_on_within_the_year_of_the_referral(db):
    first = new_case()
    second = new_case()
    earlier = new_case(received_on=datetime.date(2025, 12, 30))
    assert (first.reference, second.reference) == ("HC-2026-0001", "HC-2026-0002")
    assert earlier.reference == "HC-2025-0001"


def test_a_referral_from_the_future_is_refused_and_nothing_is_saved(db):
    with pytest.raises(ValidationError) as error:
        new_case(received_on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict["received_on"] == ["The date received cannot be in the future."]
    assert not Case.objects.exists()


def test_the_journey_to_active_records_who_moved_it_and_when(db, staff):
    case = new_case(actor=staff)
    resident, visiting = add_family(case)
    case = case_accept(case=case, actor=staff)
    case = case_start_pre_visits(case=case, actor=staff)
    complete_pre_visit(case, resident, on=datetime.date(2026, 11, 20))
    complete_pre_visit(case, visiting, on=datetime.date(2026, 11, 21))
    case = case_activate(case=case, actor=staff)
    assert case.status == Case.Status.ACTIVE
    assert case.activated_on == TODAY
    assert case.next_review_on == datetime.date(2027, 5, 29)
    moves = [(c.from_status, c.to_status, c.changed_by) for c in case.status_changes.all()]
    assert moves == [
        ("", "received", staff),
        ("received", "accepted", staff),
        ("accepted", "pre_visits", staff),
        ("pre_visits", "active", staff),
    ]


def test_a_received_case_whose_pre_visits_are_complete_is_made_active_in_one_move(db, staff):
    case = new_case(actor=staff)
    resident, visiting = add_family(case)
    complete_pre_visit(case, resident, on=datetime.date(2026, 11, 20))
    complete_pre_visit(case, visiting, on=datetime.date(2026, 11, 21))

    case = case_activate(case=case, actor=staff)

    assert case.status == Case.Status.ACTIVE
    assert case.next_review_on == datetime.date(2027, 5, 29)
    moves = [(c.from_status, c.to_status, c.changed_by) for c in case.status_changes.all()]
    assert moves == [
        ("", "received", staff),
        ("received", "accepted", staff),
        ("accepted", "pre_visits", staff),
        ("pre_visits", "active", staff),
    ]
    # Each step is in the case's change history too, as a move made one at a time is.
    assert case.history.filter(status="accepted").exists()
    assert case.history.filter(status="pre_visits").exists()


@pytest.mark.parametrize(
    ("move", "message"),
    [
        # From received it would pass through accepted and pre-visits: all undone.
        (lambda c, u: case_activate(case=c, actor=u), "has no completed pre-visit"),
        (lambda c, u: case_start_pre_visits(case=c, actor=u), "cannot move to “Pre-visits”"),
    ],
)
def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(db, staff, move, message):
    case = new_case()
    add_family(case)
    with pytest.raises(ValidationError, match=message):
        move(case, staff)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert case.status_changes.count() == 1


def test_a_closed_or_declined_case_goes_nowhere(db, staff):
    declined = case_decline(case=new_case(), reason="Outside our area", actor=staff)
    assert declined.declined_reason == "Outside our area"
    with pytest.raises(ValidationError, match="A case at “Declined” cannot move"):
        case_accept(case=declined, actor=staff)
    closed = case_close(case=new_case(), closed_on=TODAY, reason="Withdrawn", actor=staff)
    with pytest.raises(ValidationError, match="A case at “Closed” cannot move"):
        case_close(case=closed, closed_on=TODAY, reason="Again", actor=staff)


def test_declining_and_closing_need_a_reason(db, staff):
    case = new_case()
    with pytest.raises(ValidationError, match="reason the referral is declined"):
        case_decline(case=case, reason="  ", actor=staff)
    with pytest.raises(ValidationError, match="reason the case is closed"):
        case_close(case=case, closed_on=TODAY, reason="", actor=staff)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_a_case_cannot_be_closed_tomorrow(db, staff):
    case = new_case()
    with pytest.raises(ValidationError):
        case_close(case=case, closed_on=TODAY + datetime.timedelta(days=1), reason="x", actor=staff)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_activation_needs_a_completed_pre_visit_for_each_parent(db, staff):
    case = new_case()
    resident, visiting = add_family(case)
    case_accept(case=case, actor=staff)
    case_start_pre_visits(case=case, actor=staff)
    # The visiting parent came, but agreed nothing yet.
    complete_pre_visit(case, resident)
    pre_visit_save(pre_visit=PreVisit(case=case, adult=visiting, visited_on=TODAY))
    with pytest.raises(ValidationError) as error:
        case_activate(case=case, actor=staff)
    assert error.value.messages == [
        "John Roe (visiting parent) has no completed pre-visit: ground rules agreed and "
        "arrival and departure arrangements agreed."
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.PRE_VISITS


def test_a_pre_visit_must_be_with_an_adult_of_the_same_case(db):
    case, other = new_case(), new_case()
    stranger = record_save(record=Adult(case=other, role="resident", first_name="A", last_name="B"))
    with pytest.raises(ValidationError) as error:
        pre_visit_save(pre_visit=PreVisit(case=case, adult=stranger, visited_on=TODAY))
    assert "adult" in error.value.message_dict


def test_a_child_born_in_the_future_is_refused(db):
    case = new_case()
    with pytest.raises(ValidationError) as error:
        record_save(
            record=Child(
                case=case,
                first_name="Sam",
                last_name="Doe",
                date_of_birth=TODAY + datetime.timedelta(days=1),
            )
        )
    assert error.value.message_dict["date_of_birth"] == [
        "A child's date of birth cannot be in the future."
    ]
    assert not Child.objects.exists()


def test_medical_needs_need_an_active_consent(db, staff):
    case = new_case()
    resident, _ = add_family(case)
    with pytest.raises(ValidationError) as error:
        pre_visit_save(
            pre_visit=PreVisit(
                case=case, adult=resident, visited_on=TODAY, medical_needs="Nut allergy"
            )
        )
    assert "explicit consent" in error.value.message_dict["medical_consent"][0]


def test_withdrawing_consent_removes_the_medical_notes_and_their_history(db, staff):
    case = new_case()
    resident, _ = add_family(case)
    consent = record_save(
        record=Consent(
            case=case, given_by=resident, scope="Sam's allergies", given_on=TODAY, recorded_by=staff
        )
    )
    visit = pre_visit_save(
        pre_visit=PreVisit(
            case=case,
            adult=resident,
            visited_on=TODAY,
            medical_needs="Severe nut allergy; carries an adrenaline pen",
            medical_consent=consent,
        )
    )
    consent_withdraw(consent=consent, withdrawn_on=TODAY, actor=staff)
    visit.refresh_from_db()
    consent.refresh_from_db()
    assert visit.medical_needs == "" and visit.medical_consent is None
    assert consent.withdrawn_on == TODAY
    assert not visit.history.filter(medical_needs__contains="nut").exists()


def test_the_six_monthly_review_moves_on_six_months(db, staff):
    case = new_case()
    with pytest.raises(ValidationError, match="Only an active case"):
        case_review_record(case=case, reviewed_on=TODAY, actor=staff)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIVE)
    case.refresh_from_db()
    case = case_review_record(case=case, reviewed_on=datetime.date(2026, 8, 31), actor=staff)
    assert case.next_review_on == datetime.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 29), 6, datetime.date(2027, 5, 29)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_months_are_added_as_people_count_them(start, months, expected):
    assert add_months(start, months) == expected


def test_reviews_fall_due_on_the_day_not_before(db):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(status="active", next_review_on=TODAY)
    assert list(Case.objects.due_for_review(on=TODAY - datetime.timedelta(days=1))) == []
    assert list(Case.objects.due_for_review(on=TODAY)) == [case]


def test_a_communication_dated_in_the_future_is_refused(db, staff):
    case = new_case()
    with pytest.raises(ValidationError):
        record_save(
            record=Communication(
                case=case,
                occurred_on=TODAY + datetime.timedelta(days=1),
                kind="phone",
                direction="in",
                with_whom="Referrer",
                summary="Called to check on progress",
            )
        )


def test_a_pre_visit_takes_only_this_cases_children(db):
    case, other = new_case(), new_case()
    resident, _ = add_family(case)
    add_family(other)
    with pytest.raises(ValidationError, match="Only this case's children"):
        pre_visit_save(
            pre_visit=PreVisit(case=case, adult=resident, visited_on=TODAY),
            children=list(other.children.all()),
        )
    assert not PreVisit.objects.exists()


def test_medical_needs_need_consent_given_in_the_same_case(db, staff):
    case, other = new_case(), new_case()
    resident, _ = add_family(case)
    stranger, _ = add_family(other)
    consent = record_save(
        record=Consent(case=other, given_by=stranger, scope="Allergies", given_on=TODAY)
    )
    with pytest.raises(ValidationError) as error:
        pre_visit_save(
            pre_visit=PreVisit(
                case=case,
                adult=resident,
                visited_on=TODAY,
                medical_needs="Asthma",
                medical_consent=consent,
            )
        )
    assert error.value.message_dict["medical_consent"] == [
        "The consent must be one given in this case."
    ]


def test_consent_is_withdrawn_once(db, staff):
    case = new_case()
    resident, _ = add_family(case)
    consent = record_save(
        record=Consent(case=case, given_by=resident, scope="Allergies", given_on=TODAY)
    )
    consent_withdraw(consent=consent, withdrawn_on=TODAY, actor=staff)
    with pytest.raises(ValidationError, match="withdrawn already"):
        consent_withdraw(consent=consent, withdrawn_on=TODAY, actor=staff)


def test_consent_cannot_be_withdrawn_before_it_was_given(db, staff):
    case = new_case()
    resident, _ = add_family(case)
    consent = record_save(
        record=Consent(case=case, given_by=resident, scope="Allergies", given_on=TODAY)
    )
    with pytest.raises(ValidationError):
        consent_withdraw(
            consent=consent, withdrawn_on=TODAY - datetime.timedelta(days=1), actor=staff
        )
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_review_cannot_be_recorded_for_tomorrow(db, staff):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIVE)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="still to come"):
        case_review_record(case=case, reviewed_on=TODAY + datetime.timedelta(days=1), actor=staff)


def test_a_case_cannot_close_before_its_referral_arrived(db, staff):
    case = new_case(received_on=datetime.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="before its referral was received"):
        case_close(case=case, closed_on=datetime.date(2026, 11, 1), reason="x", actor=staff)
    case_close(case=case, closed_on=datetime.date(2026, 11, 2), reason="Withdrawn", actor=staff)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
