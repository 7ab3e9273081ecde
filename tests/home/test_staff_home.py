"""The staff home leads the day: today's sessions say what each still lacks before it can
run, and the manager's forecast of what falls due is counted once a day, not on each look.

Every person, case and number here is fictional."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Booking
from home.views import home_page
from referrals.models import Adult, Case
from retention import tasks
from retention.forecasts import forecast_of_the_day
from retention.models import Rule
from retention.services import rule_change
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.home.test_dashboard import D, _text, at, with_status
from tests.referrals.factories import PreVisitFactory, family_case

HOME = reverse("home")
TODAY = D(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with at(TODAY):
        yield


def visited(case, *roles):
    for role in roles:
        PreVisitFactory(case=case, adult=case.adults.get(role=role))
    return with_status(case, Case.Status.ACTIVE)


def test_a_session_today_says_what_it_still_lacks_and_a_ready_one_says_so(client, staff, volunteer):
    lacking = ContactSessionFactory(starts_at=datetime.time(10), ends_at=datetime.time(12))
    half_visited = visited(family_case(), Adult.Role.RESIDENT)
    BookingFactory(session=lacking, case=half_visited)
    no_entrance = visited(family_case(), Adult.Role.RESIDENT, Adult.Role.VISITING)
    # A plan left without an entrance (as an import can leave one).
    unplanned = BookingFactory(session=lacking, case=no_entrance)
    Booking.objects.filter(pk=unplanned.pk).update(visiting_entrance="")
    ready = ContactSessionFactory(starts_at=datetime.time(14), ends_at=datetime.time(16))
    ready.staff_on_duty.add(staff)
    ready.volunteers_on_duty.add(volunteer)
    BookingFactory(
        session=ready, case=visited(family_case(), Adult.Role.RESIDENT, Adult.Role.VISITING)
    )

    first, second = home_page(staff, today=TODAY).sessions_today

    assert first.missing == [
        "no staff member on duty",
        "no volunteer on duty",
        "pre-visits not complete for 1 family",
        "handover plan not complete for 1 family",
    ]
    assert (first.mine, second.mine, second.missing) == (False, True, [])
    client.force_login(staff)
    text = _text(client.get(HOME))
    assert (
        "To do No staff member on duty; no volunteer on duty; pre-visits not complete for "
        "1 family; handover plan not complete for 1 family" in text
    )
    assert "14:00 to 16:00 Supported contact (several families) You are on duty" in text
    assert "Ready" in text


def test_with_no_session_today_the_staff_home_says_where_to_set_them_up(client, staff):
    client.force_login(staff)

    text = _text(client.get(HOME))

    assert "No sessions today. Set up the coming sessions and book families" in text
    assert "No referral is waiting for a decision. When one comes in, record" in text
    assert "No accepted case is waiting for its pre-visits." in text
    for placeholder in ("later", "coming soon"):
        assert placeholder not in text.lower()


def queries(count):
    with CaptureQueriesContext(connection) as captured:
        count()
    return len(captured)


def test_the_forecast_is_counted_once_a_day_and_again_after_a_rule_change(manager):
    assert queries(lambda: forecast_of_the_day(TODAY)) > 0
    assert queries(lambda: forecast_of_the_day(TODAY)) == 0

    rule = Rule.objects.first()
    rule.period_months += 12
    rule_change(rule=rule, reason="Fictional: a longer period", actor=manager)

    assert queries(lambda: forecast_of_the_day(TODAY)) > 0
    assert queries(lambda: forecast_of_the_day(TODAY + datetime.timedelta(days=1))) > 0


def test_the_nightly_sweep_counts_the_days_forecast_before_anyone_looks(db):
    tasks.sweep()

    assert queries(lambda: forecast_of_the_day(TODAY)) == 0
