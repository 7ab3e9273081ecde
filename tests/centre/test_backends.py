"""An account's permissions are read in one query, and are the ones Django's ModelBackend
gives: its own and its groups', all for a superuser, none for an inactive account."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from centre.backends import ModelBackendInOneQuery
from centre.models import User


def _fresh(user):
    """The account as a new request loads it: no permissions cached."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def staff_with_their_own_permission(staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    return staff


@pytest.mark.parametrize(
    "who", ["manager", "staff", "volunteer", "outsider", "staff_with_their_own_permission"]
)
def test_it_gives_each_account_the_permissions_django_gives(request, who):
    user = request.getfixturevalue(who)
    assert ModelBackendInOneQuery().get_all_permissions(_fresh(user)) == (
        ModelBackend().get_all_permissions(_fresh(user))
    )


def test_it_gives_an_account_its_own_permission_as_well_as_its_groups(
    staff_with_their_own_permission,
):
    user = _fresh(staff_with_their_own_permission)
    assert user.has_perm("core.view_auditevent")
    assert user.has_perm("referrals.view_case")


def test_it_gives_a_superuser_every_permission(staff):
    staff.is_superuser = True
    staff.save()
    assert ModelBackendInOneQuery().get_all_permissions(_fresh(staff)) == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_it_gives_an_inactive_account_nothing(manager):
    manager.is_active = False
    manager.save()
    user = _fresh(manager)
    assert ModelBackendInOneQuery().get_all_permissions(user) == set()
    assert not user.has_perm("core.view_auditevent")


def test_it_reads_them_in_one_query_and_keeps_them_for_the_request(
    manager, django_assert_num_queries
):
    user = _fresh(manager)
    with django_assert_num_queries(1):
        assert user.has_perm("core.view_auditevent")
        assert user.has_perm("referrals.view_case")
        assert not user.has_perm("auth.add_group")


@pytest.mark.parametrize("who", ["manager", "staff", "volunteer", "outsider"])
def test_a_requests_account_comes_with_the_role_its_groups_give(request, who):
    user = request.getfixturevalue(who)

    loaded = ModelBackendInOneQuery().get_user(user.pk)

    assert loaded.role == _fresh(user).role


def test_an_account_in_several_role_groups_has_the_highest(volunteer):
    from django.contrib.auth.models import Group

    volunteer.groups.add(Group.objects.get(name="manager"))

    assert ModelBackendInOneQuery().get_user(volunteer.pk).role == "manager"
    assert _fresh(volunteer).role == "manager"


def test_a_requests_account_and_its_role_are_one_query(staff, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = ModelBackendInOneQuery().get_user(staff.pk)
        assert user.role == "staff"


def test_an_inactive_or_deleted_account_is_no_requests_account(staff):
    backend = ModelBackendInOneQuery()
    missing = staff.pk + 1000
    staff.is_active = False
    staff.save()

    assert backend.get_user(staff.pk) is None
    assert backend.get_user(missing) is None
