"""Every URL declares who may use it, and every role gets exactly what is declared.

Anonymous visitors are sent to the login page from anything not public; a signed-in role
the declaration does not admit gets 403; a role it admits gets the page.
"""

import pytest
from django.urls import reverse

from centre.access import rule_of
from centre.roles import Role, permissions_of
from tests.urls import SAMPLES, all_routes, url_of

ROUTES = all_routes()
IDENTITIES = ["anonymous", Role.VOLUNTEER, Role.STAFF, Role.MANAGER]


def test_the_project_has_routes_to_walk():
    names = {route.name for route in ROUTES}
    assert {"home", "login", "privacy_notice", "centre:staff_list"} <= names


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_url_declares_who_may_use_it(route):
    assert rule_of(route.callback) is not None, (
        f"{route.pattern} ({route.name}) has no access rule: wrap its view in "
        "centre.access.public, signed_in or requires(...)"
    )


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_url_can_be_walked(route):
    assert route.name, f"{route.pattern} needs a name so the matrix can reverse it"
    if route.parameters:
        assert route.name in SAMPLES, f"add a sample for {route.name} to tests/urls.py"


def _expected(rule, identity, role_permissions, *, is_safeguarding_lead=False):
    if rule.is_public:
        return "allowed"
    if identity == "anonymous":
        return "login"
    # The cast has no designated safeguarding lead (a flag, not a role), so such rules
    # are walked by permission here; tests/safeguarding walks them as a lead.
    if rule.or_safeguarding_lead and is_safeguarding_lead:
        return "allowed"
    if rule.permission is None or rule.permission in role_permissions[identity]:
        return "allowed"
    return "forbidden"


@pytest.mark.parametrize("identity", IDENTITIES, ids=str)
def test_each_role_gets_exactly_what_each_url_declares(
    identity, world, client, manager, staff, volunteer
):
    cast = {Role.MANAGER: manager, Role.STAFF: staff, Role.VOLUNTEER: volunteer}
    role_permissions = {role: permissions_of(role) for role in Role}
    if identity != "anonymous":
        client.force_login(cast[identity])
    login_url = reverse("login")
    problems = []
    for route in ROUTES:
        url = url_of(route, world)
        response = client.get(url)
        expected = _expected(
            rule_of(route.callback),
            identity,
            role_permissions,
            is_safeguarding_lead=identity != "anonymous" and cast[identity].is_safeguarding_lead,
        )
        location = response.get("Location", "")
        if expected == "login":
            ok = response.status_code == 302 and location.startswith(login_url + "?next=")
        elif expected == "forbidden":
            ok = response.status_code == 403
        else:
            # Allowed: the page itself, a redirect that is not to the login page, or 405
            # for a URL that only takes POST (signing out).
            ok = response.status_code in (200, 405) or (
                response.status_code == 302 and not location.startswith(login_url)
            )
        if not ok:
            problems.append(f"{url}: expected {expected}, got {response.status_code} {location}")
    assert not problems, "\n".join(problems)


def test_an_account_with_no_role_is_refused_every_page_that_needs_a_permission(
    world, client, outsider
):
    client.force_login(outsider)
    for route in ROUTES:
        rule = rule_of(route.callback)
        if rule.permission:
            assert client.get(url_of(route, world)).status_code == 403, route.name


def test_volunteers_and_staff_cannot_open_the_staff_register_or_finance(
    world, client, staff, volunteer
):
    for user in (staff, volunteer):
        client.force_login(user)
        for name in ("centre:staff_list", "centre:finance_list", "centre:profile_edit"):
            assert client.get(reverse(name)).status_code == 403
        staff_page = reverse("centre:staff_detail", args=[world.staff_member.pk])
        assert client.get(staff_page).status_code == 403
