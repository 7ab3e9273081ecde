"""A staff member's day starts from their home page: every task it lists is a link that
leads to the page where the task is done. They sign in, and from the home page reach
today's session and its register, a referral to decide, a pre-visit to book, a review to
record and a report to write, coming back home each time; axe checks every page.

Every person and case here is fictional."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import ContactSession
from referrals.models import Adult, Case
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import PreVisitFactory, family_case

from .support import assert_accessible, assert_every_page_checked, journey_screenshot, sign_in

pytestmark = pytest.mark.e2e


def with_status(case, status, **fields):
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    case.refresh_from_db()
    return case


def visited(case):
    for role in (Adult.Role.RESIDENT, Adult.Role.VISITING):
        PreVisitFactory(case=case, adult=case.adults.get(role=role))
    return with_status(case, Case.Status.ACTIVE)


def a_day_of_work(staff):
    today = timezone.localdate()
    session = ContactSessionFactory(starts_at=datetime.time(10), ends_at=datetime.time(12))
    session.staff_on_duty.add(staff)
    BookingFactory(session=session, case=visited(family_case()))
    yesterday = ContactSessionFactory(
        date=today - datetime.timedelta(days=1),
        kind=ContactSession.Kind.SUPERVISED,
        capacity=1,
        starts_at=datetime.time(14),
        ends_at=datetime.time(15),
    )
    yesterday.staff_on_duty.add(staff)
    supervised = visited(family_case())
    BookingFactory(session=yesterday, case=supervised)
    return {
        "referral": family_case(),
        "accepted": with_status(family_case(), Case.Status.ACCEPTED),
        "review": with_status(visited(family_case()), Case.Status.ACTIVE, next_review_on=today),
        "supervised": supervised,
    }


def back_home(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_staff_member_reaches_every_task_of_their_day_from_their_home_page(desktop_page, cast):
    page = desktop_page
    staff = cast("staff")
    cases = a_day_of_work(staff)

    sign_in(page, staff)
    home = page.locator("main")
    expect(home.get_by_text("You are on duty")).to_be_visible()
    journey_screenshot(page, "staff-day-home")

    home.get_by_role("link", name="10:00 to 12:00").click()
    page.wait_for_url("**/sessions/**")
    assert_accessible(page, "today's session")
    back_home(page)

    home.get_by_role("link", name="Register of the 10:00 session").click()
    page.wait_for_url("**/register/**")
    assert_accessible(page, "today's register")
    back_home(page)

    referral = cases["referral"].display_reference
    home.locator("#referrals-to-decide").get_by_role("link", name=referral).click()
    expect(page.get_by_text(referral).first).to_be_visible()
    assert_accessible(page, "the referral to decide")
    back_home(page)

    accepted = cases["accepted"].display_reference
    home.get_by_role("link", name=f"Record a pre-visit for {accepted}").click()
    page.wait_for_url("**/pre-visits/new/")
    assert_accessible(page, "the pre-visit to book")
    back_home(page)

    review = cases["review"].display_reference
    home.get_by_role("link", name=f"Record the review of {review}").click()
    page.wait_for_url("**/review/")
    assert_accessible(page, "the review to record")
    back_home(page)

    supervised = cases["supervised"].display_reference
    home.get_by_role("link", name=f"case {supervised}").click()
    assert_accessible(page, "the report to write")
    journey_screenshot(page, "staff-day-report")

    assert_every_page_checked(page)
