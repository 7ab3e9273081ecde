"""Issue 17: the supervised report check as a workflow, in the browser. The author writes
the report of yesterday's supervised session from their home page and marks it ready; a
second member of staff who may check reports finds it on their home page and returns it
with a comment; the author changes it and marks it ready again; the checker checks it
through the confirmation page; the manager sends it through the confirmation page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import ContactSession, SupervisedReport
from centre.roles import Role
from centre.services import user_create
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.conftest import PASSWORD
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import (
    assert_accessible,
    assert_every_page_checked,
    assert_no_csp_violations_or_js_errors,
    journey_screenshot,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def session_yesterday(cast):
    author = cast("staff")
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name="Wren", last_name="Quillfeather")
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name="Idris", last_name="Ashdown")
    ChildFactory(case=case, first_name="Juno", last_name="Quillfeather")
    session = ContactSessionFactory(
        date=timezone.localdate() - datetime.timedelta(days=1),
        kind=ContactSession.Kind.SUPERVISED,
        capacity=1,
        room="Family room",
    )
    session.staff_on_duty.add(author)
    return BookingFactory(session=session, case=case)


def switch_to(page, person):
    page.context.clear_cookies()
    sign_in(page, person)


def test_a_report_is_written_returned_changed_checked_and_sent(
    desktop_page, cast, session_yesterday
):
    page = desktop_page
    author, manager = cast("staff"), cast("manager")
    checker = user_create(
        email="frank.checker@example.test",
        full_name="Frank Chesney",
        role=Role.STAFF,
        password=PASSWORD,
    )
    reference = session_yesterday.case.display_reference

    # The author writes the report from their home page, lists its recipient, marks it ready.
    sign_in(page, author)
    card = page.locator("#reports-card")
    card.get_by_role("link", name="Write the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Write the supervised")
    page.get_by_label("Contact began").fill("10:00")
    page.get_by_label("Contact ended").fill("11:00")
    page.get_by_label("What was observed").fill("They built a tower and read a book together.")
    assert_accessible(page, "the report form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The report is saved as a draft")).to_be_visible()
    assert_accessible(page, "the draft report")
    page.get_by_label("Who they are").select_option("cafcass")
    page.get_by_label("Name", exact=True).fill("Fictional Cafcass officer")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_text("The recipient is on the distribution list.")).to_be_visible()
    assert_accessible(page, "the draft with its distribution list")
    page.get_by_role("button", name="Mark ready for checking").click()
    expect(page.get_by_text("The report is ready for checking.")).to_be_visible()
    expect(page.get_by_role("link", name="Check this report")).to_have_count(0)
    assert_accessible(page, "the report ready for checking, seen by its author")
    report = SupervisedReport.objects.get(booking=session_yesterday)

    # The checker finds it on their home page and returns it with a comment.
    switch_to(page, checker)
    journey_screenshot(page, "report-checker-home")
    page.locator("#reports-to-check").get_by_role("link", name=reference).click()
    assert_accessible(page, "the report, seen by the checker")
    page.get_by_role("link", name="Return it with comments").click()
    page.get_by_label("What should the author change?").fill("Say who ended the contact.")
    assert_accessible(page, "the form returning the report")
    page.get_by_role("button", name="Return to the author").click()
    expect(page.get_by_text("The report is returned to its author")).to_be_visible()
    assert_accessible(page, "the returned report, seen by the checker")

    # The author sees the comment, changes the report and marks it ready again.
    switch_to(page, author)
    page.locator("#reports-returned").get_by_role("link", name=reference).click()
    expect(page.get_by_text("Say who ended the contact.")).to_be_visible()
    assert_accessible(page, "the returned report, seen by its author")
    page.get_by_role("link", name="Change the draft").click()
    page.get_by_label("What was observed").fill(
        "They built a tower and read a book together. The supervisor ended the contact."
    )
    assert_accessible(page, "the form changing the returned draft")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    assert_accessible(page, "the changed draft")
    page.get_by_role("button", name="Mark ready for checking").click()
    expect(page.get_by_text("The report is ready for checking.")).to_be_visible()
    assert_accessible(page, "the report ready again")

    # The checker checks it through the confirmation page.
    switch_to(page, checker)
    page.locator("#reports-to-check").get_by_role("link", name=reference).click()
    assert_accessible(page, "the report ready again, seen by the checker")
    page.get_by_role("link", name="Check this report").click()
    expect(page.get_by_text("Checking freezes the report")).to_be_visible()
    assert_accessible(page, "the confirmation of the check")
    journey_screenshot(page, "report-check-confirm")
    report.refresh_from_db()
    assert report.status == SupervisedReport.Status.READY  # the first click changed nothing
    page.get_by_role("button", name="Yes, check and freeze this report").click()
    expect(page.get_by_text("You have checked the report.")).to_be_visible()
    assert_accessible(page, "the checked report")

    # The manager sends it through the confirmation page.
    switch_to(page, manager)
    page.locator("#reports-to-send").get_by_role("link", name=reference).click()
    assert_accessible(page, "the checked report, seen by the manager")
    page.get_by_label("On what basis is it shared?").fill("Consent of both parents")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Nothing has been sent yet")).to_be_visible()
    expect(page.get_by_role("cell", name="Fictional Cafcass officer")).to_be_visible()
    assert_accessible(page, "the confirmation of the sending")
    journey_screenshot(page, "report-send-confirm")
    report.refresh_from_db()
    assert report.status == SupervisedReport.Status.CHECKED
    page.get_by_role("button", name="Yes, send to 1 person").click()
    expect(page.get_by_text("The report is marked as sent")).to_be_visible()
    assert_accessible(page, "the sent report")
    report.refresh_from_db()
    assert report.status == SupervisedReport.Status.SENT

    assert_every_page_checked(page)
    assert_no_csp_violations_or_js_errors(page)
