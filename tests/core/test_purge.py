"""The purge deletes rows that only django-simple-history listens to without the delete
signals (which would write a last history row per row, only for the purge to delete it
again), and still sends them for a model that has a receiver of its own."""

from django.db import connection
from django.db.models.signals import post_delete, pre_delete
from django.test.utils import CaptureQueriesContext

from attendance.models import Booking
from core.purge import purge
from referrals.models import Adult, Case, Child
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory


def family():
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT)
    AdultFactory(case=case, role=Adult.Role.VISITING)
    ChildFactory(case=case)
    for _ in range(3):
        BookingFactory(case=case, session=ContactSessionFactory())
    return case


def test_it_writes_no_history_while_deleting_rows_only_the_history_listens_to(db):
    cases = [family(), family()]
    ids = [case.pk for case in cases]

    with CaptureQueriesContext(connection) as queries:
        purge(cases)

    assert not [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert not Case.objects.filter(pk__in=ids).exists()
    assert not Booking.objects.filter(case_id__in=ids).exists()
    assert not Case.history.filter(id__in=ids).exists()
    assert not Adult.history.filter(case_id__in=ids).exists()
    assert not Booking.history.filter(case_id__in=ids).exists()
    assert [case.pk for case in cases] == [None, None]  # as Django's delete leaves them


def test_its_cost_does_not_grow_with_the_records_purged_at_once(db):
    one = [family()]
    with CaptureQueriesContext(connection) as for_one:
        purge(one)
    five = [family() for _ in range(5)]
    with CaptureQueriesContext(connection) as for_five:
        purge(five)

    assert len(for_five) == len(for_one)


def test_a_model_with_a_delete_receiver_of_its_own_still_gets_the_signals(db):
    case = family()
    children = list(case.children.values_list("pk", flat=True))
    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", instance.pk))

    def after(sender, instance, **kwargs):
        heard.append(("post", instance.pk))

    pre_delete.connect(before, sender=Child)
    post_delete.connect(after, sender=Child)
    try:
        purge([case])
    finally:
        pre_delete.disconnect(before, sender=Child)
        post_delete.disconnect(after, sender=Child)

    assert heard == [("pre", pk) for pk in children] + [("post", pk) for pk in children]
    assert not Child.objects.filter(pk__in=children).exists()
    # Sent, simple-history's receiver wrote a last history row: the purge deletes it too.
    assert not Child.history.filter(id__in=children).exists()
