"""Restriction of processing: while a restriction stands on an adult or a child, their
case's records are read-only for everyone, the family is off the tablet register, and
the case page says why; the manager places and lifts restrictions, lifting with a
reason. Every name is invented."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, SupervisedReport, Tap
from privacy_requests.models import Restriction
from privacy_requests.restrictions import (
    case_write_refusal,
    restricted_case_ids,
    restriction_lift,
    restriction_place,
)
from referrals.models import Adult, Case, CaseDocument, Communication
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.factories import PDF_BYTES
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory, referral_form_data

REASON = "Fictional: the mother contests the accuracy of the referral; being checked."


def restricted_family():
    """A case whose names are distinctive enough to look for in a page."""
    case = CaseFactory()
    resident = AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name="Marigold")
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name="Barnaby")
    ChildFactory(case=case, first_name="Pipkin", last_name="Quenby")
    return case, resident


def restrict(person, actor):
    field = "subject_adult" if isinstance(person, Adult) else "subject_child"
    return restriction_place(restriction=Restriction(reason=REASON, **{field: person}), actor=actor)


def lift(restriction, actor):
    return restriction_lift(restriction=restriction, reason="Accuracy checked.", actor=actor)


def url(name, *args):
    return reverse(name, args=args)


def text_of_messages(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def family(db):
    return restricted_family()


@pytest.fixture
def session(db):
    return ContactSessionFactory()


# The register ---------------------------------------------------------------------


def test_a_restricted_adults_family_is_hidden_from_the_tablet_register_until_lifted(
    client, volunteer, manager, family, session
):
    case, resident = family
    booking = BookingFactory(session=session, case=case, who_may_collect="Ottoline Quenby")
    BookingFactory(session=session)  # another family stays on the register
    session.volunteers_on_duty.set([volunteer])
    client.force_login(volunteer)
    page = url("attendance:register", session.pk)
    assert "Pipkin" in client.get(page).text

    restriction = restrict(resident, manager)

    text = client.get(page).text
    for shown in ("Pipkin", "Marigold", "Barnaby", "Ottoline", f"booking-{booking.pk}"):
        assert shown not in text
    assert text.count('<article class="card') == 1

    lift(restriction, manager)

    text = client.get(page).text
    assert "Pipkin" in text and f"booking-{booking.pk}" in text


def test_a_restricted_childs_family_cannot_be_tapped_in_on_the_register(
    client, volunteer, manager, family, session
):
    case, _ = family
    booking = BookingFactory(session=session, case=case)
    restrict(case.children.get(), manager)
    client.force_login(volunteer)

    response = client.post(
        url("attendance:register_tap", booking.pk),
        {"kind": Tap.Kind.RESIDENT_ARRIVED, "token": "7b0c0d9e-58d4-4c3e-9f43-0c8a0d2c6a11"},
    )

    assert response.status_code == 404
    assert not Tap.objects.exists()


def test_todays_sessions_count_only_the_families_on_the_register(
    client, volunteer, manager, family
):
    case, resident = family
    first, second = ContactSessionFactory(room="Garden room"), ContactSessionFactory()
    BookingFactory(session=first, case=case)
    BookingFactory(session=second, case=case)
    restrict(resident, manager)
    client.force_login(volunteer)

    response = client.get(url("attendance:register_today"))

    assert [s.families for s in response.context["sessions"]] == [0, 0]


def test_the_register_costs_the_same_queries_with_restricted_families(
    client, volunteer, manager, session, queries_stay_flat
):
    client.force_login(volunteer)
    BookingFactory(session=session)

    def add_more():
        for _ in range(6):
            case, resident = restricted_family()
            BookingFactory(session=session, case=case)
            restrict(resident, manager)
            BookingFactory(session=session)

    response = queries_stay_flat(url("attendance:register", session.pk), add_more=add_more, most=14)

    assert response.text.count('<article class="card') == 7


def test_the_staff_session_page_shows_a_restricted_booking_without_names(
    client, staff, manager, family, session
):
    case, resident = family
    BookingFactory(session=session, case=case, who_may_collect="Ottoline Quenby")
    restrict(resident, manager)
    client.force_login(staff)

    text = client.get(url("attendance:session_detail", session.pk)).text

    assert "Restricted" in text and case.display_reference in text
    for name in ("Marigold", "Barnaby", "Ottoline"):
        assert name not in text


# Read-only for staff --------------------------------------------------------------


def _communication():
    return {
        "occurred_on": "2026-11-28",
        "kind": "phone",
        "direction": "out",
        "with_whom": "The referrer",
        "summary": "Offered pre-visit dates.",
    }


def _document():
    return {
        "kind": "letter",
        "title": "Letter to the referrer",
        "file": SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
    }


def test_staff_cannot_write_to_a_restricted_case_and_can_again_once_lifted(
    client, staff, manager, family
):
    case, resident = family
    restriction = restrict(resident, manager)
    client.force_login(staff)
    before = Case.objects.get(pk=case.pk).referral.referrer_name
    edit = {**referral_form_data(), "referrer_name": "Changed Name"}

    attempts = [
        (url("referrals:referral_edit", case.pk), edit),
        (url("referrals:communication_create", case.pk), _communication()),
        (url("referrals:document_create", case.pk), _document()),
        (url("referrals:adult_edit", resident.pk), {"first_name": "Other", "role": "resident"}),
        (url("referrals:case_accept", case.pk), {}),
        (url("referrals:case_decline", case.pk), {"reason": "Fictional reason"}),
        (url("attendance:case_booking_create", case.pk), {}),
    ]
    for address, data in attempts:
        response = client.post(address, data)
        assert response.status_code == 302, address
        assert response["Location"].startswith(url("referrals:case_detail", case.pk)), address
        assert "read-only" in text_of_messages(response), address

    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert case.referral.referrer_name == before
    assert not Communication.objects.exists()
    assert not CaseDocument.objects.exists()
    assert Adult.objects.get(pk=resident.pk).first_name == "Marigold"
    assert not Booking.objects.exists()

    lift(restriction, manager)

    client.post(url("referrals:communication_create", case.pk), _communication())
    client.post(url("referrals:document_create", case.pk), _document())
    client.post(url("referrals:referral_edit", case.pk), edit)
    client.post(url("referrals:case_accept", case.pk))
    case.refresh_from_db()
    assert Communication.objects.count() == 1
    assert CaseDocument.objects.count() == 1
    assert case.referral.referrer_name == "Changed Name"
    assert case.status == Case.Status.ACCEPTED
    assert client.get(url("attendance:case_booking_create", case.pk)).status_code == 200


def test_the_manager_cannot_write_to_a_restricted_case_either(client, manager, family):
    case, resident = family
    restrict(resident, manager)
    client.force_login(manager)

    response = client.post(url("referrals:communication_create", case.pk), _communication())

    assert response.status_code == 302
    assert not Communication.objects.exists()


def test_a_restricted_booking_cannot_be_changed_from_the_session_page(
    client, staff, manager, family, session
):
    case, resident = family
    booking = BookingFactory(session=session, case=case)
    restrict(resident, manager)
    client.force_login(staff)

    response = client.post(
        url("attendance:booking_absence", booking.pk), {"reason": "ill", "note": ""}
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_no_supervised_report_is_written_for_a_restricted_case(
    client, staff, manager, family, session
):
    case, resident = family
    booking = BookingFactory(session=session, case=case)
    restrict(resident, manager)
    client.force_login(staff)

    response = client.post(url("attendance:report_create", booking.pk), {})

    assert response.status_code == 302
    assert "restrict" in text_of_messages(response).lower()
    assert not SupervisedReport.objects.exists()


def test_the_guard_answers_only_for_standing_restrictions(manager, family):
    case, resident = family
    other = CaseFactory()
    assert case_write_refusal(case) is None

    restriction = restrict(resident, manager)

    assert "read-only" in case_write_refusal(case)
    assert case_write_refusal(other) is None
    assert list(restricted_case_ids().values_list("pk", flat=True)) == [case.pk]
    lift(restriction, manager)
    assert case_write_refusal(case) is None
    assert not restricted_case_ids().exists()


# The banner -----------------------------------------------------------------------


def test_the_case_page_shows_the_reason_on_a_banner_while_restricted(
    client, staff, manager, family
):
    case, resident = family
    client.force_login(staff)
    page = url("referrals:case_detail", case.pk)
    assert REASON not in client.get(page).text

    restriction = restrict(resident, manager)

    text = client.get(page).text
    assert REASON in text
    assert "read-only for everyone" in text
    assert url("privacy_requests:restriction_lift", restriction.pk) not in text  # staff
    client.force_login(manager)
    assert url("privacy_requests:restriction_lift", restriction.pk) in client.get(page).text

    lift(restriction, manager)

    assert REASON not in client.get(page).text


def test_the_case_page_offers_the_manager_alone_a_restrict_link(client, staff, manager, family):
    case, resident = family
    place = url("privacy_requests:restriction_place_adult", resident.pk)
    client.force_login(staff)
    assert place not in client.get(url("referrals:case_people", case.pk)).text
    client.force_login(manager)
    assert place in client.get(url("referrals:case_people", case.pk)).text


# Placing and lifting --------------------------------------------------------------


def test_the_manager_places_a_restriction_from_the_case_page(client, manager, family):
    case, resident = family
    client.force_login(manager)

    response = client.post(
        url("privacy_requests:restriction_place_adult", resident.pk), {"reason": REASON}
    )

    assert response["Location"] == url("referrals:case_detail", case.pk)
    restriction = Restriction.objects.get()
    assert restriction.subject_adult == resident
    assert restriction.placed_by == manager
    assert restriction.placed_on == timezone.localdate()
    assert "Marigold" not in restriction.subject_label
    assert restriction.subject_label.startswith(f"AD-{resident.pk:04d}")


def test_a_restriction_needs_a_reason(client, manager, family):
    _, resident = family
    client.force_login(manager)

    response = client.post(
        url("privacy_requests:restriction_place_adult", resident.pk), {"reason": "  "}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Restriction.objects.exists()


def test_a_person_is_not_restricted_twice(manager, family):
    _, resident = family
    restrict(resident, manager)

    with pytest.raises(ValidationError):
        restrict(resident, manager)
    assert Restriction.objects.count() == 1


def test_the_manager_restricts_a_child(client, manager, family):
    case, _ = family
    child = case.children.get()
    client.force_login(manager)

    client.post(url("privacy_requests:restriction_place_child", child.pk), {"reason": REASON})

    assert Restriction.objects.get().subject_child == child
    assert case_write_refusal(case)


def test_lifting_needs_a_reason(client, manager, family):
    _, resident = family
    restriction = restrict(resident, manager)
    client.force_login(manager)

    response = client.post(
        url("privacy_requests:restriction_lift", restriction.pk), {"lift_reason": " "}
    )

    assert response.status_code == 200
    assert "lift_reason" in response.context["form"].errors
    restriction.refresh_from_db()
    assert restriction.lifted_on is None
    with pytest.raises(ValidationError):
        restriction_lift(restriction=restriction, reason="", actor=manager)


def test_the_manager_lifts_a_restriction_with_a_reason(client, manager, family):
    case, resident = family
    restriction = restrict(resident, manager)
    client.force_login(manager)

    response = client.post(
        url("privacy_requests:restriction_lift", restriction.pk),
        {"lift_reason": "Accuracy checked with the referrer."},
    )

    assert response["Location"] == url("referrals:case_detail", case.pk)
    restriction.refresh_from_db()
    assert restriction.lifted_on is not None
    assert restriction.lifted_by == manager
    assert restriction.lift_reason == "Accuracy checked with the referrer."
    again = client.post(
        url("privacy_requests:restriction_lift", restriction.pk), {"lift_reason": "Again"}
    )
    assert "already lifted" in text_of_messages(again)


@pytest.mark.parametrize("who", ["staff", "volunteer"])
def test_only_the_manager_can_place_or_lift(client, request, manager, family, who):
    case, resident = family
    restriction = restrict(resident, manager)
    child = case.children.get()
    client.force_login(request.getfixturevalue(who))

    for address, data in (
        (url("privacy_requests:restriction_place_adult", resident.pk), {"reason": REASON}),
        (url("privacy_requests:restriction_place_child", child.pk), {"reason": REASON}),
        (url("privacy_requests:restriction_lift", restriction.pk), {"lift_reason": "No"}),
    ):
        assert client.get(address).status_code == 403
        assert client.post(address, data).status_code == 403
    restriction.refresh_from_db()
    assert restriction.lifted_on is None
    assert Restriction.objects.count() == 1


def test_the_list_shows_standing_then_lifted_to_staff_not_volunteers(
    client, staff, volunteer, manager
):
    _, first = restricted_family()
    _, second = restricted_family()
    lift(restrict(first, manager), manager)
    restrict(second, manager)
    address = url("privacy_requests:restriction_list")

    client.force_login(volunteer)
    assert client.get(address).status_code == 403
    client.force_login(staff)
    response = client.get(address)

    assert response.status_code == 200
    assert [r.subject_adult for r in response.context["standing"]] == [second]
    assert [r.subject_adult for r in response.context["lifted"]] == [first]
    assert "Accuracy checked." in response.text


def test_a_restricted_family_cannot_be_booked_from_the_session_page_until_lifted(
    client, staff, manager, session
):
    from tests.attendance.test_bookings import active_case, plan

    case = active_case()
    restriction = restrict(case.adults.get(role=Adult.Role.RESIDENT), manager)
    client.force_login(staff)
    address = url("attendance:booking_create", session.pk)

    response = client.post(address, plan(case=f"case:{case.pk}"))

    assert response.status_code == 200
    assert "read-only" in str(response.context["form"].non_field_errors())
    assert not Booking.objects.exists()

    lift(restriction, manager)

    assert client.post(address, plan(case=f"case:{case.pk}")).status_code == 302
    assert Booking.objects.get().case == case
