"""Fixtures shared by the attendance tests. Every person here is fictional."""

import pytest

from centre.roles import Role
from centre.services import user_create
from tests.conftest import PASSWORD


@pytest.fixture
def checker(db):
    """A second member of staff: checks the reports someone else wrote."""
    return user_create(
        email="frank.checker@example.test",
        full_name="Frank Chesney",
        role=Role.STAFF,
        password=PASSWORD,
    )
