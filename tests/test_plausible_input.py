"""Implausible input is refused at the door with a message saying what to do, and nothing
is saved (issue 17): dates of birth before 1900, a child 18 or over on the referral date,
records dated before the centre's records begin or sessions years ahead, names carrying
characters that cannot be seen or that reverse the text, and free text far beyond its
purpose."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from attendance.models import ContactSession
from attendance.views.sessions import SessionForm
from privacy_requests.forms import PrivacyRequestForm
from referrals.forms import AdultForm, ChildForm, CommunicationForm
from referrals.models import Adult, Case, Child, Communication
from tests.referrals.factories import CaseFactory, referral_form_data

pytestmark = pytest.mark.django_db
RLO, ZWSP, ZWJ, LRI = "\u202e", "\u200b", "\u200d", "\u2066"
HIDDEN = (
    "This has characters in it that cannot be seen, or that reverse the text around them "
    "(often pasted from another document). Type it again by hand."
)


@pytest.fixture
def case():
    return CaseFactory(referral__received_on=datetime.date(2026, 10, 1))


def _adult(case, **fields):
    data = {"role": "resident", "first_name": "Wren", "last_name": "Quillfeather"}
    data.update(fields)
    return AdultForm(data=data, instance=Adult(case=case))


@pytest.mark.parametrize("year", [1, 1800, 1899])
def test_a_date_of_birth_before_1900_is_refused(case, year):
    form = _adult(case, date_of_birth=f"{year:04d}-06-01")

    assert form.errors["date_of_birth"] == [
        "A date of birth cannot be before 1 January 1900: check the year."
    ]


def test_a_date_of_birth_in_1900_is_accepted(case):
    assert _adult(case, date_of_birth="1900-01-01").is_valid()


def test_a_child_is_under_18_on_the_day_the_referral_was_received(case):
    just_18 = ChildForm(
        data={"first_name": "Pip", "last_name": "Quillfeather", "date_of_birth": "2008-10-01"},
        instance=Child(case=case),
    )
    a_day_under = ChildForm(
        data={"first_name": "Pip", "last_name": "Quillfeather", "date_of_birth": "2008-10-02"},
        instance=Child(case=case),
    )

    assert just_18.errors["date_of_birth"] == [
        "A child of a case is under 18 when the referral is received (01/10/2026): check "
        "the date of birth, or add them as an adult."
    ]
    assert a_day_under.is_valid()


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("Wren" + RLO + "rehtaef", "RLO"),
        ("Wr" + ZWSP + "en", "ZWSP"),
        ("W" + ZWJ + "ren", "ZWJ"),
        (LRI + "Wren", "LRI"),
    ],
)
def test_a_name_with_hidden_or_reversing_characters_is_refused(case, name, hidden):
    form = _adult(case, first_name=name)

    assert form.errors["first_name"] == [HIDDEN], hidden


def test_a_name_in_another_script_is_accepted(case):
    assert _adult(case, first_name="Zoë", last_name="Ó Súilleabháin-محمد").is_valid()


def test_a_referral_received_before_the_centres_records_begin_is_refused_and_no_case_made(
    client, staff
):
    client.force_login(staff)

    response = client.post(
        reverse("referrals:case_create"), referral_form_data(received_on="1900-01-01")
    )

    assert response.context["form"].errors["received_on"] == [
        "The date received cannot be before 1 January 1990, when the centre's records "
        "begin: check the year."
    ]
    assert not Case.objects.exists()


def test_the_earliest_record_date_is_a_setting_so_older_records_can_be_kept(settings, case):
    settings.EARLIEST_RECORD_DATE = datetime.date(1980, 1, 1)
    form = CommunicationForm(
        data={
            "occurred_on": "1985-03-01",
            "kind": Communication.Kind.PHONE,
            "direction": Communication.Direction.INCOMING,
            "with_whom": "Wren Quillfeather",
            "summary": "Fictional: an old call.",
        },
        instance=Communication(case=case),
    )

    assert "occurred_on" not in form.errors


def _session(date):
    return SessionForm(
        data={
            "date": date,
            "starts_at": "10:00",
            "ends_at": "12:00",
            "kind": "supported",
            "room": "Main hall",
            "capacity": "8",
        }
    )


def test_a_session_more_than_two_years_ahead_is_refused_and_none_is_made():
    form = _session("9999-01-01")

    assert form.errors["date"] == [
        "Sessions can be set up at most two years ahead: check the year, or set this one up "
        "nearer the time."
    ]
    assert not ContactSession.objects.exists()


def test_a_session_exactly_two_years_ahead_is_accepted():
    with time_machine.travel(datetime.datetime(2026, 12, 4, 12, 0), tick=False):
        assert _session("2028-12-04").is_valid()
        assert "date" in _session("2028-12-05").errors


def test_a_privacy_request_received_in_the_year_1_is_refused():
    form = PrivacyRequestForm(
        data={
            "subject_name": "Fictional Rosalind Quarry",
            "right": "access",
            "channel": "letter",
            "received_on": "0001-01-01",
            "made_by_subject": "on",
        }
    )

    assert form.errors["received_on"] == [
        "The date received cannot be before 1 January 1990, when the centre's records "
        "begin: check the year."
    ]


def test_a_summary_of_200000_characters_is_refused_with_its_size_and_nothing_saved(case):
    form = CommunicationForm(
        data={
            "occurred_on": "2026-11-02",
            "kind": Communication.Kind.PHONE,
            "direction": Communication.Direction.INCOMING,
            "with_whom": "Wren Quillfeather",
            "summary": "a" * 200_000,
        },
        instance=Communication(case=case),
    )

    assert form.errors["summary"] == [
        "Keep this to 10,000 characters (it has 200,000): write a summary here, and upload "
        "a longer document to the case."
    ]
    assert not Communication.objects.exists()
    assert 'maxlength="10000"' in str(form["summary"])
