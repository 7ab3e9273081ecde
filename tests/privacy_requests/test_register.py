"""The register of privacy requests: logging, the clock, the decisions, who may do what,
and the manager's home card. Every person is fictional."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from privacy_requests import services
from privacy_requests.models import PrivacyRequest
from tests.referrals.factories import AdultFactory, ChildFactory

D = datetime.date
LONDON = ZoneInfo("Europe/London")
TODAY = D(2026, 12, 7)  # a Monday
REGISTER = reverse("privacy_requests:register")
NEW = reverse("privacy_requests:request_create")


def travel(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False
    )


@pytest.fixture(autouse=True)
def today():
    with travel(TODAY) as traveller:
        yield traveller


@pytest.fixture
def adult(db):
    return AdultFactory(first_name="Perpetua", last_name="Hollowmere")


def log(adult, *, received_on=TODAY, right=PrivacyRequest.Right.ACCESS, actor=None):
    return services.privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_adult=adult,
            right=right,
            channel=PrivacyRequest.Channel.EMAIL,
            received_on=received_on,
        ),
        actor=actor,
    )


def url(name, record):
    return reverse(f"privacy_requests:{name}", args=[record.pk])


def fresh(record):
    return PrivacyRequest.objects.get(pk=record.pk)


def log_form(**changes):
    data = {
        "right": "access",
        "channel": "letter",
        "received_on": TODAY.isoformat(),
        "details": "Copies of the session notes.",
        "made_by_subject": "on",
    }
    return {**data, **changes}


# Logging


def test_staff_log_a_request_from_the_persons_page_and_the_clock_starts(client, staff, adult):
    client.force_login(staff)
    response = client.post(f"{NEW}?adult={adult.pk}", log_form(received_on="2026-12-01"))
    logged = PrivacyRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request_detail", logged)
    assert logged.status == PrivacyRequest.Status.RECEIVED
    assert logged.logged_by == staff
    assert logged.subject_adult == adult
    assert logged.subject_label == f"AD-{adult.pk:04d} of {adult.case.display_reference}"
    assert logged.due_on == D(2027, 1, 4)  # 1 January a bank holiday, then a weekend


def test_staff_find_a_child_by_name_and_choose_them(client, staff):
    child = ChildFactory(first_name="Tobiah", last_name="Wrenfield")
    client.force_login(staff)
    # No one is listed before a search: the page names no one.
    assert "Wrenfield" not in client.get(NEW).content.decode()
    found = client.post(NEW, log_form(subject_q="wrenf", _find="subject")).content.decode()
    assert "Tobiah Wrenfield" in found
    assert f"CH-{child.pk:04d} of case {child.case.display_reference}" in found
    client.post(NEW, log_form(subject=f"child:{child.pk}"))
    assert PrivacyRequest.objects.get().subject_child == child


def test_a_request_about_nobody_saves_nothing_and_says_why(client, staff):
    client.force_login(staff)
    response = client.post(NEW, log_form())
    assert response.status_code == 200
    assert "Say who the request is about" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_request_received_in_the_future_saves_nothing_and_says_why(client, staff, adult):
    client.force_login(staff)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(f"{NEW}?adult={adult.pk}", log_form(received_on=tomorrow))
    assert response.status_code == 200
    assert "A request cannot be received in the future." in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_request_made_for_someone_else_needs_their_authority(client, staff, adult):
    client.force_login(staff)
    data = log_form(requester_name="Fictional Solicitors LLP")
    del data["made_by_subject"]
    response = client.post(f"{NEW}?adult={adult.pk}", data)
    assert "Say what shows they may act for the person" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_a_link_to_someone_who_does_not_exist_is_404(client, staff):
    client.force_login(staff)
    assert client.get(f"{NEW}?adult=999999").status_code == 404
    assert client.get(f"{NEW}?adult=not-a-number").status_code == 404


# The clock of Article 12A: identity evidence starts the month again, a clarification
# stops it, an extension makes it three months.


def ask_clarification(request, asked_on, actor=None, asked_for=""):
    return services.privacy_request_ask_clarification(
        privacy_request=fresh(request), asked_on=asked_on, asked_for=asked_for, actor=actor
    )


def answer(request, answered_on, actor=None):
    return services.privacy_request_clarification_answered(
        privacy_request=fresh(request), answered_on=answered_on, actor=actor
    )


def test_identity_evidence_arriving_later_starts_the_month_again(today, adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))  # due Thursday 10 December
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 12), actor=staff
    )
    waiting = fresh(request)
    assert waiting.status == PrivacyRequest.Status.AWAITING
    assert waiting.identity_requested_on == D(2026, 11, 12)
    assert waiting.clock_stopped
    # Were it to arrive today (Monday 7 December), the month would run to 7 January.
    assert waiting.current_due_on() == D(2027, 1, 7)
    steps = waiting.deadline_steps()
    assert steps[1] == (
        "Identity evidence asked for on 12 November 2026 has not arrived: the month starts "
        "again on the day it does. Counted as if it arrived today, 7 December 2026."
    )
    assert not any("arrived on" in step for step in steps)
    assert steps[-1] == "Thursday 7 January 2027 is a working day: due then."
    services.privacy_request_identity_received(
        privacy_request=waiting, received_on=D(2026, 11, 20), actor=staff
    )
    started = fresh(request)
    assert started.status == PrivacyRequest.Status.IN_PROGRESS
    assert started.identity_received_on == D(2026, 11, 20)
    assert not started.clock_stopped
    assert started.due_on == D(2026, 12, 21)  # 20 December 2026 is a Sunday
    # Received, not checked: the check is recorded on its own.
    assert started.identity_verified_on is None


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        (D(2026, 11, 9), "Identity evidence cannot have arrived before the request was received"),
        (D(2026, 11, 11), "Identity evidence cannot have arrived before it was asked for"),
        (D(2026, 12, 8), "The date the evidence arrived cannot be in the future."),
        (None, "Give the date the evidence arrived."),
    ],
)
def test_impossible_identity_evidence_dates_save_nothing(adult, staff, received_on, message):
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 12), actor=staff
    )
    with pytest.raises(ValidationError, match=message):
        services.privacy_request_identity_received(
            privacy_request=fresh(request), received_on=received_on, actor=staff
        )
    unchanged = fresh(request)
    assert unchanged.identity_received_on is None
    assert unchanged.status == PrivacyRequest.Status.AWAITING
    assert unchanged.due_on == D(2026, 12, 10)


def test_identity_cannot_be_asked_for_twice_before_it_arrives(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 12), actor=staff
    )
    with pytest.raises(ValidationError, match="already asked for on 12 November 2026"):
        services.privacy_request_ask_identity(
            privacy_request=fresh(request), asked_on=D(2026, 11, 13), actor=staff
        )


def test_identity_asked_for_again_waits_for_the_new_evidence(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 12), actor=staff
    )
    services.privacy_request_identity_received(
        privacy_request=fresh(request), received_on=D(2026, 11, 16), actor=staff
    )
    with pytest.raises(ValidationError, match="before the last evidence arrived"):
        services.privacy_request_ask_identity(
            privacy_request=fresh(request), asked_on=D(2026, 11, 13), actor=staff
        )
    # The evidence was not enough: asked again, the month starts from the new evidence.
    services.privacy_request_ask_identity(
        privacy_request=fresh(request), asked_on=D(2026, 11, 17), actor=staff
    )
    assert fresh(request).awaiting_identity
    services.privacy_request_identity_received(
        privacy_request=fresh(request), received_on=D(2026, 11, 24), actor=staff
    )
    assert fresh(request).due_on == D(2026, 12, 24)


def test_a_clarification_stops_the_clock_for_the_days_from_asking_to_the_answer(
    today, adult, staff
):
    request = log(adult, received_on=D(2026, 11, 10))  # due Thursday 10 December
    pause = ask_clarification(request, D(2026, 12, 7), staff, asked_for="Which years?")
    assert pause.asked_for == "Which years?"
    today.move_to(datetime.datetime(2026, 12, 9, 10, tzinfo=LONDON))
    paused = fresh(request)
    assert paused.status == PrivacyRequest.Status.AWAITING
    assert paused.clock_stopped
    # 7, 8 and 9 December do not count: Sunday 13 December, so Monday 14.
    assert paused.current_due_on() == D(2026, 12, 14)
    assert paused.due_on == D(2026, 12, 10)  # the stored date waits for the answer
    answer(request, D(2026, 12, 9), staff)
    resumed = fresh(request)
    assert resumed.status == PrivacyRequest.Status.IN_PROGRESS
    assert resumed.pauses.get().answered_on == D(2026, 12, 9)
    assert resumed.due_on == D(2026, 12, 14)
    assert not resumed.clock_stopped


@pytest.mark.parametrize(
    ("answered_on", "due_on"),
    [
        (D(2026, 12, 1), D(2026, 12, 11)),  # asked and answered the same day: one day
        (D(2026, 12, 2), D(2026, 12, 14)),  # two days: Saturday 12th, so Monday 14th
    ],
)
def test_both_the_day_asked_and_the_day_answered_do_not_count(adult, staff, answered_on, due_on):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 12, 1), staff)
    answer(request, answered_on, staff)
    assert fresh(request).due_on == due_on


def test_several_clarifications_add_up_one_at_a_time(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 11, 16), staff)
    with pytest.raises(ValidationError, match="has not been answered yet"):
        ask_clarification(request, D(2026, 11, 17), staff)
    answer(request, D(2026, 11, 17), staff)
    with pytest.raises(ValidationError, match="before the answer to the last one arrived"):
        ask_clarification(request, D(2026, 11, 16), staff)
    ask_clarification(request, D(2026, 12, 1), staff)
    answer(request, D(2026, 12, 3), staff)
    # 2 days and 3 days: Thursday 10 December becomes Tuesday 15.
    assert fresh(request).due_on == D(2026, 12, 15)
    assert fresh(request).pauses.count() == 2


def test_an_answer_before_the_question_saves_nothing_and_says_why(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 12, 3), staff)
    with pytest.raises(ValidationError, match=r"before it was asked for \(3 December 2026\)"):
        answer(request, D(2026, 12, 2), staff)
    unchanged = fresh(request)
    assert unchanged.status == PrivacyRequest.Status.AWAITING
    assert unchanged.pauses.get().answered_on is None


def test_a_clarification_cannot_be_dated_before_the_request_or_in_the_future(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    with pytest.raises(ValidationError, match="before the request was received"):
        ask_clarification(request, D(2026, 11, 9), staff)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        ask_clarification(request, D(2026, 12, 8), staff)
    assert not fresh(request).pauses.exists()
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


def test_a_clarification_asked_after_the_deadline_leaves_the_request_overdue(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 2))  # due Wednesday 2 December
    ask_clarification(request, D(2026, 12, 4), staff)
    late = fresh(request)
    assert not late.clock_stopped
    assert late.current_due_on() == D(2026, 12, 2)
    client.force_login(staff)
    assert request.reference in client.get(f"{REGISTER}?show=overdue").content.decode()
    page = client.get(url("request_detail", request)).content.decode()
    assert "after the deadline of 2 December 2026 had passed: it does not stop the clock" in page


def test_a_request_waits_for_both_identity_and_an_answer_before_work_resumes(adult, staff):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 11, 12), staff)
    services.privacy_request_ask_identity(
        privacy_request=fresh(request), asked_on=D(2026, 11, 12), actor=staff
    )
    answer(request, D(2026, 11, 16), staff)
    assert fresh(request).status == PrivacyRequest.Status.AWAITING
    services.privacy_request_identity_received(
        privacy_request=fresh(request), received_on=D(2026, 11, 20), actor=staff
    )
    started = fresh(request)
    assert started.status == PrivacyRequest.Status.IN_PROGRESS
    # The clarification was answered before the month started again on 20 November: its
    # days change nothing. Sunday 20 December, so Monday 21.
    assert started.due_on == D(2026, 12, 21)


def test_an_extended_request_waits_for_an_answer_and_goes_back_to_extended(adult, manager):
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_extend(
        privacy_request=request, reason="Complex.", told_on=D(2026, 12, 1), actor=manager
    )
    assert fresh(request).due_on == D(2027, 2, 10)
    ask_clarification(request, D(2026, 12, 2), manager)
    with pytest.raises(ValidationError, match="only become"):
        services.privacy_request_complete(
            privacy_request=fresh(request), response="Sent.", actor=manager
        )
    answer(request, D(2026, 12, 4), manager)
    back = fresh(request)
    assert back.status == PrivacyRequest.Status.EXTENDED
    assert back.due_on == D(2027, 2, 15)  # three days later is Saturday 13 February


def test_the_manager_extends_a_complex_request_to_three_months(client, manager, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    client.force_login(manager)
    response = client.post(
        url("request_extend", request),
        {"extend-reason": "Eight years of session notes.", "extend-told_on": "2026-12-04"},
    )
    assert response.status_code == 302
    extended = fresh(request)
    assert extended.status == PrivacyRequest.Status.EXTENDED
    assert extended.extended_on == TODAY
    assert extended.requester_told_of_extension_on == D(2026, 12, 4)
    assert extended.due_on == D(2027, 2, 10)


def test_an_extension_without_a_reason_saves_nothing_and_says_why(client, manager, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    client.force_login(manager)
    response = client.post(url("request_extend", request), {"extend-told_on": "2026-12-04"})
    assert response.status_code == 200
    assert "Give the reason the request is extended." in response.content.decode()
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED
    assert fresh(request).extended_on is None


def test_an_extension_must_be_told_within_the_first_month(today, manager, adult):
    # Received 10 November: the first month ends on Thursday 10 December.
    request = log(adult, received_on=D(2026, 11, 10))
    today.move_to(datetime.datetime(2026, 12, 11, 10, tzinfo=LONDON))
    with pytest.raises(ValidationError, match="within the first month, by 10 December 2026"):
        services.privacy_request_extend(
            privacy_request=request, reason="Complex.", told_on=D(2026, 12, 11), actor=manager
        )
    told_on_the_last_day = services.privacy_request_extend(
        privacy_request=fresh(request), reason="Complex.", told_on=D(2026, 12, 10), actor=manager
    )
    assert told_on_the_last_day.status == PrivacyRequest.Status.EXTENDED


def test_the_first_month_for_telling_of_an_extension_is_counted_as_the_deadline_is(
    today, manager, adult
):
    # Identity evidence arrived 20 November: the first month runs to Sunday 20 December,
    # and the 1 and 2 December clarification moves it to Tuesday 22 December.
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 11), actor=manager
    )
    services.privacy_request_identity_received(
        privacy_request=fresh(request), received_on=D(2026, 11, 20), actor=manager
    )
    ask_clarification(request, D(2026, 12, 1), manager)
    answer(request, D(2026, 12, 2), manager)
    assert services.first_month_ends(fresh(request)) == D(2026, 12, 22)
    today.move_to(datetime.datetime(2026, 12, 23, 10, tzinfo=LONDON))
    with pytest.raises(ValidationError, match="within the first month, by 22 December 2026"):
        services.privacy_request_extend(
            privacy_request=fresh(request),
            reason="Complex.",
            told_on=D(2026, 12, 23),
            actor=manager,
        )
    extended = services.privacy_request_extend(
        privacy_request=fresh(request), reason="Complex.", told_on=D(2026, 12, 22), actor=manager
    )
    # Three months from 20 November, and the two days: Monday 22 February 2027.
    assert fresh(extended).due_on == D(2027, 2, 22)


def test_a_request_waiting_for_the_requester_is_not_extended(adult, manager):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 12, 1), manager)
    with pytest.raises(ValidationError, match="record what arrived before extending"):
        services.privacy_request_extend(
            privacy_request=fresh(request), reason="Complex.", told_on=TODAY, actor=manager
        )
    assert fresh(request).extended_on is None


# The clock's forms on the request's page


def test_staff_record_identity_asked_for_and_received_on_the_page(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    client.force_login(staff)
    response = client.post(
        url("request_ask_identity", request), {"ask_identity-asked_on": "2026-11-12"}
    )
    assert response.status_code == 302
    page = client.get(url("request_detail", request)).content.decode()
    assert "Waiting for identity evidence asked for on 12 November 2026" in page
    assert "The identity evidence has arrived" in page
    response = client.post(
        url("request_identity_received", request),
        {"identity_received-received_on": "2026-11-20"},
        follow=True,
    )
    page = response.content.decode()
    assert "The month starts again from 20 November 2026" in page
    assert "How the date is reached" in page
    assert "arrived on Friday 20 November 2026: the month starts again from then." in page
    assert "Sunday 20 December 2026 is a weekend: due on the next working day" in page
    assert fresh(request).due_on == D(2026, 12, 21)


def test_identity_evidence_before_the_request_is_refused_on_the_form(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=request, asked_on=D(2026, 11, 10), actor=staff
    )
    client.force_login(staff)
    response = client.post(
        url("request_identity_received", request),
        {"identity_received-received_on": "2026-11-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Identity evidence cannot have arrived before the request was received" in page
    assert "Nothing has been saved" in page
    assert fresh(request).identity_received_on is None


def test_staff_ask_for_and_record_a_clarification_on_the_page(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    client.force_login(staff)
    response = client.post(
        url("request_await", request),
        {"await-asked_on": "2026-12-01", "await-asked_for": "Which years of notes"},
        follow=True,
    )
    page = response.content.decode()
    assert "The clock is stopped from 1 December 2026" in page
    assert "Clock stopped since 1 December 2026" in page
    assert "Which years of notes" in page
    response = client.post(
        url("request_resume", request), {"resume-answered_on": "2026-12-02"}, follow=True
    )
    page = response.content.decode()
    assert f"{request.reference} is now due by 14 December 2026" in page
    assert (
        "Clarification asked for on 1 December 2026, answered on 2 December 2026: 2 days "
        "do not count, so 12 December 2026." in page
    )


def test_an_answer_before_the_question_is_refused_on_the_form(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 12, 3), staff)
    client.force_login(staff)
    response = client.post(url("request_resume", request), {"resume-answered_on": "2026-12-02"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The answer cannot have arrived before it was asked for (3 December 2026)." in page
    assert "Nothing has been saved" in page
    assert fresh(request).pauses.get().answered_on is None
    assert fresh(request).status == PrivacyRequest.Status.AWAITING


# Decisions


def test_the_manager_completes_a_request_with_its_response(client, manager, adult):
    request = log(adult)
    client.force_login(manager)
    response = client.post(
        url("request_complete", request), {"complete-response": "Pack sent by post."}
    )
    assert response.status_code == 302
    completed = fresh(request)
    assert completed.status == PrivacyRequest.Status.COMPLETED
    assert completed.closed_on == TODAY
    assert completed.response == "Pack sent by post."


def test_completion_without_a_response_saves_nothing_and_says_why(client, manager, adult):
    request = log(adult)
    client.force_login(manager)
    response = client.post(url("request_complete", request), {"complete-response": "  "})
    assert response.status_code == 200
    assert "Record the response before completing the request." in response.content.decode()
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


def test_a_refusal_needs_the_exemption_and_the_reasons(client, manager, adult):
    request = log(adult, right=PrivacyRequest.Right.ERASURE)
    client.force_login(manager)
    response = client.post(url("request_refuse", request), {"refuse-reason": "Kept for court."})
    assert "Say which exemption the refusal relies on." in response.content.decode()
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED
    client.post(
        url("request_refuse", request),
        {"refuse-exemption": "legal", "refuse-reason": "A court order requires it is kept."},
    )
    refused = fresh(request)
    assert refused.status == PrivacyRequest.Status.REFUSED
    assert refused.exemption == "legal"
    assert refused.closed_on == TODAY


def test_a_status_move_not_allowed_is_refused_with_a_clear_message(client, manager, adult):
    request = log(adult)
    services.privacy_request_complete(privacy_request=request, response="Sent.", actor=manager)
    with pytest.raises(ValidationError, match="completed, which is final"):
        services.privacy_request_start(privacy_request=fresh(request), actor=manager)
    client.force_login(manager)
    response = client.post(url("request_start", request), follow=True)
    assert "This request is completed, which is final" in response.content.decode()
    assert fresh(request).status == PrivacyRequest.Status.COMPLETED


def test_a_paused_request_must_restart_its_clock_before_it_is_completed(adult, manager):
    request = log(adult)
    ask_clarification(request, TODAY, manager)
    with pytest.raises(
        ValidationError, match="it can only become extended or in progress or refused"
    ):
        services.privacy_request_complete(
            privacy_request=fresh(request), response="Sent.", actor=manager
        )


def test_the_services_refuse_a_decision_by_anyone_but_the_manager(adult, staff):
    request = log(adult)
    with pytest.raises(PermissionDenied):
        services.privacy_request_complete(privacy_request=request, response="Sent.", actor=staff)


# Who may do what


@pytest.mark.parametrize("action", ["complete", "refuse", "extend"])
def test_staff_cannot_decide_a_request(client, staff, adult, action):
    request = log(adult)
    client.force_login(staff)
    data = {
        "complete-response": "Sent.",
        "refuse-exemption": "other",
        "refuse-reason": "No.",
        "extend-reason": "Complex.",
        "extend-told_on": TODAY.isoformat(),
    }
    assert client.post(url(f"request_{action}", request), data).status_code == 403
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


def test_staff_prepare_a_request(client, staff, adult):
    request = log(adult)
    client.force_login(staff)
    client.post(
        url("request_verify", request),
        {"verify-evidence": "Passport, seen in person", "verify-verified_on": TODAY.isoformat()},
    )
    client.post(url("request_start", request))
    prepared = fresh(request)
    assert prepared.identity_evidence == "Passport, seen in person"
    assert prepared.identity_verified_by == staff
    assert prepared.identity_verified_on == TODAY
    assert prepared.status == PrivacyRequest.Status.IN_PROGRESS


def test_staff_see_no_decision_forms_and_the_manager_does(client, staff, manager, adult):
    request = log(adult)
    client.force_login(staff)
    page = client.get(url("request_detail", request)).content.decode()
    assert "Record the identity check" in page
    assert "Complete the request" not in page
    client.force_login(manager)
    page = client.get(url("request_detail", request)).content.decode()
    assert "Complete the request" in page and "Extend a complex request" in page


def test_volunteers_may_not_open_the_register(client, volunteer, adult):
    request = log(adult)
    client.force_login(volunteer)
    assert client.get(REGISTER).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(url("request_detail", request)).status_code == 403
    assert client.post(url("request_start", request)).status_code == 403


def test_actions_are_posted_never_fetched(client, staff, adult):
    request = log(adult)
    client.force_login(staff)
    assert client.get(url("request_start", request)).status_code == 405
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


def test_anonymous_visitors_are_sent_to_sign_in(client, adult):
    assert client.get(REGISTER)["Location"].startswith(reverse("login"))


def test_the_navigation_offers_the_register_to_staff_not_volunteers(client, staff, volunteer):
    client.force_login(staff)
    assert f'href="{REGISTER}"' in client.get(reverse("home")).content.decode()
    client.force_login(volunteer)
    assert f'href="{REGISTER}"' not in client.get(reverse("home")).content.decode()


# The register


def test_the_register_sorts_open_requests_by_deadline_then_the_closed(
    client, staff, adult, manager
):
    later = log(adult, received_on=D(2026, 12, 1))
    sooner = log(adult, received_on=D(2026, 11, 20))
    closed = log(adult, received_on=D(2026, 11, 2))
    services.privacy_request_complete(privacy_request=closed, response="Sent.", actor=manager)
    client.force_login(staff)
    page = client.get(REGISTER).content.decode()
    positions = [page.index(r.reference) for r in (sooner, later, closed)]
    assert positions == sorted(positions)


def test_the_register_names_people_by_reference_only(client, staff, adult):
    log(adult)
    client.force_login(staff)
    page = client.get(REGISTER).content.decode()
    assert f"AD-{adult.pk:04d} of {adult.case.display_reference}" in page
    assert "Hollowmere" not in page and "Perpetua" not in page


def test_the_register_shows_a_stopped_clock_and_how_each_date_is_reached(client, staff, adult):
    request = log(adult, received_on=D(2026, 11, 20))
    ask_clarification(request, D(2026, 12, 2), staff)
    waiting = log(adult, received_on=D(2026, 11, 30))
    services.privacy_request_ask_identity(
        privacy_request=waiting, asked_on=D(2026, 12, 1), actor=staff
    )
    client.force_login(staff)
    page = client.get(REGISTER).content.decode()
    # 2 to 7 December do not count so far: Sunday 20 December becomes Saturday 26, so
    # Tuesday 29 after Christmas and Boxing Day.
    assert "Clock stopped since 2 Dec 2026: 29 Dec 2026 if answered today" in page
    assert "Waiting for identity evidence: 7 Jan 2027 if it arrived today" in page
    assert "How the date is reached" in page
    assert "Clarification asked for on 2 December 2026, not yet answered" in page


def test_a_request_is_due_this_week_on_its_deadline_and_overdue_the_day_after(
    today, client, staff, adult
):
    request = log(adult, received_on=D(2026, 11, 10))  # due Thursday 10 December
    client.force_login(staff)

    def shown(show):
        client.force_login(staff)  # sessions end after a while; the clock jumps days
        return request.reference in client.get(f"{REGISTER}?show={show}").content.decode()

    today.move_to(datetime.datetime(2026, 12, 3, 10, tzinfo=LONDON))
    assert shown("week") and not shown("overdue")
    today.move_to(datetime.datetime(2026, 12, 10, 10, tzinfo=LONDON))
    assert shown("week") and not shown("overdue")
    today.move_to(datetime.datetime(2026, 12, 11, 10, tzinfo=LONDON))
    assert shown("overdue") and not shown("week")
    assert shown("open") and not shown("closed")


def test_a_paused_request_is_neither_due_nor_overdue_while_its_clock_stands(
    today, client, staff, adult
):
    request = log(adult, received_on=D(2026, 11, 10))
    ask_clarification(request, D(2026, 12, 1), staff)
    waiting = log(adult, received_on=D(2026, 11, 10))
    services.privacy_request_ask_identity(
        privacy_request=waiting, asked_on=D(2026, 11, 11), actor=staff
    )
    today.move_to(datetime.datetime(2026, 12, 20, 10, tzinfo=LONDON))
    client.force_login(staff)
    for show in ("week", "overdue"):
        page = client.get(f"{REGISTER}?show={show}").content.decode()
        assert request.reference not in page
        assert waiting.reference not in page


def test_the_register_costs_the_same_queries_however_long_it_is(
    client, staff, adult, queries_stay_flat
):
    log(adult)
    client.force_login(staff)

    def add_more():
        child = ChildFactory(case=adult.case)
        for day in range(1, 6):
            services.privacy_request_log(
                privacy_request=PrivacyRequest(
                    subject_child=child,
                    right=PrivacyRequest.Right.RECTIFICATION,
                    channel=PrivacyRequest.Channel.LETTER,
                    received_on=D(2026, 11, day),
                ),
                actor=None,
            )

    response = queries_stay_flat(REGISTER, add_more=add_more)
    assert response.content.decode().count("Rectification") == 5


def test_the_detail_page_shows_the_timeline(client, staff, adult):
    request = log(adult, actor=staff)
    ask_clarification(request, TODAY, staff, asked_for="Which years of notes")
    client.force_login(staff)
    page = client.get(url("request_detail", request)).content.decode()
    assert "Timeline" in page
    assert "Logged" in page
    assert "Clarification asked for: the clock stops" in page
    assert "Which years of notes" in page
    assert "Clock stopped since 7 December 2026" in page


# The manager's home


def test_the_managers_home_counts_what_is_due_this_week_and_overdue(client, manager, adult):
    log(adult, received_on=D(2026, 11, 10))  # due 10 December: this week
    log(adult, received_on=D(2026, 11, 2))  # due 2 December: overdue
    log(adult, received_on=D(2026, 11, 5))  # due 7 December, today: this week
    log(adult, received_on=D(2026, 12, 1))  # due 4 January: neither
    client.force_login(manager)
    response = client.get(reverse("home"))
    card = response.context["due_this_week"], response.context["overdue"]
    assert card == (2, 1)
    page = response.content.decode()
    assert f"{REGISTER}?show=week" in page and f"{REGISTER}?show=overdue" in page


def test_the_managers_home_leaves_out_requests_whose_clock_stands_still(client, manager, adult):
    waiting_for_identity = log(adult, received_on=D(2026, 11, 10))  # due 10 December
    services.privacy_request_ask_identity(
        privacy_request=waiting_for_identity, asked_on=D(2026, 11, 11), actor=manager
    )
    waiting_for_an_answer = log(adult, received_on=D(2026, 11, 2))  # due 2 December
    ask_clarification(waiting_for_an_answer, D(2026, 11, 30), manager)
    asked_too_late = log(adult, received_on=D(2026, 11, 2))  # due 2 December
    ask_clarification(asked_too_late, D(2026, 12, 3), manager)
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert (response.context["due_this_week"], response.context["overdue"]) == (0, 1)
    assert "their clock stands still" in response.content.decode()


def test_an_access_request_links_to_finding_the_person_and_its_response_pack(
    client, manager, adult
):
    request = log(adult)
    client.force_login(manager)
    page = client.get(url("request_detail", request)).content.decode()
    assert url("person_find", request) in page
    assert url("pack", request) in page
