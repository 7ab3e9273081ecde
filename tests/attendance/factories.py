"""Factories for contact sessions, bookings and register taps. Every name is invented.

Records are saved through ``centre.services.record_save`` (validated in full, as the
views save), not through ``booking_create``: a booking made here does not need the case
to have had its pre-visits, so a test can book any case it likes. Use the services
themselves when the test is about booking rules.

    session = ContactSessionFactory()                 # today, 10:00 to 12:00
    booking = BookingFactory(session=session)         # a family_case() with the usual plan
    booking = BookingFactory(case=world.case, not_to_collect="Rex Ashdown")
    tap = TapFactory(booking=booking, kind=Tap.Kind.RESIDENT_ARRIVED)
"""

import datetime
import uuid

import factory
from django.utils import timezone

from attendance.models import Booking, ContactSession, Tap
from centre.services import record_save
from tests.referrals.factories import family_case


class _RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return record_save(record=model_class(*args, **kwargs))


class ContactSessionFactory(_RecordFactory):
    """A supported contact session today (in the centre's time zone), 10:00 to 12:00."""

    class Meta:
        model = ContactSession

    date = factory.LazyFunction(timezone.localdate)
    starts_at = datetime.time(10, 0)
    ends_at = datetime.time(12, 0)
    kind = ContactSession.Kind.SUPPORTED
    room = "Main hall"
    capacity = 8


class BookingFactory(_RecordFactory):
    """A family booked into a session with the usual handover plan: the resident parent
    brings the child at 09:45 by the front door, the visiting parent comes at 10:00 by
    the side door and leaves at 11:45, and the resident parent returns at 12:00."""

    class Meta:
        model = Booking

    session = factory.SubFactory(ContactSessionFactory)
    case = factory.LazyFunction(family_case)
    resident_arrives_at = datetime.time(9, 45)
    visiting_arrives_at = datetime.time(10, 0)
    visiting_leaves_at = datetime.time(11, 45)
    resident_collects_at = datetime.time(12, 0)
    resident_entrance = "Front door"
    visiting_entrance = "Side door"
    who_may_collect = "Jane Doe, Sam Doe"
    not_to_collect = ""
    status = Booking.Status.BOOKED


class TapFactory(_RecordFactory):
    """A tap on the register. Records the row directly: use ``tap_record`` when the
    warning or the booking's status matters."""

    class Meta:
        model = Tap

    booking = factory.SubFactory(BookingFactory)
    kind = Tap.Kind.RESIDENT_ARRIVED
    token = factory.LazyFunction(uuid.uuid4)
    recorded_at = factory.LazyFunction(timezone.now)
