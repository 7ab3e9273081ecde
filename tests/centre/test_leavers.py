"""People who leave the centre lose their way in: at once when the end date is already
past, and overnight when it passes later."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from centre.models import StaffMember, User
from centre.roles import Role
from centre.services import leavers_accounts_close, staff_member_save
from centre.tasks import close_accounts_of_leavers
from tests.factories import StaffMemberFactory

NOON = datetime.datetime(2026, 11, 29, 12, 0)


@pytest.fixture
def linked(volunteer):
    return StaffMemberFactory(
        first_name="Carol",
        last_name="Vance",
        email=volunteer.email,
        user=volunteer,
        role="volunteer",
        started_on=datetime.date(2024, 1, 1),
    )


def test_editing_a_person_keeps_their_account_in_step(client, manager, linked):
    client.force_login(manager)
    client.post(
        reverse("centre:staff_edit", args=[linked.pk]),
        {
            "first_name": "Caroline",
            "last_name": "Vance",
            "email": "caroline@example.test",
            "role": "staff",
            "started_on": "2024-01-01",
            "paid": "on",
        },
    )
    user = User.objects.get(pk=linked.user_id)
    assert (user.full_name, user.email, user.role) == (
        "Caroline Vance",
        "caroline@example.test",
        Role.STAFF,
    )


def test_an_address_another_account_signs_in_with_is_refused(client, manager, linked, staff):
    client.force_login(manager)
    response = client.post(
        reverse("centre:staff_edit", args=[linked.pk]),
        {
            "first_name": "Carol",
            "last_name": "Vance",
            "email": staff.email.upper(),
            "role": "volunteer",
            "started_on": "2024-01-01",
        },
    )
    assert response.context["form"].errors["email"] == [
        "Another account already signs in with this address."
    ]
    assert User.objects.get(pk=linked.user_id).email == "carol.volunteer@example.test"


@pytest.mark.parametrize(
    ("ended_on", "still_active"),
    [
        (datetime.date(2026, 11, 28), False),  # left yesterday
        (datetime.date(2026, 11, 29), True),  # today is their last day
        (datetime.date(2026, 11, 30), True),
    ],
)
def test_the_account_closes_the_day_after_the_last_day(linked, ended_on, still_active):
    with time_machine.travel(NOON, tick=False):
        linked.ended_on = ended_on
        staff_member_save(staff_member=linked)
        linked.user.refresh_from_db()
        assert linked.user.is_active is still_active


def test_the_nightly_job_closes_accounts_whose_last_day_has_passed_and_is_safe_twice(linked):
    linked.ended_on = datetime.date(2026, 11, 29)
    with time_machine.travel(NOON, tick=False):
        staff_member_save(staff_member=linked)
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        assert leavers_accounts_close() == 1
        assert leavers_accounts_close() == 0
    linked.user.refresh_from_db()
    assert linked.user.is_active is False


def test_a_real_worker_runs_the_nightly_job_through_redis(celery_worker_queue, linked):
    # Left long ago, yet the account is still open: the job's work.
    StaffMember.objects.filter(pk=linked.pk).update(ended_on=datetime.date(2021, 1, 1))
    result = close_accounts_of_leavers.apply_async(queue=celery_worker_queue)
    assert result.get(timeout=60) == 1
    linked.user.refresh_from_db()
    assert linked.user.is_active is False
