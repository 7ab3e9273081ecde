"""The cast: one person per role, plus an outsider with an account but no role."""

from types import SimpleNamespace

import pytest

from centre.roles import Role
from centre.services import user_create

pytest_plugins = ["tests.celery_worker"]

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
def _test_settings(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the developer's var/; a
    fast hasher, because a deliberately slow one proves nothing here."""
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def queries_stay_flat(client, django_assert_max_num_queries):
    """Assert a page costs at most ``most`` queries, and no more after ``add_more()`` has
    added rows to it. Returns the second response. With ``data`` the page is POSTed (a
    search, whose term must not go in the URL)."""

    def check(url, *, add_more, most=12, data=None):
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
    """One record of every kind a URL can point at (see tests/urls.py)."""
    from tests.factories import (
        DBSCheckFactory,
        FinanceRecordFactory,
        ParentalLeaveFactory,
        StaffDocumentFactory,
        StaffMemberFactory,
        pdf_file,
    )
    from tests.referrals.factories import (
        AdultFactory,
        CaseDocumentFactory,
        CaseFactory,
        ChildFactory,
        CommunicationFactory,
        ConsentFactory,
        PreVisitFactory,
        ProtectiveOrderFactory,
        png_file,
    )

    staff_member = StaffMemberFactory()
    case = CaseFactory(
        referral__court_order=True,
        referral__court_order_type="Child arrangements order",
        referral__court_order_copy=pdf_file(),
        referral__risk_domestic_abuse=True,
    )
    resident = AdultFactory(case=case, role="resident", contact_details_confidential=True)
    visiting = AdultFactory(case=case, role="visiting")
    child = ChildFactory(case=case)
    consent = ConsentFactory(case=case, given_by=resident)
    return SimpleNamespace(
        staff_member=staff_member,
        dbs_check=DBSCheckFactory(staff_member=staff_member, certificate_copy=pdf_file()),
        staff_document=StaffDocumentFactory(staff_member=staff_member, file=pdf_file()),
        parental_leave=ParentalLeaveFactory(staff_member=staff_member),
        finance_record=FinanceRecordFactory(file=pdf_file()),
        case=case,
        referral=case.referral,
        resident=resident,
        visiting=visiting,
        child=child,
        consent=consent,
        pre_visit=PreVisitFactory(
            case=case,
            adult=resident,
            children=[child],
            photograph=png_file(),
            medical_needs="Fictional nut allergy",
            medical_consent=consent,
        ),
        communication=CommunicationFactory(case=case),
        document=CaseDocumentFactory(case=case),
        protective_order=ProtectiveOrderFactory(case=case),
    )
