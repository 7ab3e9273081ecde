"""The person picker: people and cases found by name, date of birth or reference, shown
with their names, roles and cases, and chosen without JavaScript (a "Find" posts the
form, which comes back with the results) or with it (the endpoint's fragment)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from core.picker import Folded, people_find, scope_sign
from privacy_requests.models import PrivacyRequest
from referrals.models import Adult, Child
from tests.factories import StaffMemberFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

PERSON_KINDS = ("adult", "child", "staff")


@pytest.fixture
def family(db):
    case = CaseFactory()
    zoe = AdultFactory(
        case=case,
        role=Adult.Role.RESIDENT,
        first_name="Zoë",
        last_name="Brackenridge",
        date_of_birth=datetime.date(1988, 4, 3),
    )
    idris = AdultFactory(
        case=case,
        role=Adult.Role.VISITING,
        first_name="Idris",
        last_name="Tollworthy",
        date_of_birth=datetime.date(1986, 1, 20),
    )
    child = ChildFactory(
        case=case,
        first_name="Elowen",
        last_name="Tollworthy",
        date_of_birth=datetime.date(2019, 4, 3),
    )
    return case, zoe, idris, child


def _names(results):
    return sorted(found.name for found in results)


def test_it_finds_a_person_by_the_start_of_a_name_in_any_case_and_without_accents(family):
    _case, zoe, _idris, _child = family

    for typed in ("zoe", "ZOË", "Zo", "brack", "zoe brackenridge", "Brackenridge Zoë"):
        results, more = people_find(typed, kinds=PERSON_KINDS)
        assert _names(results) == ["Zoë Brackenridge"], typed
        assert not more


def test_a_name_typed_with_an_accent_finds_the_name_written_without(db):
    AdultFactory(first_name="Jose", last_name="Ashdown")

    results, _more = people_find("José", kinds=PERSON_KINDS)

    assert _names(results) == ["Jose Ashdown"]


def test_it_finds_a_date_of_birth_as_people_type_it(family):
    for typed in ("3/4/2019", "03/04/2019", "2019-04-03", "3.4.2019"):
        results, _more = people_find(typed, kinds=PERSON_KINDS)
        assert _names(results) == ["Elowen Tollworthy"], typed


def test_it_finds_a_case_a_person_and_a_former_reference(family):
    case, zoe, _idris, child = family
    child.former_reference = "OLD-77"
    child.save()

    by_case, _more = people_find(case.reference.lower(), kinds=PERSON_KINDS)
    assert _names(by_case) == ["Elowen Tollworthy", "Idris Tollworthy", "Zoë Brackenridge"]
    by_own, _more = people_find(f"AD-{zoe.pk:04d}", kinds=PERSON_KINDS)
    assert _names(by_own) == ["Zoë Brackenridge"]
    by_former, _more = people_find("old-77", kinds=PERSON_KINDS)
    assert _names(by_former) == ["Elowen Tollworthy"]
    case.former_reference = "LEGACY-9"
    case.save()
    by_cases_former, _more = people_find("legacy-9", kinds=PERSON_KINDS)
    assert _names(by_cases_former) == ["Elowen Tollworthy", "Idris Tollworthy", "Zoë Brackenridge"]


@pytest.mark.parametrize("model", [Adult, Child])
@pytest.mark.parametrize("column", ["first_name", "last_name"])
def test_postgresql_finds_a_name_through_its_index_not_by_reading_everyone(db, model, column):
    """The picker's folded names are indexed (migration referrals 0009): were the search's
    expression to drift from the index's by a letter, every search would read every
    person again. Sequential scans are turned off so that a handful of rows still shows
    whether the index can be used."""
    if connection.vendor != "postgresql":
        pytest.skip("the indexes are PostgreSQL's")
    people = model.objects.annotate(folded=Folded(column)).filter(folded__startswith="TOLL")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = people.explain()

    assert f"{model._meta.db_table}_{column}_folded" in plan


def test_results_show_names_roles_and_cases(family):
    case, _zoe, _idris, _child = family
    results, _more = people_find("tollworthy", kinds=("adult", "child", "case"))

    people = {(f.kind, f.name, f.role, f.case_reference) for f in results if f.kind != "case"}
    assert people == {
        ("adult", "Idris Tollworthy", "visiting parent", case.reference),
        ("child", "Elowen Tollworthy", "child", case.reference),
    }
    (found_case,) = [f for f in results if f.kind == "case"]
    assert found_case.reference == case.reference
    assert "Zoë Brackenridge (resident parent or carer)" in found_case.name
    assert "Elowen Tollworthy (child)" in found_case.name


def test_it_finds_staff_members_by_name_and_reference(db):
    member = StaffMemberFactory(first_name="Tamsin", last_name="Fennimore")

    assert _names(people_find("tams", kinds=PERSON_KINDS)[0]) == ["Tamsin Fennimore"]
    assert _names(people_find(f"st-{member.pk:04d}", kinds=PERSON_KINDS)[0]) == ["Tamsin Fennimore"]
    # A picker for cases does not look for staff.
    assert people_find("tams", kinds=("case",))[0] == []


def test_results_are_capped_and_say_there_were_more(db):
    case = CaseFactory()
    for number in range(23):
        AdultFactory(case=case, first_name=f"Oren{chr(97 + number)}", last_name="Ashdown")

    results, more = people_find("ashdown", kinds=PERSON_KINDS)

    assert len(results) == 20
    assert more


def test_a_search_costs_the_same_queries_for_one_match_as_for_twenty(db, django_assert_num_queries):
    def search_count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            people_find("quill", kinds=("case", "adult", "child", "staff"))
        return len(queries)

    AdultFactory(first_name="Wren", last_name="Quillfeather")
    one = search_count()
    for _ in range(19):
        case = CaseFactory()
        AdultFactory(case=case, first_name="Wren", last_name="Quillfeather")
        ChildFactory(case=case, first_name="Juno", last_name="Quillfeather")

    assert search_count() == one


# Without JavaScript: the whole flow of a privacy request about an adult found by name.


def test_a_privacy_request_about_an_adult_found_by_name_without_javascript(client, staff, family):
    _case, zoe, _idris, _child = family
    client.force_login(staff)
    url = reverse("privacy_requests:request_create")
    typed = {
        "right": "access",
        "channel": "letter",
        "received_on": "2026-11-20",
        "details": "Asked for a copy of their records.",
        "made_by_subject": "on",
    }

    page = client.get(url)
    assert 'name="subject_q"' in page.content.decode()
    assert "AD-" not in page.content.decode()

    found = client.post(url, {**typed, "subject_q": "zoe brack", "_find": "subject"})
    html = found.content.decode()
    assert found.status_code == 200
    assert "Zoë Brackenridge" in html
    assert "resident parent or carer" in html
    assert f'value="adult:{zoe.pk}"' in html
    # Everything typed comes back, and nothing is saved or refused yet.
    assert "Asked for a copy of their records." in html
    assert "is-invalid" not in html
    assert not PrivacyRequest.objects.exists()
    assert AuditEvent.objects.filter(kind="person search", detail="1 result(s)").exists()

    done = client.post(url, {**typed, "subject_q": "zoe brack", "subject": f"adult:{zoe.pk}"})

    assert done.status_code == 302
    request = PrivacyRequest.objects.get()
    assert request.subject_adult == zoe
    # The register names them by reference only.
    register = client.get(reverse("privacy_requests:register")).content.decode()
    assert "Brackenridge" not in register


def test_a_choice_not_among_the_kinds_is_refused(client, staff, family):
    case, _zoe, _idris, _child = family
    client.force_login(staff)

    response = client.post(
        reverse("privacy_requests:request_create"),
        {
            "right": "access",
            "channel": "letter",
            "received_on": "2026-11-20",
            "made_by_subject": "on",
            "subject": f"case:{case.pk}",
        },
    )

    assert response.status_code == 200
    assert "Choose one of the results found" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


# With JavaScript: the endpoint.


def _ask(client, text, kinds=PERSON_KINDS, within=None):
    return client.post(
        reverse("centre:people_find"),
        {"q": text, "name": "subject", "scope": scope_sign(kinds, within or {})},
    )


def test_the_endpoint_gives_the_results_fragment_and_audits_the_search(client, staff, family):
    _case, zoe, _idris, _child = family
    client.force_login(staff)

    response = _ask(client, "zoë")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Zoë Brackenridge" in html
    assert f'value="adult:{zoe.pk}"' in html
    event = AuditEvent.objects.get(kind="person search")
    assert event.action == AuditEvent.Action.READ
    assert "zo" not in event.detail.lower()


def test_the_endpoint_keeps_to_the_signed_scope(client, staff, family):
    case, _zoe, _idris, _child = family
    other = CaseFactory()
    AdultFactory(case=other, first_name="Idris", last_name="Ashdown")
    client.force_login(staff)

    html = _ask(client, "idris", kinds=("case",), within={"case": [other.pk]}).content.decode()

    assert f'value="case:{other.pk}"' in html
    assert f'value="case:{case.pk}"' not in html
    forged = client.post(
        reverse("centre:people_find"), {"q": "idris", "name": "subject", "scope": "x"}
    )
    assert forged.status_code == 400


def test_a_volunteer_and_an_anonymous_person_get_nothing_from_the_endpoint(
    client, volunteer, family
):
    anonymous = _ask(client, "zoe")
    assert anonymous.status_code == 302
    assert "Zo" not in anonymous.content.decode()

    client.force_login(volunteer)
    refused = _ask(client, "zoe")
    assert refused.status_code == 403
    assert "Brackenridge" not in refused.content.decode()
    assert not AuditEvent.objects.filter(kind="person search").exists()


def test_the_endpoint_takes_no_get(client, staff):
    client.force_login(staff)

    assert client.get(reverse("centre:people_find"), {"q": "zoe"}).status_code == 405


# A booking chosen by name.


def test_a_family_is_booked_into_a_session_found_by_a_parents_name(client, staff):
    import time_machine

    from attendance.models import Booking
    from tests.attendance import test_bookings as bookings

    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        session = bookings.saturday_session()
        case = bookings.active_case(last_name="Fennimore")
        received = CaseFactory()
        AdultFactory(case=received, first_name="Wren", last_name="Fennimore")
        client.force_login(staff)
        url = reverse("attendance:booking_create", args=[session.pk])
        data = bookings.plan()

        found = client.post(url, {**data, "case_q": "fennimore", "_find": "case"})
        html = found.content.decode()
        assert f'value="case:{case.pk}"' in html
        assert "Fennimore (resident parent or carer)" in html
        # A case the session cannot take (not active) is not offered.
        assert f'value="case:{received.pk}"' not in html
        refused = client.post(url, {**data, "case": f"case:{received.pk}"})
        assert "Choose one of the results found" in refused.content.decode()

        done = client.post(url, {**data, "case_q": "fennimore", "case": f"case:{case.pk}"})

        assert done.status_code == 302
        assert Booking.objects.get().case == case


# A disclosure chosen by name.


def _disclosure(**fields):
    return {
        "recipient": "Family Court at Exeter",
        "recipient_type": "court",
        "what": "The attendance record of three sessions",
        "disclosed_at": "2026-11-20T10:00",
        "basis_kind": "legal_obligation",
        "person_told": "no",
        **fields,
    }


def test_a_disclosure_about_a_child_found_by_name_is_logged_by_reference(client, staff, family):
    from centre.models import Disclosure

    case, _zoe, _idris, child = family
    client.force_login(staff)
    url = reverse("centre:disclosure_create")

    found = client.post(url, _disclosure(about_q="elowen", _find="about")).content.decode()
    assert "Elowen Tollworthy" in found
    assert f'value="child:{child.pk}"' in found
    assert f'value="case:{case.pk}"' in found

    done = client.post(url, _disclosure(about_q="elowen", about=f"child:{child.pk}"))

    assert done.status_code == 302
    disclosure = Disclosure.objects.get()
    assert (disclosure.case_reference, disclosure.person_kind, disclosure.person_id) == (
        case.reference,
        "child",
        child.pk,
    )
    assert disclosure.person_label == f"CH-{child.pk:04d} of {case.reference}"


def test_a_disclosure_about_a_family_found_by_name(client, staff, family):
    from centre.models import Disclosure

    case, _zoe, _idris, _child = family
    client.force_login(staff)

    client.post(reverse("centre:disclosure_create"), _disclosure(about=f"case:{case.pk}"))

    disclosure = Disclosure.objects.get()
    assert (disclosure.case_reference, disclosure.person_kind) == (case.reference, "")


# A hold chosen by name.


def _hold(**fields):
    return {
        "legal_basis": "claim",
        "reason": "A claim is expected.",
        "review_on": "2027-03-01",
        **fields,
    }


def test_a_legal_hold_is_placed_on_an_adult_found_by_name(client, manager, family):
    from safeguarding.models import Hold

    _case, _zoe, idris, _child = family
    client.force_login(manager)
    url = reverse("safeguarding:hold_place_found")
    assert url in client.get(reverse("safeguarding:hold_list")).content.decode()

    found = client.post(url, _hold(on_q="idris toll", _find="on")).content.decode()
    assert "Idris Tollworthy" in found
    assert "visiting parent" in found
    assert not Hold.objects.exists()

    done = client.post(url, _hold(on_q="idris toll", on=f"adult:{idris.pk}"))

    assert done.status_code == 302
    hold = Hold.objects.get()
    assert (hold.kind, hold.adult, hold.case) == (Hold.Kind.LEGAL, idris, None)


def test_a_legal_hold_needs_something_chosen(client, manager, family):
    from safeguarding.models import Hold

    client.force_login(manager)

    response = client.post(reverse("safeguarding:hold_place_found"), _hold())

    assert "Find the case, adult or staff member the hold is on" in response.content.decode()
    assert not Hold.objects.exists()


def test_the_endpoint_costs_the_same_queries_for_one_match_as_for_fifteen(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    kinds = ("case", "adult", "child", "staff")

    def endpoint_count():
        with CaptureQueriesContext(connection) as queries:
            assert _ask(client, "marlowe", kinds=kinds).status_code == 200
        return len(queries)

    AdultFactory(first_name="Marlowe", last_name="Ashdown")
    one = endpoint_count()
    for _ in range(14):
        case = CaseFactory()
        AdultFactory(case=case, first_name="Marlowe", last_name="Ashdown")
        ChildFactory(case=case, first_name="Marlowe", last_name="Fennimore")

    assert endpoint_count() == one
