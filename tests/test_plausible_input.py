"""Implausible input is refused at the door with a message saying what to do, and nothing
is saved (issue 17): dates of birth before 1900, a child 18 or over on the referral date,
records dated before the centre's records begin or sessions years ahead, names carrying
characters that cannot be seen or that reverse the text, and free text far beyond its
purpose."""

import datetime
import importlib
import pkgutil

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import ContactSession
from attendance.views.sessions import SessionForm
from centre.audit_views import AuditFilterForm
from centre.forms import CentreModelForm, CentreProfileForm
from core.plausible import number_range
from privacy_requests.forms import ChildForm as RequestChildForm
from privacy_requests.forms import PrivacyRequestForm
from referrals.forms import AdultForm, ChildForm, CommunicationForm
from referrals.models import Adult, Case, Child, Communication
from retention.models import Rule
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


# Numbers: a range fitting each number's purpose, never the column's ---------------------

FAMILIES = "Enter a number of families from 1 to 50."
MONTHS = "Enter a period in months from 1 to 1,200."
TECHNICAL = ("Ensure this value", "9223372036854775807", "32767", "2147483647")


@pytest.mark.parametrize(
    "capacity", ["0", "-1", "51", "9223372036854775808", "-99999999999999999999", "abc", "1.5"]
)
def test_a_session_for_an_implausible_number_of_families_is_refused_and_none_is_made(
    client, staff, capacity
):
    client.force_login(staff)
    data = {
        "date": "2026-12-05",
        "starts_at": "10:00",
        "ends_at": "12:00",
        "kind": "supported",
        "room": "Main hall",
        "capacity": capacity,
    }

    response = client.post(reverse("attendance:session_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [FAMILIES]
    assert not any(words in response.text for words in TECHNICAL)
    assert not ContactSession.objects.exists()


def test_the_capacity_field_tells_the_browser_its_range():
    field = str(_session("2026-12-05")["capacity"])

    assert 'min="1"' in field and 'max="50"' in field


@pytest.mark.parametrize("months", ["0", "-6", "1201", "100000000000000000000"])
def test_a_retention_period_out_of_range_is_refused_and_the_rule_unchanged(client, manager, months):
    rule = Rule.objects.get(key="contact-self")
    before = rule.period_months
    client.force_login(manager)

    response = client.post(
        reverse("retention:rule_change", args=[rule.pk]),
        {"period_months": months, "keeping": rule.keeping, "change_reason": "Fictional."},
    )

    assert response.context["form"].errors["period_months"] == [MONTHS]
    rule.refresh_from_db()
    assert rule.period_months == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("financial_year_end_day", "32", "Enter a day of the month from 1 to 31."),
        ("financial_year_end_day", "0", "Enter a day of the month from 1 to 31."),
        ("financial_year_end_day", "9" * 30, "Enter a day of the month from 1 to 31."),
    ],
)
def test_the_centres_numbers_are_refused_out_of_range(field, value, message):
    form = CentreProfileForm(data={field: value})

    assert form.errors[field] == [message]


@pytest.mark.parametrize("age", ["-1", "18", "200", "9223372036854775808", "twelve"])
def test_a_childs_age_must_be_a_childs(age):
    form = RequestChildForm(data={"child_age": age})

    assert form.errors["child_age"] == [
        "A child is under 18: enter their age in years, from 0 to 17. For someone of 18 or "
        "over, leave the child's age blank."
    ]


def test_a_childs_age_from_0_to_17_is_accepted():
    assert "child_age" not in RequestChildForm(data={"child_age": "0"}).errors
    assert "child_age" not in RequestChildForm(data={"child_age": "17"}).errors


def test_the_model_refuses_an_implausible_number_wherever_it_is_saved_from():
    session = ContactSession(
        date=datetime.date(2026, 12, 5),
        starts_at=datetime.time(10),
        ends_at=datetime.time(12),
        room="Main hall",
        capacity=40_000,
    )

    with pytest.raises(ValidationError) as refused:
        session.full_clean()

    assert refused.value.message_dict["capacity"] == [FAMILIES]


def _model_forms():
    """Every model form of the project, found through the base they all share once every
    module that may define one (forms and views, wherever they are) is imported."""
    for app in apps.get_app_configs():
        if not app.path.startswith(str(settings.BASE_DIR)) or ".venv" in app.path:
            continue
        for module in pkgutil.walk_packages([app.path], prefix=f"{app.name}."):
            if "forms" in module.name or "views" in module.name:
                importlib.import_module(module.name)
    found, todo = [], [CentreModelForm]
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if getattr(form._meta, "model", None) is not None:
            found.append(form)
    return found


def test_every_number_of_every_model_form_declares_a_range_for_its_purpose():
    """A number field added to a model form without ``plausible.within`` beside its model
    field fails here: the column's range ("up to 32,767") is no range for a person."""
    numbers = []
    for form_class in _model_forms():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.IntegerField):
                continue
            _low, _high, message = number_range(
                form_class._meta.model._meta.get_field(name).validators
            )
            numbers.append(name)
            assert message, (form_class.__name__, name)
            shown = form_class().fields.get(name)  # a form may leave a number out
            assert shown is None or shown.error_messages["invalid"] == message
    assert {"capacity", "financial_year_end_day", "period_months"} <= set(numbers)


@pytest.mark.parametrize("record_id", ["9223372036854775808", "0", "-3", "seventeen"])
def test_the_audit_trails_record_id_answers_in_words(record_id):
    form = AuditFilterForm(data={"object_id": record_id})

    assert form.errors["object_id"] == [
        "Enter a record's id: the number in its page's address, such as 17 in /cases/17/."
    ]
