"""A volunteer raises a concern from a card of the tablet register, cannot open it again,
and the safeguarding lead is told without the e-mail naming the child."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from referrals.models import Adult
from safeguarding.models import Concern
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory

from .support import assert_no_csp_violations_or_js_errors, save_screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def family_today(cast):
    case = CaseFactory()
    AdultFactory(case=case, role=Adult.Role.RESIDENT, first_name="Wren", last_name="Quillfeather")
    AdultFactory(case=case, role=Adult.Role.VISITING, first_name="Idris", last_name="Ashdown")
    ChildFactory(case=case, first_name="Juno", last_name="Quillfeather")
    return BookingFactory(session=ContactSessionFactory(), case=case)


def test_a_volunteer_raises_a_concern_from_the_register_and_the_lead_is_told(
    page_at, cast, family_today
):
    volunteer = cast("volunteer")
    lead = cast("staff")
    lead.is_safeguarding_lead = True
    lead.save()
    mail.outbox.clear()

    tablet = page_at("tablet")
    sign_in(tablet, volunteer)
    tablet.goto("/sessions/today/")
    card = tablet.locator(f"#booking-{family_today.pk}")
    card.get_by_role("link", name="Raise a safeguarding concern").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Raise a safeguarding concern")
    tablet.get_by_text("Juno", exact=True).click()
    tablet.get_by_label("Where?").fill("The play room")
    tablet.get_by_label("What did you see or hear?").fill(
        'Juno said "daddy shouted at me in the car" and started to cry.'
    )
    tablet.get_by_role("button", name="Send to the safeguarding lead").click()
    expect(tablet.get_by_text("the safeguarding lead has been told")).to_be_visible()
    assert_no_csp_violations_or_js_errors(tablet)
    save_screenshot(tablet, "concern-raised-tablet")

    concern = Concern.objects.get()
    assert concern.case_id == family_today.case_id
    assert [child.first_name for child in concern.children.all()] == ["Juno"]

    # The volunteer can never open it again.
    tablet.goto(f"/safeguarding/concerns/{concern.pk}/")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("This page is not available to you")

    # The lead and the manager are told, and the e-mail names nobody.
    assert {message.to[0] for message in mail.outbox} >= {lead.email}
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in ("Juno", "Quillfeather", "Wren", "Idris", "Ashdown"):
            assert secret not in text
        assert family_today.case.reference not in text

    desk = page_at("desktop")
    sign_in(desk, lead)
    desk.goto("/safeguarding/concerns/")
    desk.get_by_role("link", name=concern.reference).click()
    expect(desk.get_by_text("daddy shouted at me in the car")).to_be_visible()
    assert_no_csp_violations_or_js_errors(desk)
