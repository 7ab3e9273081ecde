"""Complaints about the use of personal data: logged, acknowledged within 30 days,
investigated, and answered with a letter stating the right to complain to the ICO."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from privacy_requests import services
from privacy_requests.models import Complaint
from tests.referrals.factories import AdultFactory

D = datetime.date
LONDON = ZoneInfo("Europe/London")
TODAY = D(2026, 12, 7)
RECEIVED = D(2026, 11, 20)
LIST = reverse("privacy_requests:complaint_list")
NEW = reverse("privacy_requests:complaint_create")


@pytest.fixture(autouse=True)
def today():
    moment = datetime.datetime.combine(TODAY, datetime.time(10), LONDON)
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


@pytest.fixture
def adult(db):
    return AdultFactory(first_name="Isolde", last_name="Marchbank")


def log(adult, *, received_on=RECEIVED, complainant_name=""):
    return services.complaint_log(
        complaint=Complaint(
            subject_adult=adult,
            channel="letter",
            received_on=received_on,
            complainant_name=complainant_name,
            summary="My phone number was read out in the waiting room.",
        ),
        actor=None,
    )


def url(name, complaint):
    return reverse(f"privacy_requests:{name}", args=[complaint.pk])


def fresh(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def test_staff_log_a_complaint_about_a_person(client, staff, adult):
    client.force_login(staff)
    response = client.post(
        f"{NEW}?adult={adult.pk}",
        {
            "received_on": "2026-12-01",
            "channel": "email",
            "summary": "A letter about me was sent to the other parent.",
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == url("complaint_detail", complaint)
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.logged_by == staff
    assert complaint.subject_label == f"AD-{adult.pk:04d} of {adult.case.display_reference}"


def test_a_complaint_received_in_the_future_saves_nothing(client, staff, adult):
    client.force_login(staff)
    response = client.post(
        f"{NEW}?adult={adult.pk}",
        {"received_on": "2026-12-08", "channel": "email", "summary": "Something."},
    )
    assert "A complaint cannot be received in the future." in response.content.decode()
    assert not Complaint.objects.exists()


def test_staff_acknowledge_a_complaint_in_time(client, staff, adult):
    complaint = log(adult)
    client.force_login(staff)
    response = client.post(
        url("complaint_acknowledge", complaint),
        {"acknowledge-acknowledged_on": "2026-12-01"},
        follow=True,
    )
    acknowledged = fresh(complaint)
    assert acknowledged.status == Complaint.Status.ACKNOWLEDGED
    assert acknowledged.acknowledged_on == D(2026, 12, 1)
    assert "is recorded." in response.content.decode()
    assert "it is late" not in response.content.decode()


def test_an_acknowledgement_after_30_days_is_recorded_with_a_warning(client, staff, adult):
    complaint = log(adult, received_on=D(2026, 11, 6))  # acknowledge by 6 December
    client.force_login(staff)
    response = client.post(
        url("complaint_acknowledge", complaint),
        {"acknowledge-acknowledged_on": "2026-12-07"},
        follow=True,
    )
    assert fresh(complaint).status == Complaint.Status.ACKNOWLEDGED
    assert "it is late: complaints must be acknowledged within 30 days" in response.content.decode()


def test_the_30th_day_is_still_in_time(adult, staff):
    complaint = log(adult, received_on=D(2026, 11, 7))
    services.complaint_acknowledge(complaint=complaint, acknowledged_on=D(2026, 12, 7), actor=staff)
    assert not services.acknowledged_late(complaint)


def test_a_complaint_cannot_be_acknowledged_before_it_arrived(client, staff, adult):
    complaint = log(adult)
    client.force_login(staff)
    response = client.post(
        url("complaint_acknowledge", complaint), {"acknowledge-acknowledged_on": "2026-11-19"}
    )
    assert "cannot be acknowledged before it arrived" in response.content.decode()
    assert fresh(complaint).status == Complaint.Status.RECEIVED


def test_a_complaint_is_investigated_then_resolved(client, staff, adult):
    complaint = log(adult)
    services.complaint_acknowledge(
        complaint=complaint, acknowledged_on=D(2026, 11, 21), actor=staff
    )
    client.force_login(staff)
    client.post(
        url("complaint_investigation", complaint),
        {"investigation-investigation": "The number was on the session sheet."},
    )
    assert fresh(complaint).status == Complaint.Status.INVESTIGATING
    client.post(
        url("complaint_resolve", complaint),
        {
            "resolve-outcome": "Upheld. Session sheets no longer show phone numbers.",
            "resolve-resolved_on": "2026-12-04",
        },
    )
    resolved = fresh(complaint)
    assert resolved.status == Complaint.Status.RESOLVED
    assert resolved.resolved_on == D(2026, 12, 4)
    assert resolved.outcome.startswith("Upheld.")


def test_an_outcome_needs_its_words_and_its_date(client, staff, adult):
    complaint = log(adult)
    services.complaint_acknowledge(
        complaint=complaint, acknowledged_on=D(2026, 11, 21), actor=staff
    )
    client.force_login(staff)
    response = client.post(url("complaint_resolve", complaint), {"resolve-outcome": ""})
    page = response.content.decode()
    assert "Record the outcome before closing the complaint." in page
    assert "Give the date the outcome was sent." in page
    assert fresh(complaint).status == Complaint.Status.ACKNOWLEDGED


def test_a_complaint_must_be_acknowledged_before_it_is_resolved(adult, staff):
    complaint = log(adult)
    with pytest.raises(ValidationError, match="it can only become acknowledged"):
        services.complaint_resolve(
            complaint=complaint, outcome="Upheld.", resolved_on=TODAY, actor=staff
        )


def test_the_outcome_letter_states_the_right_to_complain_to_the_ico(client, staff, adult):
    complaint = log(adult, complainant_name="Fictional Advocacy Service")
    services.complaint_acknowledge(
        complaint=complaint, acknowledged_on=D(2026, 11, 21), actor=staff
    )
    services.complaint_resolve(
        complaint=complaint, outcome="Not upheld.", resolved_on=TODAY, actor=staff
    )
    client.force_login(staff)
    page = client.get(url("complaint_letter", complaint)).content.decode()
    assert "Information Commissioner&#x27;s Office" in page or "Information Commissioner's" in page
    assert "ico.org.uk/make-a-complaint" in page
    assert "0303 123 1113" in page
    assert "Dear Fictional Advocacy Service" in page
    assert "Not upheld." in page


def test_the_letter_waits_for_the_outcome(client, staff, adult):
    complaint = log(adult)
    client.force_login(staff)
    response = client.get(url("complaint_letter", complaint))
    assert response.status_code == 302
    assert response["Location"] == url("complaint_detail", complaint)


def test_complaints_not_acknowledged_within_30_days_are_listed_and_counted(
    client, manager, staff, adult
):
    late = log(adult, received_on=D(2026, 11, 6))  # 31 days ago
    in_time = log(adult, received_on=D(2026, 11, 7))  # 30 days ago: still in time
    client.force_login(manager)
    page = client.get(f"{LIST}?show=unacknowledged").content.decode()
    assert late.reference in page and in_time.reference not in page
    assert client.get(reverse("home")).context["unacknowledged"] == 1


def test_volunteers_may_not_see_complaints(client, volunteer, adult):
    complaint = log(adult)
    client.force_login(volunteer)
    assert client.get(LIST).status_code == 403
    assert client.get(url("complaint_detail", complaint)).status_code == 403
    assert client.post(url("complaint_acknowledge", complaint)).status_code == 403


def test_the_complaints_list_names_people_by_reference_only(client, staff, adult):
    log(adult)
    client.force_login(staff)
    page = client.get(LIST).content.decode()
    assert f"AD-{adult.pk:04d}" in page and "Marchbank" not in page


def test_the_complaints_list_costs_the_same_queries_however_long_it_is(
    client, staff, adult, queries_stay_flat
):
    log(adult)
    client.force_login(staff)
    response = queries_stay_flat(LIST, add_more=lambda: [log(adult) for _ in range(4)])
    assert response.content.decode().count("CO-") >= 5
