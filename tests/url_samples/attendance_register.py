"""Today's session with world.case booked into it, and the samples of the register's
URLs (the tablet's pages, the taps they post, a parent's photograph)."""

ORDER = 30


def build(world):
    from tests.attendance.factories import BookingFactory, ContactSessionFactory

    world.today_session = ContactSessionFactory()
    world.today_booking = BookingFactory(session=world.today_session, case=world.case)
    # Shared names for other modules, unless one of them set its own first.
    for name, value in (("session", world.today_session), ("booking", world.today_booking)):
        if not hasattr(world, name):
            setattr(world, name, value)


SAMPLES = {
    "attendance:register": lambda world: {"pk": world.today_session.pk},
    "attendance:register_tap": lambda world: {"pk": world.today_booking.pk},
    "attendance:register_absent": lambda world: {"pk": world.today_booking.pk},
    "attendance:register_undo_absent": lambda world: {"pk": world.today_booking.pk},
    "attendance:register_undo_tap": lambda world: {"pk": world.today_booking.pk},
    "attendance:register_photo": lambda world: {"pk": world.pre_visit.pk},
}
