"""Signing in, roles, and the manager giving staff members their accounts."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from centre.models import User
from centre.roles import ROLE_PERMISSIONS, Role, permissions_of
from tests.conftest import PASSWORD, Client
from tests.factories import StaffMemberFactory


def test_the_three_roles_exist_as_groups_with_exactly_their_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) == {"manager", "staff", "volunteer"}
    for role, wanted in ROLE_PERMISSIONS.items():
        assert permissions_of(role) == set(wanted), role
    manager_permissions = permissions_of(Role.MANAGER)
    assert {"centre.change_centreprofile", "centre.view_dbscheck"} <= manager_permissions


def test_a_user_signs_in_with_their_email_in_any_case(client, staff):
    response = client.post(
        reverse("login"), {"username": "Bob.Staff@Example.TEST", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_gets_a_plain_message_and_no_session(client, staff):
    response = client.post(reverse("login"), {"username": staff.email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert "_auth_user_id" not in client.session


def test_a_switched_off_account_cannot_sign_in(client, staff):
    staff.is_active = False
    staff.save()
    response = client.post(reverse("login"), {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_signing_out_takes_a_post_and_ends_the_session(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_role_lands_on_its_own_home_page(client, manager, staff, volunteer, outsider):
    expected = {
        manager: "home/manager.html",
        staff: "home/staff.html",
        volunteer: "home/volunteer.html",
        outsider: "home/no_role.html",
    }
    for user, template in expected.items():
        client.force_login(user)
        response = client.get(reverse("home"))
        assert template in [t.name for t in response.templates]


def test_the_navigation_offers_each_role_only_what_it_may_open(client, manager, staff, volunteer):
    def sections_for(user):
        client.force_login(user)
        navigation = client.get(reverse("home")).context["navigation"]
        return {item["label"]: [link["label"] for link in item["links"]] for item in navigation}

    assert sections_for(manager) == {
        "Today": ["Home", "Today's register"],
        "Cases": ["Cases"],
        "Sessions": ["Sessions", "Reports", "Quarterly return"],
        "Safeguarding": ["Safeguarding concerns", "Incidents", "Accident book", "Holds"],
        "Privacy": ["Privacy requests", "Retention"],
        "Centre": ["Staff register", "Finance records", "Centre details", "Audit trail"],
    }
    assert sections_for(staff) == {
        "Today": ["Home", "Today's register"],
        "Cases": ["Cases"],
        "Sessions": ["Sessions", "Reports", "Quarterly return"],
        "Privacy": ["Privacy requests"],
    }
    staff.is_safeguarding_lead = True
    staff.save()
    assert sections_for(staff)["Safeguarding"] == [
        "Safeguarding concerns",
        "Incidents",
        "Accident book",
    ]
    # A volunteer, who may open two pages, sees them as they are, without sections.
    client.force_login(volunteer)
    navigation = client.get(reverse("home")).context["navigation"]
    assert [item["label"] for item in navigation] == ["Home", "Today's register"]


def test_password_reset_mail_names_nobody_and_links_once(client, staff):
    client.post(reverse("password_reset"), {"email": staff.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert staff.full_name not in message.body
    assert staff.email not in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a-brand-new-long-passphrase"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    staff.refresh_from_db()
    assert staff.check_password(new_password)
    assert "no longer works" in client.get(path, follow=True).text


def test_password_change_rejects_a_short_or_common_password(client, staff):
    client.force_login(staff)
    for weak in ("short-pw", "password1234"):
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_manager_gives_a_staff_member_an_account_with_their_role(
    client, manager, django_capture_on_commit_callbacks
):
    person = StaffMemberFactory(
        first_name="Imogen", last_name="Fairweather", email="imogen@example.test", role="staff"
    )
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("centre:staff_access", args=[person.pk]),
            {"is_active": "on", "is_safeguarding_lead": "on"},
        )
    assert response.status_code == 302
    person.refresh_from_db()
    user = person.user
    assert user.email == "imogen@example.test"
    assert user.role == Role.STAFF
    assert user.is_safeguarding_lead
    assert not user.has_usable_password()
    # The e-mail carries a one-time link and no name.
    assert len(mail.outbox) == 1
    assert "Fairweather" not in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_a_staff_member_without_an_email_cannot_be_given_an_account(client, manager):
    person = StaffMemberFactory(email="")
    client.force_login(manager)
    response = client.post(reverse("centre:staff_access", args=[person.pk]), {"is_active": "on"})
    assert response.status_code == 200
    assert "Add an e-mail address" in response.text
    assert not User.objects.filter(staff_record=person).exists()


def test_switching_an_account_off_signs_it_out_everywhere(client, manager, volunteer):
    person = StaffMemberFactory(email=volunteer.email, user=volunteer)
    tablet = Client()
    tablet.force_login(volunteer)
    assert Session.objects.count() == 1
    client.force_login(manager)
    client.post(reverse("centre:staff_access", args=[person.pk]), {"is_active": ""})
    volunteer.refresh_from_db()
    assert volunteer.is_active is False
    assert tablet.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("path", "section", "marked"),
    [
        ("/", "Today", "Home"),
        ("/sessions/", "Sessions", "Sessions"),
        ("/sessions/quarterly-return/", "Sessions", "Quarterly return"),
        ("/sessions/today/", "Today", "Today's register"),
        ("/cases/", "Cases", None),
        ("/privacy-requests/", "Privacy", "Privacy requests"),
    ],
)
def test_the_navigation_marks_only_the_section_and_the_page_the_page_is_under(
    client, manager, path, section, marked
):
    client.force_login(manager)
    response = client.get(path)
    navigation = response.context["navigation"]
    assert [item["label"] for item in navigation if item["active"]] == [section]
    subnavigation = response.context["subnavigation"]
    if marked is None:  # a section of one page has no bar of its own
        assert subnavigation is None
    else:
        assert subnavigation["label"] == section
        assert [link["label"] for link in subnavigation["links"] if link["active"]] == [marked]
        page = response.content.decode()
        if "site-subnav" in page:  # the tablet register has a header of its own
            assert 'aria-current="page"' in page
