"""The first sign-in of a member of staff, in a real browser: the password, setting up
the authenticator app from the key on the page, the recovery codes, then the home page;
and the next sign-in, with a code."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .support import assert_accessible, assert_every_page_checked

pytestmark = pytest.mark.e2e


def code_from(key: str, *, steps_ahead=0) -> str:
    totp = TOTP(base64.b32decode(key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_new_member_of_staff_sets_up_two_factor_and_signs_in_with_a_code(desktop_page, cast):
    page, staff = desktop_page, cast("staff")
    page.goto("/accounts/login/")
    assert_accessible(page, "the sign-in page")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page, "the two-factor set-up")
    key = page.locator(".secret-key").inner_text()
    page.get_by_label("Your code").fill(code_from(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page, "the recovery codes")
    page.get_by_role("link", name="I have kept them safe").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Type your code")).to_be_visible()
    assert_accessible(page, "the second-factor page")
    page.get_by_label("Your code").fill(code_from(key, steps_ahead=1))  # the set-up used now's
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Your sign-in")).to_be_visible()
    assert_accessible(page, "the home page")
    assert_every_page_checked(page)
