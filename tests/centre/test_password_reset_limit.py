"""Password-reset links are limited (issue 17): at most three an hour for one address typed
and ten from one network address, with the same answer whether or not the address is
anyone's; nothing kept names the address, and what is kept goes once the hour is over."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from centre.models import PasswordResetAsk
from centre.sessions import expired_sign_in_records_forget
from tests.error_summary import error_summary_of

pytestmark = pytest.mark.django_db
URL = reverse("password_reset")
START = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)
LIMITED = (
    "Several links have been asked for in the last hour, for this address or from this "
    "network. Wait an hour and ask again, or ask the centre manager to reset your password."
)


def ask(client, email, ip="192.0.2.10"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("whose", ["an account's", "nobody's"])
def test_the_fourth_link_in_an_hour_for_one_address_is_refused_in_the_same_words(
    client, staff, whose
):
    email = staff.email if whose == "an account's" else "nobody.here@example.test"
    with time_machine.travel(START, tick=False):
        answers = [ask(client, email).status_code for _ in range(3)]
        refused = ask(client, email)

    assert answers == [302, 302, 302]
    assert refused.status_code == 429
    assert error_summary_of(refused.text)["problems"] == [LIMITED]
    assert len(mail.outbox) == (3 if whose == "an account's" else 0)


def test_the_address_is_counted_however_it_is_typed(client, staff):
    with time_machine.travel(START, tick=False):
        for typed in (staff.email, staff.email.upper(), f"  {staff.email} "):
            ask(client, typed)

        assert ask(client, staff.email.title()).status_code == 429


def test_an_hour_after_the_first_link_another_may_be_sent_and_not_a_second_before(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            ask(client, staff.email)
    with time_machine.travel(START + datetime.timedelta(minutes=59, seconds=59), tick=False):
        assert ask(client, staff.email).status_code == 429
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        assert ask(client, staff.email).status_code == 302
    assert len(mail.outbox) == 4


def test_one_network_address_gets_ten_links_an_hour_whatever_the_addresses(client):
    with time_machine.travel(START, tick=False):
        answers = [ask(client, f"person{n}@example.test").status_code for n in range(10)]
        eleventh = ask(client, "person10@example.test")
        elsewhere = ask(client, "person10@example.test", ip="198.51.100.7")

    assert answers == [302] * 10
    assert eleventh.status_code == 429
    assert elsewhere.status_code == 302


def test_what_is_kept_names_no_address_and_goes_once_the_hour_is_over(client, staff):
    with time_machine.travel(START, tick=False):
        ask(client, staff.email)
    row = PasswordResetAsk.objects.values().get()
    assert staff.email not in str(row) and staff.email.split("@")[0] not in str(row)

    expired_sign_in_records_forget(now=START + datetime.timedelta(minutes=59))
    assert PasswordResetAsk.objects.exists()
    expired_sign_in_records_forget(now=START + datetime.timedelta(hours=1))
    assert not PasswordResetAsk.objects.exists()
