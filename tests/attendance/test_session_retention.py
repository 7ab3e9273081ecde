"""A contact session's end (issue 16): a past session goes with the last family booked on
it, when that family's case is disposed of; a session no family was booked on goes a year
after its date, by the nightly task."""

import datetime

import pytest

from attendance.models import ContactSession
from attendance.session_services import unbooked_sessions_expire
from referrals.declarations import cases_dispose
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.retention.factories import closed_case

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_past_session_goes_with_the_last_case_booked_on_it():
    first, last = closed_case(D(2023, 1, 31)), closed_case(D(2023, 3, 31))
    shared = ContactSessionFactory(date=D(2022, 11, 5), notes="Fictional: a quiet morning.")
    only_first = ContactSessionFactory(date=D(2022, 11, 12))
    BookingFactory(session=shared, case=first)
    BookingFactory(session=shared, case=last)
    BookingFactory(session=only_first, case=first)

    cases_dispose([first])

    assert list(ContactSession.objects.all()) == [shared]
    assert not ContactSession.history.filter(id=only_first.pk).exists()

    cases_dispose([last])

    assert not ContactSession.objects.exists()
    assert not ContactSession.history.exists()


def test_a_session_still_to_come_stays_when_the_only_case_booked_on_it_goes():
    case = closed_case(D(2023, 1, 31))
    coming = ContactSessionFactory(date=datetime.date.today() + datetime.timedelta(days=7))
    BookingFactory(session=coming, case=case)

    cases_dispose([case])

    assert list(ContactSession.objects.all()) == [coming]


def test_a_session_no_one_booked_goes_a_year_after_its_date_and_not_a_day_before():
    unbooked = ContactSessionFactory(date=D(2025, 12, 6))
    booked = ContactSessionFactory(date=D(2024, 1, 6))
    BookingFactory(session=booked)

    assert unbooked_sessions_expire(D(2026, 12, 5)) == 0
    assert ContactSession.objects.count() == 2

    assert unbooked_sessions_expire(D(2026, 12, 6)) == 1
    assert list(ContactSession.objects.all()) == [booked]
    assert not ContactSession.history.filter(id=unbooked.pk).exists()
