"""Raising a safeguarding concern: anyone can, in a few fields, from the register or any
page; the designated safeguarding lead and the manager are told at once by an e-mail that
names nobody; only they can read a concern afterwards."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, ContactSession
from centre.access import rule_of
from centre.roles import Role
from centre.services import record_save
from referrals.models import Adult, Case
from safeguarding.models import Concern
from safeguarding.services import NOTIFICATION_SUBJECT, concern_raise
from tests.conftest import _person
from tests.referrals.factories import ChildFactory, family_case
from tests.test_pages import PageAudit
from tests.urls import all_routes, url_of

NEW = reverse("safeguarding:concern_create")
RAISED = reverse("safeguarding:concern_raised")
LIST = reverse("safeguarding:concern_list")


def detail_url(concern):
    return reverse("safeguarding:concern_detail", args=[concern.pk])


def _minute(moment):
    """A moment as the browser's date and time picker sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def lead(db):
    """A staff member who is the designated safeguarding lead."""
    return _person("dee.lead@example.test", "Dee Lomax", Role.STAFF, is_safeguarding_lead=True)


@pytest.fixture
def case(db):
    return family_case(last_name="Brackenridge")


def _booking(case, *, on=None):
    session = record_save(
        record=ContactSession(
            date=on or timezone.localdate(),
            starts_at=datetime.time(10, 0),
            ends_at=datetime.time(12, 0),
            room="The garden room",
        )
    )
    return record_save(
        record=Booking(
            session=session,
            case=case,
            resident_arrives_at=datetime.time(9, 45),
            resident_collects_at=datetime.time(12, 0),
            visiting_arrives_at=datetime.time(10, 0),
            visiting_leaves_at=datetime.time(11, 45),
            resident_entrance="Front door",
            visiting_entrance="Side door",
            who_may_collect="The resident parent",
        )
    )


def _form(**overrides):
    data = {
        "occurred_at": _minute(timezone.now() - datetime.timedelta(minutes=10)),
        "where": "By the toy box",
        "what_happened": "Fictional: she said 'daddy's friend hurts me' and started crying.",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def _raise(*, case, actor, children=None, **fields):
    fields.setdefault("occurred_at", timezone.now() - datetime.timedelta(hours=1))
    fields.setdefault("what_happened", "Fictional: a bruise on the child's arm.")
    return concern_raise(
        concern=Concern(case=case, **fields),
        children=case.children.all() if children is None and case else children or [],
        actor=actor,
    )


# Raising a concern.


def test_it_lets_a_volunteer_raise_a_concern_from_a_register_card(client, volunteer, case):
    booking = _booking(case)
    child = case.children.get()
    client.force_login(volunteer)

    page = client.get(f"{NEW}?booking={booking.pk}")
    assert page.status_code == 200
    # In the register's own look: its stylesheet and header, and a way back to the card.
    assert 'class="tablet register"' in page.text and "css/register.css" in page.text
    assert "bootstrap" not in page.text
    assert f'href="/sessions/{booking.session_id}/register/#booking-{booking.pk}"' in page.text
    assert f'value="{child.pk}"' in page.text
    # First names only, and nothing that says which case it is.
    assert child.first_name in page.text
    assert child.last_name not in page.text
    assert case.reference not in page.text
    assert 'name="case"' not in page.text

    response = client.post(f"{NEW}?booking={booking.pk}", _form(children=[child.pk], where=None))

    assert response.status_code == 302 and response["Location"] == RAISED
    concern = Concern.objects.get()
    assert concern.case == case and concern.booking == booking
    assert list(concern.children.all()) == [child]
    assert concern.raised_by == volunteer
    assert concern.status == Concern.Status.NEW
    assert concern.case_reference == case.reference
    assert concern.children_names == f"{child.full_name} (born {child.date_of_birth:%d/%m/%Y})"

    thanks = client.get(RAISED)
    assert "Thank you — the safeguarding lead has been told" in thanks.text
    assert concern.reference in thanks.text
    assert "daddy" not in thanks.text and child.first_name not in thanks.text
    assert "css/register.css" in thanks.text and "Back to the register" in thanks.text
    # The confirmation shows once; it is no way back to the concern.
    assert client.get(RAISED)["Location"] == reverse("home")


def test_the_form_offers_the_room_of_the_session_and_the_time_now(client, volunteer, case):
    booking = _booking(case)
    client.force_login(volunteer)
    page = client.get(f"{NEW}?booking={booking.pk}")
    assert 'value="The garden room"' in page.text
    assert f'value="{_minute(timezone.now())[:13]}' in page.text


def test_a_volunteer_away_from_the_register_describes_the_child_in_words(client, volunteer, case):
    client.force_login(volunteer)
    page = client.get(f"{NEW}?case={case.pk}")
    # No case to pick, no children offered: volunteers cannot browse cases.
    assert 'name="case"' not in page.text
    assert 'name="children"' not in page.text
    assert case.reference not in page.text

    response = client.post(f"{NEW}?case={case.pk}", _form())

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.case is None and concern.case_reference == ""
    assert not concern.children.exists()


def test_a_volunteer_cannot_use_a_booking_of_another_day(client, volunteer, case):
    booking = _booking(case, on=timezone.localdate() - datetime.timedelta(days=7))
    client.force_login(volunteer)
    page = client.get(f"{NEW}?booking={booking.pk}")
    assert page.status_code == 200
    assert 'name="children"' not in page.text
    assert case.children.get().first_name not in page.text


def test_staff_choose_the_case_then_its_children(client, staff, case):
    closed = family_case()
    closed.status = Case.Status.CLOSED
    closed.save()
    child = case.children.get()
    client.force_login(staff)

    page = client.get(NEW)
    assert 'class="tablet' not in page.text
    assert 'name="case_q"' in page.text
    # The family is found by name: an open case is offered, a closed one is not.
    found = client.post(NEW, _form(case_q=child.last_name, _find="case"))
    assert f'value="case:{case.pk}"' in found.text
    assert f'value="case:{closed.pk}"' not in found.text
    assert not Concern.objects.exists()

    # Choosing a case brings its children up to tick; nothing is saved until then.
    first = client.post(NEW, _form(case=f"case:{case.pk}"))
    assert first.status_code == 200
    assert "Tick the children this concern is about." in first.text
    assert f'value="{child.pk}"' in first.text
    assert not Concern.objects.exists()

    response = client.post(NEW, _form(case=f"case:{case.pk}", children=[child.pk]))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.case == case and list(concern.children.all()) == [child]


def test_staff_may_raise_a_concern_about_no_particular_case(client, staff):
    client.force_login(staff)
    assert client.post(NEW, _form()).status_code == 302
    assert Concern.objects.get().case is None


# Bad input.


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"occurred_at": _minute(timezone.now() + datetime.timedelta(days=1))},
            "occurred_at",
            "A concern cannot be about something that has not happened yet",
        ),
        ({"what_happened": "  "}, "what_happened", "Say what was seen or said"),
        ({"occurred_at": ""}, "occurred_at", "Say when it happened."),
    ],
    ids=["future", "nothing-said", "no-time"],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, volunteer, lead, case, change, field, message, django_capture_on_commit_callbacks
):
    booking = _booking(case)
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{NEW}?booking={booking.pk}", _form(children=[case.children.get().pk], **change)
        )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Nothing has been sent yet." in response.text
    assert not Concern.objects.exists()
    assert mail.outbox == []


def test_a_child_of_another_family_is_refused(client, volunteer, case):
    booking = _booking(case)
    stranger = ChildFactory(case=family_case())
    client.force_login(volunteer)

    response = client.post(f"{NEW}?booking={booking.pk}", _form(children=[stranger.pk]))

    assert response.status_code == 200
    assert response.context["form"].errors["children"] == ["Choose only children of this family."]
    assert stranger.first_name not in response.text
    assert not Concern.objects.exists()


def test_the_service_refuses_children_of_another_case(staff, case):
    stranger = ChildFactory(case=family_case())
    with pytest.raises(ValidationError) as refusal:
        _raise(case=case, actor=staff, children=[stranger])
    assert "children" in refusal.value.message_dict
    assert not Concern.objects.exists()


def test_the_service_refuses_a_concern_in_the_future(staff, case):
    with pytest.raises(ValidationError) as refusal:
        _raise(case=case, actor=staff, occurred_at=timezone.now() + datetime.timedelta(hours=2))
    assert "occurred_at" in refusal.value.message_dict
    assert not Concern.objects.exists()


# Telling the lead and the manager.


def test_the_lead_and_the_manager_are_emailed_and_no_one_is_named(
    client, volunteer, lead, manager, case, django_capture_on_commit_callbacks
):
    former_lead = _person(
        "old.lead@example.test", "Ona Left", Role.STAFF, is_safeguarding_lead=True
    )
    former_lead.is_active = False
    former_lead.save()
    _person("sid.staff@example.test", "Sid Other", Role.STAFF)
    booking = _booking(case)
    child = case.children.get()
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{NEW}?booking={booking.pk}", _form(children=[child.pk]))

    assert sorted(message.to[0] for message in mail.outbox) == sorted([lead.email, manager.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    parents = list(Adult.objects.filter(case=case))
    assert len(parents) == 2
    named = [
        child.first_name,
        child.last_name,
        case.reference,
        case.display_reference,
        "Fictional",
        *(name for adult in parents for name in (adult.first_name, adult.last_name)),
    ]
    for message in mail.outbox:
        assert message.subject == NOTIFICATION_SUBJECT
        for word in named:
            assert word not in message.subject and word not in message.body, word
        assert f"http://testserver{LIST}" in message.body


def test_without_a_request_the_email_links_to_the_path(
    staff, manager, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _raise(case=case, actor=staff)
    assert len(mail.outbox) == 1
    assert f"\n{LIST}\n" in mail.outbox[0].body


def test_a_failed_email_does_not_undo_the_concern(
    client, volunteer, manager, lead, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("safeguarding.services.send_mail", refuse)
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, _form())
    assert response.status_code == 302
    concern = Concern.objects.get()
    failures = [r for r in caplog.records if r.name == "handover.safeguarding"]
    assert len(failures) == 2
    expected = f"concern-notification-failed concern={concern.pk}"
    assert all(record.getMessage() == expected for record in failures)


# Who may read a concern.


def test_the_volunteer_who_raised_a_concern_cannot_open_it_again(client, volunteer, case):
    booking = _booking(case)
    client.force_login(volunteer)
    client.post(f"{NEW}?booking={booking.pk}", _form(children=[case.children.get().pk]))
    concern = Concern.objects.get()

    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(concern)).status_code == 403
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


def test_staff_who_are_not_the_lead_cannot_open_concerns(client, staff, case):
    concern = _raise(case=case, actor=staff)
    client.force_login(staff)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(concern)).status_code == 403


def test_a_lead_whose_account_is_switched_off_cannot_open_concerns(client, lead, case):
    concern = _raise(case=case, actor=lead)
    lead.is_active = False
    lead.save()
    client.force_login(lead)
    assert client.get(detail_url(concern)).status_code in (302, 403)


def test_anonymous_visitors_are_sent_to_sign_in(client, staff, case):
    concern = _raise(case=case, actor=staff)
    for url in (NEW, RAISED, LIST, detail_url(concern)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_the_lead_and_the_manager_read_a_concern_and_it_is_marked_seen(
    client, request, who, staff, case, caplog
):
    reader = request.getfixturevalue(who)
    concern = _raise(case=case, actor=staff, where="The kitchen")
    client.force_login(reader)

    listing = client.get(LIST)
    assert listing.status_code == 200
    assert concern.reference in listing.text
    with caplog.at_level(logging.INFO, logger="handover.audit"):
        page = client.get(detail_url(concern))

    assert page.status_code == 200
    assert "a bruise on the child" in page.text
    assert case.children.get().full_name in page.text
    concern.refresh_from_db()
    assert concern.status == Concern.Status.SEEN
    assert concern.history.first().history_user == reader
    logged = [r.getMessage() for r in caplog.records if r.name == "handover.audit"]
    assert logged == [f"concern-view concern={concern.pk} user={reader.pk}"]


def test_opening_a_concern_that_does_not_exist_is_not_found(client, lead):
    client.force_login(lead)
    assert client.get(reverse("safeguarding:concern_detail", args=[999])).status_code == 404


def test_the_pages_take_only_the_methods_they_need(client, lead, case):
    concern = _raise(case=case, actor=lead)
    client.force_login(lead)
    assert client.put(NEW).status_code == 405
    assert client.post(LIST).status_code == 405
    assert client.post(detail_url(concern)).status_code == 405


def test_a_lead_may_use_every_url_that_admits_the_lead(client, lead, world):
    """The URL matrix's cast has no lead (a flag, not a role): walk those URLs as one."""
    client.force_login(lead)
    routes = [r for r in all_routes() if rule_of(r.callback).or_safeguarding_lead]
    assert {r.name for r in routes} >= {
        "safeguarding:concern_list",
        "safeguarding:concern_detail",
    }
    for route in routes:
        assert client.get(url_of(route, world)).status_code == 200, route.name


def test_the_concerns_list_costs_the_same_however_many_there_are(
    client, lead, staff, case, queries_stay_flat
):
    _raise(case=case, actor=staff)
    client.force_login(lead)

    def add_more():
        for _ in range(4):
            _raise(case=family_case(), actor=staff)

    response = queries_stay_flat(LIST, add_more=add_more)
    assert len(re.findall(r'href="/safeguarding/concerns/\d+/"', response.text)) == 5


# The badge on the home page.


def test_the_badge_counts_new_concerns_for_the_lead_and_the_manager(
    client, lead, manager, staff, volunteer, case
):
    first = _raise(case=case, actor=staff)
    _raise(case=family_case(), actor=volunteer)

    for reader in (lead, manager):
        client.force_login(reader)
        home = _text(client.get("/"))
        assert "2 new safeguarding concerns" in home
    client.get(detail_url(first))
    assert "1 new safeguarding concern " in _text(client.get("/"))

    for other in (staff, volunteer):
        client.force_login(other)
        home = client.get("/")
        assert "new safeguarding concern" not in home.text
        assert f'href="{LIST}"' not in home.text
        assert NEW in home.text


def test_the_badge_costs_the_same_however_many_concerns_there_are(
    client, lead, staff, case, queries_stay_flat
):
    _raise(case=case, actor=staff)
    client.force_login(lead)
    # The lead's home: the badge among today's sessions, the cases' tasks and the reports.
    queries_stay_flat(
        "/", add_more=lambda: [_raise(case=family_case(), actor=staff) for _ in range(3)], most=18
    )


# Concerns outlive their case.


def test_a_concern_outlives_its_case(client, lead, staff, case):
    booking = _booking(case)
    child = case.children.get()
    concern = concern_raise(
        concern=Concern(
            booking=booking,
            occurred_at=timezone.now() - datetime.timedelta(hours=1),
            what_happened="Fictional: the child said she was scared to go home.",
        ),
        children=[child],
        actor=staff,
    )
    reference = case.reference

    case.delete()

    concern.refresh_from_db()
    assert concern.case is None and concern.booking is None
    assert not concern.children.exists()
    assert concern.case_reference == reference
    assert child.full_name in concern.children_names
    client.force_login(lead)
    page = client.get(detail_url(concern))
    assert f"{reference} (the case is no longer held)" in page.text
    assert child.full_name in page.text


# The pages are accessible and self-contained.


def test_the_concern_pages_pass_the_page_audit(client, volunteer, lead, case):
    booking = _booking(case)
    client.force_login(volunteer)
    pages = [
        client.get(f"{NEW}?booking={booking.pk}"),
        client.post(f"{NEW}?booking={booking.pk}", _form(what_happened="")),
    ]
    client.post(f"{NEW}?booking={booking.pk}", _form(children=[case.children.get().pk]))
    pages.append(client.get(RAISED))
    client.force_login(lead)
    pages += [
        client.get(NEW),
        client.get(LIST),
        client.get(detail_url(Concern.objects.get())),
        client.get("/"),
    ]
    problems = []
    for page in pages:
        assert page.status_code == 200
        audit = PageAudit()
        audit.feed(page.text)
        problems += [f"{page.request['PATH_INFO']}: {p}" for p in audit.finish()]
    assert not problems, "\n".join(problems)
