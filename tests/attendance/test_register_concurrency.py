"""Two tablets at once, for real: requests in two threads, each on its own database
connection. Only PostgreSQL runs them (SQLite allows one writer at a time, so nothing
would overlap); CI runs the tests against PostgreSQL."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.urls import reverse

from attendance.models import Tap
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.conftest import Client

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite has one writer"
)

Kind = Tap.Kind


def _at_once(user, posts):
    """Send ``posts`` (url, data) from as many tablets, released together."""
    barrier = threading.Barrier(len(posts))
    statuses, errors = [], []

    def tablet(url, data):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tablet, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return statuses


@pytest.fixture
def booking(transactional_db):
    # All day: arrivals are never more than an hour early, whenever the test runs.
    session = ContactSessionFactory(starts_at=datetime.time(0), ends_at=datetime.time(23, 59))
    return BookingFactory(session=session)


def test_the_same_tap_sent_from_two_tablets_at_once_records_once(booking, volunteer):
    url = reverse("attendance:register_tap", args=[booking.pk])
    data = {"kind": Kind.RESIDENT_ARRIVED, "token": str(uuid.uuid4())}

    statuses = _at_once(volunteer, [(url, data)] * 4)

    assert statuses == [302] * 4
    assert Tap.objects.filter(booking=booking).count() == 1


def test_different_taps_from_two_tablets_at_once_are_all_recorded(booking, volunteer):
    url = reverse("attendance:register_tap", args=[booking.pk])
    kinds = [Kind.RESIDENT_ARRIVED, Kind.VISITING_ARRIVED]

    _at_once(volunteer, [(url, {"kind": kind, "token": str(uuid.uuid4())}) for kind in kinds])

    assert sorted(Tap.objects.filter(booking=booking).values_list("kind", flat=True)) == sorted(
        kinds
    )
    booking.refresh_from_db()
    assert booking.status == "attended"
