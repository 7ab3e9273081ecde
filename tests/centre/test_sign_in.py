"""Signing in: the password, the second factor, lockout, password rules and how long a
session lasts. Every test here signs in through the real pages, never ``force_login``."""

import datetime
import re
from base64 import b32encode

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from centre.two_factor import recovery_code_digest
from core.models import AuditEvent
from tests.conftest import PASSWORD, Client
from tests.factories import CentreProfileFactory
from tests.two_factor import app_device_for, code_now, unused_code

LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"
SET_UP = "/accounts/two-factor/set-up/"
A_TABLET = "192.0.2.10"
ANOTHER_PLACE = "198.51.100.7"
START = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def give_password(client, user, password=PASSWORD, address=A_TABLET):
    return client.post(LOGIN, {"username": user.email, "password": password}, REMOTE_ADDR=address)


def give_code(client, code, address=A_TABLET):
    return client.post(TWO_FACTOR, {"code": code}, REMOTE_ADDR=address)


def sign_in_fully(user):
    client = Client()
    give_password(client, user)
    response = give_code(client, unused_code(app_device_for(user)))
    assert response.status_code == 302 and response["Location"] == "/"
    return client


# The second factor.


def test_staff_who_have_given_only_their_password_can_open_nothing_but_the_set_up(db, staff):
    client = Client()
    response = give_password(client, staff)
    assert response.status_code == 302

    for url in ("/", reverse("referrals:case_list"), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(TWO_FACTOR + "?next=")
    assert client.get(TWO_FACTOR)["Location"].startswith(SET_UP)


def test_setting_up_the_app_with_its_first_code_shows_ten_recovery_codes_and_opens_the_pages(
    db, staff
):
    client = Client()
    give_password(client, staff)
    page = client.get(SET_UP)
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, drawn on the page, fetched from nowhere
    key = re.search(rb'secret-key">([A-Z2-7 ]+)<', page.content).group(1).decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    totp = TOTP(device.bin_key)

    wrong = client.post(SET_UP, {"code": f"{(totp.token() + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 200
    assert "That code does not match" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    # The key printed for typing in by hand is the device's own.
    assert key.replace(" ", "").encode() == b32encode(device.bin_key)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3), tick=False):
        done = client.post(SET_UP, {"code": code_now(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</li>", done.text)
    assert len(codes) == 10
    # Stored hashed: the database holds none of the codes shown, only their digests.
    stored = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert not stored & {code.replace("-", "") for code in codes}
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("referrals:case_list")).status_code == 200


def test_a_code_works_once_and_the_same_code_is_refused_in_a_second_sign_in(db, staff):
    device = app_device_for(staff)
    code = unused_code(device)
    first = Client()
    give_password(first, staff)
    assert give_code(first, code)["Location"] == "/"

    second = Client()
    give_password(second, staff)
    refused = give_code(second, code)
    assert refused.status_code == 200
    assert "has been used already" in refused.content.decode()
    assert second.get("/")["Location"].startswith(TWO_FACTOR)


def test_recovery_codes_given_before_they_were_hashed_still_sign_in_once_hashed(db, staff):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    app_device_for(staff)
    device = StaticDevice.objects.create(user=staff, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")  # stored as typed, once
    migration = importlib.import_module("centre.migrations.0012_recovery_codes_hashed")

    migration.hash_codes(apps, None)

    assert list(StaticToken.objects.values_list("token", flat=True)) == [
        recovery_code_digest("abcd2345")
    ]
    client = Client()
    give_password(client, staff)
    assert give_code(client, "ABCD 2345")["Location"] == "/"


def test_a_recovery_code_signs_in_once_and_then_no_more(db, staff):
    app_device_for(staff)
    first = Client()
    give_password(first, staff)
    first.get(TWO_FACTOR)
    from centre.two_factor import recovery_codes_replace

    codes = recovery_codes_replace(user=staff)
    response = give_code(first, codes[0].upper())  # typed in capitals: still the code
    assert response["Location"] == "/"
    assert StaticToken.objects.filter(device__user=staff).count() == 9

    second = Client()
    give_password(second, staff)
    assert give_code(second, codes[0]).status_code == 200
    assert second.get("/").status_code == 302


def test_wrong_codes_are_throttled_so_even_the_right_code_waits(db, staff):
    device = app_device_for(staff)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        give_password(client, staff)
        for _ in range(3):
            give_code(client, "000000" if code_now(device) != "000000" else "111111")
            clock.shift(datetime.timedelta(seconds=0.5))
        # Three failures in a row: the device waits 4 seconds from the last one.
        refused = give_code(client, code_now(device))
        assert refused.status_code == 200
        assert "Too many wrong codes. Wait" in refused.content.decode()
        clock.shift(datetime.timedelta(seconds=4))
        assert give_code(client, code_now(device))["Location"] == "/"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_FAILED).count() == 4


def test_volunteers_need_no_second_factor_unless_the_centre_asks_for_one(db, volunteer):
    client = Client()
    give_password(client, volunteer)
    assert client.get("/").status_code == 200

    CentreProfileFactory(volunteers_use_two_factor=True)
    client = Client()
    give_password(client, volunteer)
    assert client.get("/")["Location"].startswith(TWO_FACTOR)


# Lockout.


def test_five_wrong_passwords_lock_that_name_on_that_device_and_the_right_one_is_refused_too(
    db, staff
):
    client = Client()
    for _ in range(4):
        assert give_password(client, staff, password="not-the-password").status_code == 200
    fifth = give_password(client, staff, password="not-the-password")
    assert fifth.status_code == 429  # the fifth failure is the one that locks
    locked = give_password(client, staff)
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).exists()


def test_four_wrong_passwords_do_not_lock_and_a_right_one_clears_the_count(db, staff):
    client = Client()
    for _ in range(4):
        give_password(client, staff, password="not-the-password")
    assert give_password(client, staff).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        give_password(client, staff, password="not-the-password")
    assert give_password(client, staff).status_code == 302


def test_a_lockout_spares_other_people_on_the_same_tablet_and_the_same_person_elsewhere(
    db, staff, volunteer
):
    for _ in range(5):
        give_password(Client(), staff, password="not-the-password")
    assert give_password(Client(), staff).status_code == 429
    assert give_password(Client(), volunteer).status_code == 302
    assert give_password(Client(), staff, address=ANOTHER_PLACE).status_code == 302


def test_changing_the_case_of_the_address_gains_no_more_tries(db, staff):
    for attempt in range(5):
        email = staff.email.upper() if attempt % 2 else staff.email
        Client().post(LOGIN, {"username": email, "password": "nope"}, REMOTE_ADDR=A_TABLET)
    assert give_password(Client(), staff).status_code == 429


def test_a_forwarded_for_header_does_not_move_a_locked_out_person_elsewhere(db, staff):
    for _ in range(5):
        give_password(Client(), staff, password="not-the-password")
    response = Client().post(
        LOGIN,
        {"username": staff.email, "password": PASSWORD},
        REMOTE_ADDR=A_TABLET,
        HTTP_X_FORWARDED_FOR=ANOTHER_PLACE,
    )
    assert response.status_code == 429


def test_the_lockout_lasts_fifteen_minutes_to_the_second(db, staff):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            give_password(Client(), staff, password="not-the-password")
        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        assert give_password(Client(), staff).status_code == 429
        clock.shift(datetime.timedelta(seconds=2))
        assert give_password(Client(), staff).status_code == 302


# Passwords.


@pytest.mark.parametrize(
    ("new_password", "accepted"),
    [
        ("k7#vQ9-mare", False),  # 11 characters
        ("k7#vQ9-marel", True),  # 12
        ("startfinding", False),  # 12 characters, but on the common-password list
        ("x" * 64 + "k7#vQ9-" + "y" * 57, True),  # 128
        ("x" * 64 + "k7#vQ9-" + "y" * 58, False),  # 129
    ],
    ids=["11-characters", "12-characters", "common", "128-characters", "129-characters"],
)
def test_a_new_password_needs_12_to_128_characters_and_must_not_be_common(
    db, staff, new_password, accepted
):
    client = sign_in_fully(staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert (response.status_code == 302) is accepted
    staff.refresh_from_db()
    assert staff.check_password(new_password) is accepted


# Sessions.


def test_a_session_ends_twelve_hours_after_the_password_however_busy(db, staff):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in_fully(staff)
        for _ in range(47):  # a request every 15 minutes keeps it from idling out
            clock.shift(datetime.timedelta(minutes=15))
            assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=14, seconds=59))  # 11:59:59 after
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(seconds=2))  # 12:00:01 after
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert client.get("/")["Location"].startswith(reverse("login"))


def test_signing_out_deletes_the_session_on_the_server(db, staff):
    client = sign_in_fully(staff)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_changing_a_password_ends_the_other_sessions_and_keeps_this_one(db, staff):
    phone, desk = sign_in_fully(staff), sign_in_fully(staff)
    response = desk.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-fictional-passphrase",
            "new_password2": "a-new-fictional-passphrase",
        },
    )
    assert response.status_code == 302
    assert desk.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(reverse("login"))


def test_a_person_can_sign_themselves_out_everywhere_else(db, staff):
    phone, desk = sign_in_fully(staff), sign_in_fully(staff)
    assert b"1 other session" in desk.get(reverse("account")).content
    desk.post(reverse("other_sessions_end"))
    assert desk.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(reverse("login"))


def test_the_manager_signs_a_person_out_everywhere(db, manager, volunteer):
    from tests.factories import StaffMemberFactory

    person = StaffMemberFactory(user=volunteer, email=volunteer.email)
    tablet_one, tablet_two = Client(), Client()
    give_password(tablet_one, volunteer)
    give_password(tablet_two, volunteer)
    boss = sign_in_fully(manager)
    assert b"2 sessions" in boss.get(reverse("centre:staff_detail", args=[person.pk])).content

    boss.post(reverse("centre:staff_sessions_end", args=[person.pk]))

    for tablet in (tablet_one, tablet_two):
        assert tablet.get("/")["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SESSIONS_ENDED, object_id=volunteer.pk
    ).exists()


def test_the_manager_resets_a_lost_phone_and_the_person_sets_the_app_up_again(db, manager, staff):
    from tests.factories import StaffMemberFactory

    person = StaffMemberFactory(user=staff, email=staff.email)
    signed_in = sign_in_fully(staff)
    boss = sign_in_fully(manager)

    boss.post(reverse("centre:staff_two_factor_reset", args=[person.pk]))

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert signed_in.get("/")["Location"].startswith(reverse("login"))
    again = Client()
    give_password(again, staff)
    assert again.get(TWO_FACTOR)["Location"].startswith(SET_UP)


def test_switching_an_account_off_ends_its_sessions(db, staff):
    from centre.services import user_deactivate

    client = sign_in_fully(staff)
    user_deactivate(user=staff)
    assert client.get("/")["Location"].startswith(reverse("login"))


# What signing in leaves behind.


def test_the_nightly_job_forgets_ended_sessions_and_failed_sign_ins_past_their_lockout(
    db, staff, volunteer
):
    from axes.models import AccessAttempt

    from centre.models import SignedInSession
    from centre.sessions import expired_sign_in_records_forget

    with time_machine.travel(START, tick=False) as clock:
        ended = sign_in_fully(staff)
        give_password(Client(), volunteer, password="not-the-password")
        clock.shift(datetime.timedelta(minutes=15))
        # Exactly 15 minutes on: the failure has just served its lockout; the session,
        # idle for 15 minutes, has 15 to go.
        assert expired_sign_in_records_forget() == {
            "sessions": 0,
            "session_notes": 0,
            "failed_sign_ins": 1,
            "password_reset_asks": 0,
        }
        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        assert expired_sign_in_records_forget()["sessions"] == 0
        clock.shift(datetime.timedelta(seconds=1))  # 30 minutes idle: the session is over
        assert expired_sign_in_records_forget() == {
            "sessions": 1,
            "session_notes": 1,
            "failed_sign_ins": 0,
            "password_reset_asks": 0,
        }
    assert not AccessAttempt.objects.exists()
    assert not SignedInSession.objects.exists()
    assert ended.get("/")["Location"].startswith(reverse("login"))


def test_a_real_worker_runs_the_nightly_forgetting_through_redis(celery_worker_queue, staff):
    from centre.tasks import forget_expired_sign_in_records

    result = forget_expired_sign_in_records.apply_async(queue=celery_worker_queue)
    assert result.get(timeout=60) == {
        "sessions": 0,
        "session_notes": 0,
        "failed_sign_ins": 0,
        "password_reset_asks": 0,
    }


def test_the_sign_in_steps_pass_the_page_audit(db, staff):
    """The pages only a half-signed-in person sees, which the URL-matrix audit cannot
    reach with a fully signed-in client."""
    from tests.test_pages import PageAudit

    def audited(response):
        assert response.status_code in (200, 429)
        audit = PageAudit()
        audit.feed(response.content.decode())
        return audit.finish()

    client = Client()
    give_password(client, staff)
    pages = {"set-up": client.get(SET_UP)}
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    pages["recovery codes"] = client.post(SET_UP, {"code": code_now(device)})
    again = Client()
    give_password(again, staff)
    pages["code"] = again.get(TWO_FACTOR)
    for _ in range(5):
        give_password(Client(), staff, password="not-the-password", address=ANOTHER_PLACE)
    pages["locked out"] = give_password(Client(), staff, address=ANOTHER_PLACE)
    pages["your sign-in"] = client.get(reverse("account"))
    problems = {name: audited(response) for name, response in pages.items()}
    assert problems == {name: [] for name in pages}


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.test/", "//evil.example.test/", "home", "مرحبا"]
)
def test_after_the_code_a_next_that_is_not_a_path_of_ours_goes_home(db, staff, next_url):
    client = Client()
    give_password(client, staff)
    response = client.post(
        TWO_FACTOR, {"code": unused_code(app_device_for(staff)), "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == "/"
