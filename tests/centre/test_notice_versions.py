"""The privacy notice is versioned: the newest version published is current and shown on
the public notice, and each adult's record shows the version they were given."""

import datetime

import pytest
from django.urls import reverse

from centre.models import PrivacyNoticeVersion
from referrals.models import Adult
from tests.error_summary import error_summary_of
from tests.referrals.factories import PreVisitFactory, family_case

VERSIONS = reverse("centre:notice_version_list")


def test_the_public_notice_shows_the_first_version_seeded_by_the_migration(client, db):
    page = client.get(reverse("privacy_notice")).text

    assert "Version 2026-01, published 1 January 2026." in page


def test_a_new_version_added_by_the_manager_becomes_the_current_one(client, manager):
    client.force_login(manager)

    response = client.post(
        VERSIONS,
        {
            "version": "2026-09",
            "published_on": "2026-09-01",
            "changes": "Accident book entries are now kept for three years.",
        },
        follow=True,
    )

    assert "Version 2026-09, published 1 September 2026 is recorded." in response.text
    assert PrivacyNoticeVersion.current().version == "2026-09"
    assert PrivacyNoticeVersion.current().created_by == manager
    client.logout()
    page = client.get(reverse("privacy_notice")).text
    assert "Version 2026-09, published 1 September 2026." in page
    assert "Version 2026-01" not in page


def test_a_version_published_later_is_not_yet_current(db):
    PrivacyNoticeVersion.objects.create(
        version="2099-01", published_on=datetime.date(2099, 1, 1), changes="Later."
    )

    assert PrivacyNoticeVersion.current().version == "2026-01"


def test_a_version_needs_its_date_and_changes_and_cannot_repeat(client, manager):
    client.force_login(manager)

    response = client.post(VERSIONS, {"version": "2026-01", "published_on": "", "changes": ""})

    assert error_summary_of(response.text)["problems"] == [
        "Privacy notice version with this Version already exists.",
        "This field is required.",
        "This field is required.",
    ]
    assert PrivacyNoticeVersion.objects.count() == 1


@pytest.mark.parametrize("role", ["staff", "volunteer"])
def test_only_the_manager_manages_versions(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(VERSIONS).status_code == 403
    assert client.post(VERSIONS, {"version": "2026-10"}).status_code == 403


def test_the_adults_row_on_the_case_page_shows_the_version_they_were_given(client, staff):
    case = family_case()
    resident = case.adults.get(role=Adult.Role.RESIDENT)
    PreVisitFactory(case=case, adult=resident, privacy_notice_version="2026-01")
    client.force_login(staff)

    page = client.get(reverse("referrals:case_people", args=[case.pk])).text

    assert "Version 2026-01, at the pre-visit of 20/11/2026" in page
    # The visiting parent has had no pre-visit yet.
    assert "No pre-visit yet" in page
