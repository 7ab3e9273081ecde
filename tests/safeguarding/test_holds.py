"""Holds: a safeguarding incident holds its case; the manager places legal holds with a
basis and a review date, and lifts holds with a reason, never while the case has an open
incident; the case page shows every hold plainly; the retention engine asks what is held
in one query; and the database itself refuses to delete what a standing hold covers."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from centre.services import record_save
from referrals.models import Case
from safeguarding.holds import (
    held_case_ids,
    held_records,
    hold_for_incident,
    hold_lift,
    hold_place,
    holds_by_case,
)
from safeguarding.models import Hold, Incident
from tests.factories import StaffMemberFactory
from tests.referrals.factories import family_case
from tests.test_pages import PageAudit

LIST = reverse("safeguarding:hold_list")


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def case(db):
    return family_case(last_name="Brackenridge")


def _incident(case, **fields):
    fields.setdefault("occurred_on", timezone.localdate())
    fields.setdefault("summary", "Fictional: a disclosure during contact.")
    return record_save(record=Incident(case=case, **fields))


def _legal(*, actor, review_on=None, **scope):
    return hold_place(
        hold=Hold(
            legal_basis=Hold.LegalBasis.POLICE_REQUEST,
            reason="Fictional: the police asked the centre to keep the file.",
            review_on=review_on or _in(30),
            **scope,
        ),
        actor=actor,
    )


def _close(incident):
    incident.status = Incident.Status.CLOSED
    incident.outcome = "Fictional: referred to children's services, no further action."
    incident.closed_on = timezone.localdate()
    return record_save(record=incident)


# The safeguarding hold.


def test_a_case_with_a_safeguarding_incident_is_held(case, manager):
    incident = _incident(case)

    hold = hold_for_incident(incident=incident, actor=manager)

    assert hold.kind == Hold.Kind.SAFEGUARDING and hold.is_standing
    assert hold.case == case and hold.incident == incident
    assert hold.reason == f"Safeguarding incident {incident.reference}"
    assert hold.scope_label == case.display_reference
    assert case.pk in held_case_ids()
    # Calling again places no second hold.
    assert hold_for_incident(incident=incident, actor=manager) == hold
    assert Hold.objects.standing().count() == 1


def test_an_incident_without_a_case_holds_nothing(db):
    assert hold_for_incident(incident=_incident(None)) is None
    assert not Hold.objects.exists()


def test_the_hold_cannot_be_lifted_while_the_incident_is_open(case, manager):
    incident = _incident(case)
    hold = hold_for_incident(incident=incident)

    with pytest.raises(ValidationError, match="open safeguarding incident"):
        hold_lift(hold=hold, reason="Fictional: no longer needed.", actor=manager)

    hold.refresh_from_db()
    assert hold.is_standing and not hold.lift_reason

    _close(incident)
    hold_lift(hold=hold, reason="Fictional: the incident is closed.", actor=manager)
    hold.refresh_from_db()
    assert not hold.is_standing
    assert hold.lifted_by == manager and hold.lift_reason == "Fictional: the incident is closed."
    assert case.pk not in held_case_ids()


def test_lifting_a_hold_without_a_reason_is_refused_and_nothing_saved(case, manager):
    hold = _legal(case=case, actor=manager)

    with pytest.raises(ValidationError, match="reason"):
        hold_lift(hold=hold, reason="   ", actor=manager)

    hold.refresh_from_db()
    assert hold.is_standing and hold.lifted_by is None
    assert hold.history.count() == 1


def test_a_lifted_hold_cannot_be_lifted_again(case, manager):
    hold = _legal(case=case, actor=manager)
    hold_lift(hold=hold, reason="Fictional: the order has ended.", actor=manager)
    with pytest.raises(ValidationError, match="already been lifted"):
        hold_lift(hold=hold, reason="Again.", actor=manager)


def test_the_lift_page_says_why_without_a_reason(client, manager, case):
    hold = _legal(case=case, actor=manager)
    client.force_login(manager)
    url = reverse("safeguarding:hold_lift", args=[hold.pk])

    page = client.post(url, {"lift_reason": ""})

    assert page.status_code == 200
    assert "a hold is not lifted without one" in _text(page)
    hold.refresh_from_db()
    assert hold.is_standing

    done = client.post(url, {"lift_reason": "Fictional: the police no longer need it."})
    assert done.status_code == 302
    hold.refresh_from_db()
    assert not hold.is_standing and hold.lifted_by == manager


def test_the_lift_page_refuses_while_the_incident_is_open(client, manager, case):
    hold = hold_for_incident(incident=_incident(case))
    client.force_login(manager)

    page = client.post(
        reverse("safeguarding:hold_lift", args=[hold.pk]), {"lift_reason": "Fictional."}
    )

    assert page.status_code == 200
    assert "cannot be lifted until the incident is closed" in _text(page)
    hold.refresh_from_db()
    assert hold.is_standing


# Legal holds.


def test_a_legal_hold_needs_a_basis_and_a_review_date(case, manager):
    with pytest.raises(ValidationError) as missing:
        hold_place(hold=Hold(case=case, reason="Fictional."), actor=manager)
    assert set(missing.value.message_dict) == {"review_on"}

    with pytest.raises(ValidationError) as no_basis:
        hold_place(hold=Hold(case=case, reason="Fictional.", review_on=_in(10)), actor=manager)
    assert "legal_basis" in no_basis.value.message_dict

    with pytest.raises(ValidationError, match="in the past"):
        _legal(case=case, actor=manager, review_on=_in(-1))
    assert not Hold.objects.exists()


def test_the_manager_places_a_legal_hold_from_the_case_page(client, manager, case):
    client.force_login(manager)
    url = reverse("safeguarding:hold_place_case", args=[case.pk])

    refused = client.post(url, {"reason": "Fictional.", "legal_basis": ""})
    assert refused.status_code == 200
    assert "Say what the legal hold rests on." in _text(refused)
    assert "Give the date the legal hold is to be reviewed." in _text(refused)
    assert not Hold.objects.exists()

    response = client.post(
        url,
        {
            "legal_basis": Hold.LegalBasis.COURT_ORDER,
            "reason": "Fictional: a court order to preserve the records.",
            "review_on": _in(60).isoformat(),
        },
    )

    assert response.status_code == 302
    hold = Hold.objects.get()
    assert hold.kind == Hold.Kind.LEGAL and hold.case == case and hold.placed_by == manager
    assert hold.scope_label == case.display_reference


def test_holds_on_an_adult_and_a_staff_member_are_labelled_without_names(client, manager, case):
    adult = case.adults.first()
    person = StaffMemberFactory()
    client.force_login(manager)
    data = {
        "legal_basis": Hold.LegalBasis.CLAIM,
        "reason": "Fictional: a claim against the centre.",
        "review_on": _in(60).isoformat(),
    }

    client.post(reverse("safeguarding:hold_place_adult", args=[adult.pk]), data)
    client.post(reverse("safeguarding:hold_place_staff", args=[person.pk]), data)

    on_adult = Hold.objects.get(adult=adult)
    on_staff = Hold.objects.get(staff_member=person)
    assert on_adult.scope_label == f"adult AD-{adult.pk:04d} of {case.display_reference}"
    assert on_staff.scope_label == f"staff member {person.reference}"
    for hold in (on_adult, on_staff):
        assert "Brackenridge" not in hold.scope_label and person.last_name not in hold.scope_label
    held = held_records()
    assert held.adult_ids == {adult.pk} and held.staff_member_ids == {person.pk}
    assert held.case_ids == set()


# Who may do what.


@pytest.mark.parametrize("who", ["staff", "volunteer"])
def test_only_the_manager_opens_the_hold_pages(client, request, who, case, manager):
    hold = _legal(case=case, actor=manager)
    client.force_login(request.getfixturevalue(who))
    urls = [
        LIST,
        reverse("safeguarding:hold_place_case", args=[case.pk]),
        reverse("safeguarding:hold_place_adult", args=[case.adults.first().pk]),
        reverse("safeguarding:hold_place_staff", args=[StaffMemberFactory().pk]),
        reverse("safeguarding:hold_lift", args=[hold.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"lift_reason": "Fictional."}).status_code == 403, url
    hold.refresh_from_db()
    assert hold.is_standing


# The case page.


def test_the_case_page_shows_every_hold_plainly_to_staff(client, staff, manager, case):
    lifted = _legal(case=case, actor=manager)
    hold_lift(hold=lifted, reason="Fictional: the police have closed their file.", actor=manager)
    incident = _incident(case)
    hold_for_incident(incident=incident)
    _legal(case=case, actor=manager)
    client.force_login(staff)

    page = client.get(reverse("referrals:case_detail", args=[case.pk]))

    text = _text(page)
    assert "2 holds stand" in text
    assert "Safeguarding hold on" in text and "Legal hold on" in text
    assert "the police asked the centre to keep the file" in text
    # Nothing of the incident: not even its reference.
    assert incident.reference not in text
    assert "Lifted holds (1)" in text
    # Staff see holds; they neither place nor lift them.
    assert "/holds/" not in page.text
    audit = PageAudit()
    audit.feed(page.text)
    assert not audit.finish()


def test_the_manager_is_offered_placing_and_lifting_on_the_case_page(client, manager, case):
    hold = _legal(case=case, actor=manager)
    client.force_login(manager)
    page = client.get(reverse("referrals:case_detail", args=[case.pk]))
    assert reverse("safeguarding:hold_lift", args=[hold.pk]) in page.text
    assert reverse("safeguarding:hold_place_case", args=[case.pk]) in page.text
    assert reverse("safeguarding:hold_place_adult", args=[case.adults.first().pk]) in page.text


def test_the_holds_section_costs_the_same_however_many_holds(client, staff, manager, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    url = reverse("referrals:case_detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        _legal(case=case, actor=manager)
        _legal(adult=case.adults.first(), actor=manager)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_hold_list_shows_standing_holds_first_in_constant_queries(
    client, manager, case, queries_stay_flat
):
    lifted = _legal(case=case, actor=manager)
    hold_lift(hold=lifted, reason="Fictional: ended.", actor=manager)
    _legal(case=case, actor=manager)
    client.force_login(manager)

    def add_more():
        other = family_case()
        gone = _legal(case=other, actor=manager)
        hold_lift(hold=gone, reason="Fictional: ended.", actor=manager)
        hold_for_incident(incident=_incident(other))
        _legal(staff_member=StaffMemberFactory(), actor=manager)
        _legal(adult=other.adults.first(), actor=manager)

    page = queries_stay_flat(LIST, add_more=add_more)

    text = _text(page)
    assert text.index("Standing holds") < text.index("Lifted holds")
    assert text.count("Fictional: ended.") == 2


# What the retention engine asks.


def test_standing_holds_answer_in_one_query(case, manager, django_assert_num_queries):
    hold_for_incident(incident=_incident(case))
    adult = case.adults.first()
    _legal(adult=adult, actor=manager)
    person = StaffMemberFactory()
    _legal(staff_member=person, actor=manager)
    lifted = _legal(case=family_case(), actor=manager)
    hold_lift(hold=lifted, reason="Fictional: ended.", actor=manager)

    with django_assert_num_queries(1):
        held = held_records()
    assert held.case_ids == {case.pk}
    assert held.adult_ids == {adult.pk} and held.staff_member_ids == {person.pk}

    with django_assert_num_queries(1):
        kinds = holds_by_case([case.pk, lifted.case_id])
    assert kinds == {case.pk: [Hold.Kind.SAFEGUARDING]}

    with django_assert_num_queries(1):
        assert len(list(Hold.objects.standing())) == 3


# The database's safety net.


def test_a_case_under_a_standing_hold_cannot_be_deleted(case, manager):
    _legal(case=case, actor=manager)

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.get(pk=case.pk).delete()

    assert Case.objects.filter(pk=case.pk).exists()


def test_a_lifted_hold_does_not_stop_the_case_being_deleted(case, manager):
    hold = _legal(case=case, actor=manager)
    hold_lift(hold=hold, reason="Fictional: the order has ended.", actor=manager)

    Case.objects.get(pk=case.pk).delete()

    assert not Case.objects.filter(pk=case.pk).exists()
    hold.refresh_from_db()
    assert hold.case is None and hold.scope_label == case.display_reference
