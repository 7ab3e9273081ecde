"""A session next week with a family booked into it, and the samples of the session
pages' URLs (the list, a session, its bookings and the forms that change them)."""

ORDER = 35


def build(world):
    import datetime

    from django.utils import timezone

    from tests.attendance.factories import BookingFactory, ContactSessionFactory

    next_week = timezone.localdate() + datetime.timedelta(days=7)
    world.planned_session = ContactSessionFactory(date=next_week, room="Quiet room")
    world.planned_booking = BookingFactory(session=world.planned_session)


SAMPLES = {
    "attendance:session_detail": lambda world: {"pk": world.planned_session.pk},
    "attendance:session_edit": lambda world: {"pk": world.planned_session.pk},
    "attendance:booking_create": lambda world: {"pk": world.planned_session.pk},
    "attendance:case_booking_create": lambda world: {"pk": world.case.pk},
    "attendance:booking_edit": lambda world: {"pk": world.planned_booking.pk},
    "attendance:booking_absence": lambda world: {"pk": world.planned_booking.pk},
}
