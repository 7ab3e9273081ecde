"""Object-level access: every view that takes an id refuses records it must not show.

Staff and the manager work with every family by design, so for them the test is that an
id which does not exist is a 404 (never a 500) and that an id belonging to another parent
(a recipient of another report) is not found through the wrong parent. Volunteers keep
only today's register: anything on another day, and every other URL with an id, is
refused.
"""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, ContactSession, ReportRecipient, SupervisedReport, Tap
from centre.roles import Role
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import PreVisitFactory, family_case, png_file
from tests.urls import SAMPLES, all_routes, url_of

ROUTES = all_routes()
WITH_IDS = [route for route in ROUTES if route.parameters]

# What a volunteer may open by role: the register of today (its session, its bookings'
# taps, a photograph of a family on it). Raising a concern takes no id.
REGISTER = {
    "attendance:register",
    "attendance:register_tap",
    "attendance:register_absent",
    "attendance:register_undo_absent",
    "attendance:register_undo_tap",
    "attendance:register_photo",
}
# Inside PostgreSQL's integer range, so the lookup runs and finds nothing.
MISSING_ID = 2_000_000_000
# Beyond even a bigint: the lookup must still be a plain 404.
HUGE_ID = 10**20
# URLs that answer for an id with no record, by design, doing nothing with it: the access
# log of a record outlives the record, and approving a disposal already done (a second
# click) says how many were approved (none) rather than 404.
ANSWER_WITHOUT_A_RECORD = {"safeguarding:access_log_record", "retention:approve_item"}


def _int_parameters(route):
    return re.findall(r"<int:(\w+)>", route.pattern)


def _url_with_ids(route, world, value):
    kwargs = dict(SAMPLES[route.name](world))
    for name in _int_parameters(route):
        kwargs[name] = value
    return reverse(route.name, kwargs=kwargs)


# Staff and the manager: ids that do not exist.


@pytest.mark.parametrize(
    ("role", "missing"),
    [
        (Role.MANAGER, MISSING_ID),
        (Role.STAFF, MISSING_ID),
        (Role.MANAGER, HUGE_ID),
        (Role.STAFF, HUGE_ID),
    ],
    ids=["manager-missing", "staff-missing", "manager-beyond-bigint", "staff-beyond-bigint"],
)
def test_an_id_that_does_not_exist_is_404_on_every_url(role, missing, world, client, request):
    client.force_login(request.getfixturevalue(role.value))
    problems = []
    for route in WITH_IDS:
        if not _int_parameters(route):
            continue  # the password reset link: a token, not a record
        url = _url_with_ids(route, world, missing)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            # 405: the view does not take this method at all; 403: this role may not use
            # the URL (staff), refused before any lookup.
            expected = {403, 404, 405}
            if route.name in ANSWER_WITHOUT_A_RECORD:
                expected |= {200, 302}
            if status not in expected:
                problems.append(f"{method.upper()} {url} ({route.name}): {status}")
    assert not problems, "\n".join(problems)


# Volunteers: only today's register.


@pytest.fixture
def days(db):
    """Family A booked today; family B yesterday and family C tomorrow, each with a
    photograph from their pre-visit."""
    today = timezone.localdate()
    # 10:00, or the hour now if earlier: an arrival more than an hour before the session
    # is asked about first (attendance.services.EARLY_BEFORE), whatever the hour the
    # tests run.
    starts = min(
        datetime.time(10), timezone.localtime().time().replace(minute=0, second=0, microsecond=0)
    )
    families = {}
    for name, offset in (("today", 0), ("yesterday", -1), ("tomorrow", 1)):
        case = family_case()
        session = ContactSessionFactory(
            date=today + datetime.timedelta(days=offset), starts_at=starts
        )
        booking = BookingFactory(session=session, case=case)
        pre_visit = PreVisitFactory(
            case=case, adult=case.adults.first(), photograph=png_file(), children=[]
        )
        families[name] = (session, booking, pre_visit)
    return families


def _tap_data(kind=Tap.Kind.RESIDENT_ARRIVED):
    return {"kind": kind, "token": str(uuid.uuid4())}


def test_a_volunteer_keeps_todays_register(client, volunteer, days):
    session, booking, pre_visit = days["today"]
    client.force_login(volunteer)
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 200
    response = client.post(reverse("attendance:register_tap", args=[booking.pk]), _tap_data())
    assert response.status_code == 302
    assert booking.taps.count() == 1
    photo = client.get(reverse("attendance:register_photo", args=[pre_visit.pk]))
    assert photo.status_code == 200


@pytest.mark.parametrize("day", ["yesterday", "tomorrow"])
def test_a_volunteer_cannot_reach_another_days_register(client, volunteer, days, day):
    session, booking, pre_visit = days[day]
    client.force_login(volunteer)
    refused = (403, 404)
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code in refused
    for name in ("register_tap", "register_absent", "register_undo_absent", "register_undo_tap"):
        url = reverse(f"attendance:{name}", args=[booking.pk])
        data = {**_tap_data(), "reason": Booking.AbsenceReason.CHILD_UNWELL}
        assert client.post(url, data).status_code in refused, name
    photo = reverse("attendance:register_photo", args=[pre_visit.pk])
    assert client.get(photo).status_code in refused
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert not Tap.objects.filter(booking=booking).exists()


def test_a_tap_from_todays_register_cannot_reach_another_days_booking(client, volunteer, days):
    """The tap URL names the booking alone, so a card of today's register posting another
    day's booking id (a forged or stale form) must be refused on the booking itself."""
    today_session, _, _ = days["today"]
    _, other_booking, _ = days["yesterday"]
    client.force_login(volunteer)
    register = reverse("attendance:register", args=[today_session.pk])
    response = client.post(
        reverse("attendance:register_tap", args=[other_booking.pk]),
        _tap_data(),
        HTTP_REFERER=register,
    )
    assert response.status_code in (403, 404)
    assert not Tap.objects.filter(booking=other_booking).exists()


def test_staff_may_keep_the_register_of_any_day(client, staff, days):
    # The other side of the volunteer's limit: by design, not a hole.
    session, booking, _ = days["yesterday"]
    client.force_login(staff)
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 200


def test_a_volunteer_gets_no_url_with_an_id_outside_the_register(world, client, volunteer):
    client.force_login(volunteer)
    problems = []
    for route in WITH_IDS:
        if route.name in REGISTER or route.name == "password_reset_confirm":
            continue
        url = url_of(route, world)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status != 403:
                problems.append(f"{method.upper()} {url} ({route.name}): {status}")
    assert not problems, "\n".join(problems)


def test_the_register_urls_are_all_the_volunteer_may_open_with_an_id(world):
    """A new URL with an id that volunteers may use must be added here, with its own
    object-level test."""
    from centre.access import rule_of
    from centre.roles import permissions_of

    volunteer_permissions = permissions_of(Role.VOLUNTEER)
    open_to_volunteers = {
        route.name
        for route in WITH_IDS
        if (rule := rule_of(route.callback)).is_public
        or rule.permission is None
        or rule.permission in volunteer_permissions
    }
    assert open_to_volunteers - {"password_reset_confirm"} == REGISTER


# Two ids in one URL: the child must belong to the parent.


def _second_report(world):
    from attendance.report_services import report_create, report_recipient_add

    last_month = timezone.localdate() - datetime.timedelta(days=30)
    session = ContactSessionFactory(
        date=last_month, kind=ContactSession.Kind.SUPERVISED, capacity=1, room="Family room"
    )
    case = family_case()
    booking = BookingFactory(session=session, case=case)
    report = report_create(
        report=SupervisedReport(
            booking=booking,
            who_attended="The visiting parent, the child and the supervisor.",
            started_at=datetime.time(10, 0),
            ended_at=datetime.time(11, 45),
            observations="They built a tower of blocks.",
            court_ordered=False,
        ),
        actor=world.report_author,
    )
    recipient = report_recipient_add(
        recipient=ReportRecipient(
            report=report, kind=ReportRecipient.Kind.CAFCASS, name="Fictional officer"
        ),
        actor=world.report_author,
    )
    return report, recipient


def _mixed_report_recipient(world):
    """World's report with the other report's recipient, and the other way round."""
    report, recipient = _second_report(world)
    pairs = [
        ({"pk": world.report.pk, "recipient_pk": recipient.pk}, recipient),
        ({"pk": report.pk, "recipient_pk": world.report_recipient.pk}, world.report_recipient),
    ]
    return pairs


# Every URL with two or more record ids, and how to build ids that belong to different
# parents, with the child record that must survive the request.
MIXED = {"attendance:report_recipient_remove": _mixed_report_recipient}


def test_every_url_with_two_ids_has_a_mixed_ids_test():
    with_two = {route.name for route in ROUTES if len(_int_parameters(route)) >= 2}
    assert with_two == set(MIXED), "add the new URL to MIXED in tests/test_object_access.py"


@pytest.mark.parametrize("name", sorted(MIXED))
def test_a_child_id_from_another_parent_is_not_found(name, world, client, manager):
    client.force_login(manager)
    for kwargs, child in MIXED[name](world):
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            assert status in (403, 404, 405), f"{method.upper()} {url}: {status}"
        assert type(child).objects.filter(pk=child.pk).exists(), f"{url} touched {child}"


# An id in a form's fields: a record of another family is not a choice.


@pytest.mark.parametrize(
    ("name", "data", "saved"),
    [
        (
            "referrals:consent_create",
            lambda adult: {"given_by": adult.pk, "scope": "Photographs", "given_on": "2026-11-10"},
            lambda adult: adult.consents_given.exists(),
        ),
        (
            "attendance:report_recipient_add",
            lambda adult: {"kind": "parent", "adult": adult.pk, "named_in_order": "on"},
            lambda adult: ReportRecipient.objects.filter(adult=adult).exists(),
        ),
    ],
    ids=["consent-given-by", "report-recipient"],
)
def test_a_form_refuses_an_adult_of_another_family(name, data, saved, world, client, manager):
    client.force_login(manager)
    url = url_of(next(route for route in ROUTES if route.name == name), world)
    other_family = family_case().adults.first()
    response = client.post(url, data(other_family))
    assert response.status_code in (200, 403, 404)
    assert not saved(other_family)
    # The same form with this family's own adult is saved: the refusal above was the id.
    response = client.post(url, data(world.visiting))
    assert response.status_code == 302
    assert saved(world.visiting)
