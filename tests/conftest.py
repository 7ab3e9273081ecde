"""The cast: one person per role, plus an outsider with an account but no role."""

import pytest

from centre.roles import Role
from centre.services import user_create

PASSWORD = "correct-horse-battery-staple"


def _person(email, name, role, **extra):
    return user_create(email=email, full_name=name, role=role, password=PASSWORD, **extra)


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
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the developer's var/."""
    settings.UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def as_user(client):
    """Sign ``client`` in as the given user and return it."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
