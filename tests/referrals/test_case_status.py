"""Moving a case on from the case page: only the moves its status allows are offered; a
move that cannot be made is explained in words and changes nothing."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from referrals.models import Case, StatusChange
from referrals.services import case_accept, case_activate, case_decline, case_start_pre_visits
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    PreVisitFactory,
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def url(name, case):
    return reverse(f"referrals:{name}", args=[case.pk])


def errors(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def successes(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "success"]


def ready_family(case):
    resident = AdultFactory(case=case, role="resident", first_name="Wren", last_name="Ashdown")
    visiting = AdultFactory(case=case, role="visiting", first_name="Idris", last_name="Fennimore")
    child = ChildFactory(case=case)
    return resident, visiting, child


def at_pre_visits(actor):
    case = CaseFactory()
    case_accept(case=case, actor=actor)
    return case_start_pre_visits(case=case, actor=actor)


def test_the_case_page_offers_only_the_moves_the_status_allows(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    page = client.get(url("case_detail", case)).text
    assert url("case_accept", case) in page
    assert url("case_decline", case) in page
    assert url("case_close", case) in page
    assert url("case_start_pre_visits", case) not in page
    assert url("case_activate", case) not in page

    case_accept(case=case, actor=staff)
    page = client.get(url("case_detail", case)).text
    assert url("case_accept", case) not in page
    assert url("case_decline", case) not in page
    assert url("case_start_pre_visits", case) in page


def test_accepting_and_starting_pre_visits_moves_the_case_and_records_who(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.post(url("case_accept", case))
    assert response.status_code == 302
    assert response["Location"] == url("case_detail", case) + "#status"
    assert successes(response) == ["The referral is accepted. Arrange the pre-visits next."]
    client.post(url("case_start_pre_visits", case))

    case.refresh_from_db()
    assert case.status == Case.Status.PRE_VISITS
    moves = StatusChange.objects.filter(case=case).order_by("pk")
    assert [(m.to_status, m.changed_by) for m in moves][1:] == [
        ("accepted", staff),
        ("pre_visits", staff),
    ]


@pytest.mark.parametrize(
    "action",
    ["case_activate", "case_start_pre_visits", "case_accept"],
    ids=["activate-declined", "pre-visits-received", "accept-twice"],
)
def test_a_move_that_is_not_allowed_is_explained_and_changes_nothing(client, staff, action):
    case = CaseFactory()
    resident, visiting, child = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(case=case, adult=visiting)
    if action == "case_accept":
        case_accept(case=case, actor=staff)
    if action == "case_activate":
        case_decline(case=case, reason="Fictional reason", actor=staff)
    case.refresh_from_db()
    before = (case.status, StatusChange.objects.count())
    client.force_login(staff)

    response = client.post(url(action, case))

    case.refresh_from_db()
    assert (case.status, StatusChange.objects.count()) == before
    [message] = errors(response)
    assert message.startswith(f"This case is {case.get_status_display().lower()}, so it cannot")
    assert message.endswith("now. Nothing has changed.")


def test_activating_without_both_completed_pre_visits_lists_what_is_missing(client, staff):
    case = at_pre_visits(staff)
    resident, visiting, child = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(
        case=case, adult=visiting, ground_rules_agreed_on=None, arrangements_agreed=False
    )
    client.force_login(staff)

    response = client.post(url("case_activate", case), follow=True)

    case.refresh_from_db()
    assert case.status == Case.Status.PRE_VISITS
    assert case.activated_on is None
    assert "The case cannot become active yet. Still to do:" in response.text
    assert (
        "Idris Fennimore (visiting parent) has no completed pre-visit: ground rules agreed "
        "and arrival and departure arrangements agreed."
    ) in response.text
    assert "Wren Ashdown (resident parent or carer) has no completed" not in response.text


def test_activating_an_empty_case_lists_everything_missing(client, staff):
    case = at_pre_visits(staff)
    client.force_login(staff)

    response = client.post(url("case_activate", case))

    assert errors(response) == [
        "The case cannot become active yet. Still to do:",
        "The case has no resident parent or carer.",
        "The case has no visiting parent.",
        "The case has no children.",
    ]


def test_the_case_page_says_what_stands_before_activation(client, staff):
    case = at_pre_visits(staff)
    ready_family(case)
    client.force_login(staff)

    page = client.get(url("case_detail", case)).text

    assert "Before this case can become active:" in page
    assert "Wren Ashdown (resident parent or carer) has no completed pre-visit" in page


def header_button(page):
    """The header's one primary button (the next step): its form's action and label."""
    header = page[page.index("<h1") : page.index('aria-label="Parts of this case"')]
    [(action, label)] = re.findall(
        r'<form method="post" action="([^"]+)">.*?class="btn btn-primary">([^<]+)</button>',
        header,
    )
    return action, label


@pytest.mark.parametrize("accepted", [False, True], ids=["from-received", "from-accepted"])
def test_a_case_whose_pre_visits_are_complete_is_made_active_in_one_move(client, staff, accepted):
    case = CaseFactory()
    resident, visiting, _ = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(case=case, adult=visiting)
    if accepted:
        case_accept(case=case, actor=staff)
    client.force_login(staff)

    page = client.get(url("case_detail", case)).text
    assert header_button(page) == (url("case_activate", case), "Make the case active")
    assert page.count("Make the case active</button>") == 1
    response = client.post(url("case_activate", case))

    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    assert case.next_review_on == datetime.date(2027, 5, 29)
    assert successes(response) == ["The case is active: contact sessions can be booked."]
    moves = StatusChange.objects.filter(case=case).order_by("pk")
    assert [(m.from_status, m.to_status, m.changed_by) for m in moves][1:] == [
        ("received", "accepted", staff),
        ("accepted", "pre_visits", staff),
        ("pre_visits", "active", staff),
    ]


def test_a_case_not_ready_is_not_made_active_from_received_and_nothing_changes(client, staff):
    case = CaseFactory()
    resident, visiting, _ = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    client.force_login(staff)

    page = client.get(url("case_detail", case)).text
    assert header_button(page) == (url("case_accept", case), "Accept the referral")
    assert url("case_activate", case) not in page
    before = StatusChange.objects.filter(case=case).count()
    response = client.post(url("case_activate", case))

    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert StatusChange.objects.filter(case=case).count() == before
    assert errors(response)[0] == "The case cannot become active yet. Still to do:"
    assert "Idris Fennimore (visiting parent) has no completed pre-visit" in errors(response)[1]


def test_the_next_step_at_pre_visits_is_recording_a_pre_visit(client, staff):
    case = at_pre_visits(staff)
    client.force_login(staff)
    page = client.get(url("case_detail", case)).text
    assert (
        'class="btn btn-primary" href="{}">Add an adult<'.format(url("adult_create", case)) in page
    )

    ready_family(case)
    page = client.get(url("case_people", case)).text
    link = 'class="btn btn-primary" href="{}">Record a pre-visit<'
    assert link.format(url("pre_visit_create", case)) in page


def test_activating_a_ready_case_sets_the_first_review_six_months_on(client, staff):
    case = at_pre_visits(staff)
    resident, visiting, _ = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(case=case, adult=visiting)
    client.force_login(staff)

    response = client.post(url("case_activate", case))

    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    assert case.activated_on == datetime.date(2026, 11, 29)
    assert case.next_review_on == datetime.date(2027, 5, 29)
    assert successes(response) == ["The case is active: contact sessions can be booked."]


def test_declining_needs_a_reason_and_records_it(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    refused = client.post(url("case_decline", case), {"decline-reason": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == ["This field is required."]
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED

    client.post(url("case_decline", case), {"decline-reason": "Outside the centre's area."})
    case.refresh_from_db()
    assert case.status == Case.Status.DECLINED
    assert case.declined_reason == "Outside the centre's area."
    assert StatusChange.objects.filter(case=case).last().reason == "Outside the centre's area."


def test_a_declined_case_cannot_be_declined_again(client, staff):
    case = CaseFactory()
    client.force_login(staff)
    client.post(url("case_decline", case), {"decline-reason": "Outside the area."})

    response = client.post(url("case_decline", case), {"decline-reason": "Again."})

    assert errors(response) == [
        "This case is declined, so it cannot be declined now. Nothing has changed."
    ]
    case.refresh_from_db()
    assert case.declined_reason == "Outside the area."


def test_closing_records_the_date_and_reason_and_ends_the_reviews(client, staff):
    case = at_pre_visits(staff)
    resident, visiting, _ = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(case=case, adult=visiting)
    case_activate(case=case, actor=staff)
    client.force_login(staff)

    client.post(
        url("case_close", case),
        {"close-closed_on": "2026-11-28", "close-reason": "Contact moved to the community."},
    )

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closed_on == datetime.date(2026, 11, 28)
    assert case.closure_reason == "Contact moved to the community."
    assert case.next_review_on is None


def test_a_closure_dated_in_the_future_is_refused_and_nothing_changes(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.post(
        url("case_close", case), {"close-closed_on": "2026-11-30", "close-reason": "Moved away."}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["closed_on"] == [
        "The closure date cannot be in the future."
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert StatusChange.objects.filter(case=case).count() == 1


def test_recording_the_review_sets_the_next_six_months_on(client, staff):
    case = at_pre_visits(staff)
    resident, visiting, _ = ready_family(case)
    PreVisitFactory(case=case, adult=resident)
    PreVisitFactory(case=case, adult=visiting)
    case_activate(case=case, actor=staff, on=datetime.date(2026, 5, 1))
    client.force_login(staff)
    assert "The six-monthly review is overdue" in client.get(url("case_detail", case)).text

    response = client.post(url("case_review", case), {"review-reviewed_on": "2026-11-29"})

    case.refresh_from_db()
    assert case.next_review_on == datetime.date(2027, 5, 29)
    assert successes(response) == [
        "The six-monthly review is recorded. The next is due on 29/05/2027."
    ]
    assert "The six-monthly review is overdue" not in client.get(url("case_detail", case)).text


def test_only_an_active_case_has_a_review_recorded(client, staff):
    case = CaseFactory()
    client.force_login(staff)

    response = client.post(url("case_review", case), {"review-reviewed_on": "2026-11-29"})

    assert response.context["form"].non_field_errors() == [
        "Only an active case has six-monthly reviews."
    ]
    case.refresh_from_db()
    assert case.next_review_on is None


@pytest.mark.parametrize(
    "action", ["case_accept", "case_start_pre_visits", "case_activate"], ids=str
)
def test_a_status_move_is_a_post_and_never_a_get(client, staff, action):
    case = CaseFactory()
    client.force_login(staff)

    assert client.get(url(action, case)).status_code == 405
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


@pytest.mark.parametrize(
    "action",
    ["case_accept", "case_decline", "case_start_pre_visits", "case_activate", "case_close"],
)
def test_volunteers_cannot_move_a_case(client, volunteer, action):
    case = CaseFactory()
    client.force_login(volunteer)

    assert client.post(url(action, case)).status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
