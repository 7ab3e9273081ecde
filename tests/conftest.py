"""The cast: one person per role, plus an outsider with an account but no role."""

import pytest
from django import test
from django_otp import DEVICE_ID_SESSION_KEY

from centre import two_factor
from centre.roles import Role
from centre.services import user_create
from tests.two_factor import app_device_for

pytest_plugins = ["tests.celery_worker"]

PASSWORD = "correct-horse-battery-staple"


def _person(email, name, role, **extra):
    return user_create(email=email, full_name=name, role=role, password=PASSWORD, **extra)


class Client(test.Client):
    """The test client, whose ``force_login`` also passes the second factor when the
    user's role needs one: a test about a page starts where a person who has signed in
    fully would be. Tests about signing in post to the real sign-in pages instead."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if two_factor.is_required_for(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = app_device_for(user).persistent_id
            session.save()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's pages kept for the day (the
    retention forecast of the manager's home) is not another's."""
    from django.core.cache import cache

    from core import kept

    kept.reset()
    cache.clear()


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def manager(db):
    return _person("alice.manager@example.test", "Alice Mercer", Role.MANAGER)


@pytest.fixture
def staff(db):
    return _person("bob.staff@example.test", "Bob Stanton", Role.STAFF)


@pytest.fixture
def volunteer(db):
    return _person("carol.volunteer@example.test", "Carol Vance", Role.VOLUNTEER)


@pytest.fixture
def outsider(db):
    from centre.models import User

    return User.objects.create_user("dan.outsider@example.test", PASSWORD, full_name="Dan Oakes")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the developer's var/; a
    fast hasher, because a deliberately slow one proves nothing here."""
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def queries_stay_flat(client, django_assert_max_num_queries):
    """Assert a page costs at most ``most`` queries, and no more after ``add_more()`` has
    added rows to it. Returns the second response. With ``data`` the page is POSTed (a
    search, whose term must not go in the URL). Every signed-in page pays a few queries
    before its own: the session, the user, the second-factor device that signed them in,
    their permissions."""

    def check(url, *, add_more, most=13, data=None):
        def fetch():
            return client.get(url) if data is None else client.post(url, data)

        fetch()  # warm the session and permission caches
        with django_assert_max_num_queries(most) as before:
            fetch()
        add_more()
        with django_assert_max_num_queries(len(before.captured_queries)):
            return fetch()

    return check


@pytest.fixture
def world(db):
    """One record of every kind a URL can point at, built by the modules of
    tests/url_samples (see tests/urls.py)."""
    from tests.urls import build_world

    return build_world()
