"""The register on the tablet: a volunteer sees first names, the handover plan and the
warnings at the door, records each arrival and departure with one tap (once, however
often it is sent), and marks a family absent with a reason."""

import datetime
import re
import uuid
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking, Tap
from attendance.views import register as register_views
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory, TapFactory
from tests.factories import pdf_file
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    PreVisitFactory,
    ProtectiveOrderFactory,
    png_file,
)

Kind = Tap.Kind
LONDON = zoneinfo.ZoneInfo("Europe/London")


def register_url(session):
    return reverse("attendance:register", args=[session.pk])


def tap_url(booking):
    return reverse("attendance:register_tap", args=[booking.pk])


def absent_url(booking):
    return reverse("attendance:register_absent", args=[booking.pk])


def card_url(booking):
    return f"{register_url(booking.session)}#booking-{booking.pk}"


def tap(client, booking, kind, token=None, **extra):
    data = {"kind": kind, "token": str(token or uuid.uuid4()), **extra}
    return client.post(tap_url(booking), data)


def named_family(*, surname="Zanzibarr", **referral):
    """A family whose every detail a volunteer must not see is distinctive, so a test
    can look for it in the page."""
    case = CaseFactory(
        referral__risk_domestic_abuse=True,
        referral__risk_notes="Fictional note: threats made at the school gate",
        referral__referrer_name="Fictional Referrer Ombudsworth",
        **{f"referral__{name}": value for name, value in referral.items()},
    )
    resident = AdultFactory(
        case=case,
        role=Adult.Role.RESIDENT,
        first_name="Wren",
        last_name=surname,
        address="12 Hidden Lane\nSecretville",
        postcode="ZZ9 9ZZ",
        phone="07700 900123",
        email="wren.hidden@example.test",
        contact_details_confidential=True,
    )
    AdultFactory(
        case=case,
        role=Adult.Role.VISITING,
        first_name="Idris",
        last_name=f"{surname}-Vance",
        address="3 Other Road",
        postcode="YY1 1YY",
        phone="07700 900456",
    )
    ChildFactory(case=case, first_name="Juno", last_name=surname)
    ProtectiveOrderFactory(
        case=case,
        kind="non_molestation",
        names="Idris",
        notes="Fictional: not to come within 100 metres of the home address",
    )
    PreVisitFactory(
        case=case,
        adult=resident,
        photograph=png_file(),
        risks_disclosed="Fictional disclosed risk: followed home",
    )
    return case


@pytest.fixture(autouse=True)
def during_the_session():
    """The factory's sessions run 10:00 to 12:00 today: run at 07:00, arrivals would be
    asked about first (more than an hour early), so the tests run at 10:30."""
    moment = datetime.datetime.combine(timezone.localdate(), datetime.time(10, 30), tzinfo=LONDON)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture
def session(db):
    return ContactSessionFactory()


@pytest.fixture
def booking(session):
    return BookingFactory(session=session, case=named_family(), not_to_collect="Rex Ashdown")


@pytest.fixture
def signed_in(client, volunteer):
    client.force_login(volunteer)
    return client


# What a volunteer sees.


def test_it_shows_a_volunteer_first_names_and_the_plan_and_nothing_more(signed_in, booking):
    booking.notes = "Fictional staff note: the family's solicitor called"
    booking.save()
    case = booking.case

    html = signed_in.get(register_url(booking.session)).text

    for shown in ("Wren", "Idris", "Juno", "09:45", "10:00", "11:45", "12:00"):
        assert shown in html
    for shown in ("Front door", "Side door", "Jane Doe, Sam Doe"):
        assert shown in html
    never = [
        "Zanzibarr",  # surnames
        "Hidden Lane",
        "Secretville",
        "Other Road",
        "ZZ9 9ZZ",
        "YY1 1YY",
        "07700",
        "example.test",
        "threats made",  # the referral's risk notes
        "Ombudsworth",
        "Domestic abuse",
        "domestic abuse",
        "followed home",  # the pre-visit's disclosed risks
        "Non-molestation",  # the order's kind and details: volunteers see only its names
        "100 metres",
        "solicitor called",
        case.reference,
    ]
    leaks = [text for text in never if text in html]
    assert not leaks, f"the register shows a volunteer: {leaks}"


def test_it_shows_the_warnings_a_volunteer_must_see_at_the_door(signed_in, booking):
    ProtectiveOrderFactory(
        case=booking.case,
        names="Old Order Name",
        made_on=datetime.date(2020, 1, 1),
        expires_on=datetime.date(2021, 1, 1),
    )

    html = signed_in.get(register_url(booking.session)).text

    assert "Must NOT collect: Rex Ashdown" in html
    assert "An order names: Idris" in html
    assert "Old Order Name" not in html  # an order that has expired


def test_it_shows_the_photographs_small_and_lazily_through_the_register(signed_in, booking):
    visit = booking.case.pre_visits.get()
    photo_url = reverse("attendance:register_photo", args=[visit.pk])

    html = signed_in.get(register_url(booking.session)).text

    image = re.search(rf'<img src="{photo_url}"[^>]*>', html).group(0)
    assert 'loading="lazy"' in image and 'width="96"' in image and 'height="96"' in image
    assert 'alt="Photograph of Wren, resident"' in image


def test_it_opens_the_family_card_with_big_buttons_for_what_comes_next(signed_in, booking):
    html = signed_in.get(register_url(booking.session)).text

    assert 'class="tablet register"' in html
    assert f'id="booking-{booking.pk}"' in html
    assert 'value="resident_arrived">Resident arrived with child</button>' in html
    assert 'value="visiting_arrived">Visiting arrived</button>' in html
    assert 'value="resident_left"' not in html  # nobody is there to leave yet
    assert 'name="token" value="' in html
    # One script, ours, by nonce: it only improves the forms (test_offline_taps.py).
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", html) == ["/static/js/register-offline.js"]
    assert "bootstrap" not in html


@pytest.mark.parametrize(
    ("taps", "buttons"),
    [
        ([], [Kind.RESIDENT_ARRIVED, Kind.VISITING_ARRIVED]),
        ([Kind.RESIDENT_ARRIVED], [Kind.RESIDENT_LEFT, Kind.VISITING_ARRIVED]),
        (
            [Kind.RESIDENT_ARRIVED, Kind.RESIDENT_LEFT],
            [Kind.VISITING_ARRIVED, Kind.RESIDENT_RETURNED],
        ),
        (
            [Kind.RESIDENT_ARRIVED, Kind.RESIDENT_LEFT, Kind.VISITING_ARRIVED],
            [Kind.VISITING_LEFT, Kind.RESIDENT_RETURNED],
        ),
        (
            [Kind.RESIDENT_ARRIVED, Kind.RESIDENT_LEFT, Kind.VISITING_ARRIVED, Kind.VISITING_LEFT],
            [Kind.RESIDENT_RETURNED],
        ),
    ],
)
def test_the_first_button_is_the_next_step_of_the_plan(signed_in, booking, taps, buttons):
    for kind in taps:
        TapFactory(booking=booking, kind=kind)

    html = signed_in.get(register_url(booking.session)).text

    shown = re.findall(r'name="kind" value="(\w+)">', html)
    child_here = "child" in _present(taps)
    assert shown == ([*buttons, Kind.CHILD_COLLECTED] if child_here else buttons)
    assert re.search(rf'class="btn primary" type="submit" name="kind" value="{buttons[0]}"', html)


def _present(taps):
    from attendance.services import on_site

    return on_site([Tap(kind=kind) for kind in taps])


def test_once_the_resident_is_back_the_big_button_is_the_child_leaving(signed_in, booking):
    for kind in (Kind.RESIDENT_ARRIVED, Kind.RESIDENT_LEFT, Kind.RESIDENT_RETURNED):
        TapFactory(booking=booking, kind=kind)

    html = signed_in.get(register_url(booking.session)).text

    assert '<details class="more" open><summary class="btn">Child left with…' in html
    assert '<option>Jane Doe</option><option>Sam Doe</option><option value="someone-else">' in html
    assert 'value="resident_left"' not in html


def test_after_the_whole_handover_the_card_says_nobody_is_left(signed_in, booking):
    for kind in PLAN_ORDER_WITHOUT_COLLECTION:
        tap(signed_in, booking, kind)
    tap(signed_in, booking, Kind.CHILD_COLLECTED, collected_by="Jane Doe")

    html = signed_in.get(register_url(booking.session)).text

    assert "Nobody from this family is on site now." in html
    assert 'name="kind"' not in html
    assert "<time>" in html and "Child left the centre with Jane Doe" in html


PLAN_ORDER_WITHOUT_COLLECTION = [
    Kind.RESIDENT_ARRIVED,
    Kind.RESIDENT_LEFT,
    Kind.VISITING_ARRIVED,
    Kind.VISITING_LEFT,
    Kind.RESIDENT_RETURNED,
]


def test_names_of_who_may_collect_are_read_from_the_plan():
    assert register_views.collect_names("Jane Doe, Sam Doe; Pat Kemp and Ola Ray\nJane doe") == [
        "Jane Doe",
        "Sam Doe",
        "Pat Kemp",
        "Ola Ray",
    ]


def test_the_concern_button_carries_the_booking_and_hides_while_there_is_no_page(
    signed_in, booking, monkeypatch
):
    try:
        concern = reverse("safeguarding:concern_create")
    except Exception:  # the safeguarding page is not built yet
        concern = None
    html = signed_in.get(register_url(booking.session)).text
    if concern:
        assert f'href="{concern}?booking={booking.pk}"' in html

    monkeypatch.setattr(register_views, "_concern_url", lambda: None)
    html = signed_in.get(register_url(booking.session)).text
    assert "Raise a safeguarding concern" not in html


# Taps.


def test_one_tap_records_its_time_and_who_recorded_it_and_returns_to_the_card(client, volunteer):
    now = datetime.datetime(2026, 11, 28, 9, 46, 30, tzinfo=LONDON)
    with time_machine.travel(now, tick=False):
        booking = BookingFactory(session=ContactSessionFactory())
        client.force_login(volunteer)

        response = tap(client, booking, Kind.RESIDENT_ARRIVED)

        assert response.status_code == 302
        assert response["Location"] == card_url(booking)
        recorded = Tap.objects.get(booking=booking)
        assert recorded.kind == Kind.RESIDENT_ARRIVED
        assert recorded.recorded_at == now
        assert recorded.recorded_by == volunteer
        booking.refresh_from_db()
        assert booking.status == Booking.Status.ATTENDED

        html = client.get(register_url(booking.session)).text
    assert "Recorded at 09:46: Resident parent arrived with the child." in html
    assert "<time>09:46</time> Resident parent arrived with the child" in html
    assert "On site now: resident parent, child" in html


def test_the_same_token_sent_twice_records_one_tap(signed_in, booking):
    token = uuid.uuid4()

    first = tap(signed_in, booking, Kind.RESIDENT_ARRIVED, token)
    second = tap(signed_in, booking, Kind.RESIDENT_ARRIVED, token)

    assert first.status_code == second.status_code == 302
    assert Tap.objects.filter(booking=booking).count() == 1
    assert "Already recorded at" in signed_in.get(register_url(booking.session)).text


def test_visiting_arriving_while_the_resident_is_on_site_warns_on_the_card(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    signed_in.get(register_url(booking.session))  # the message of the first tap is read

    tap(signed_in, booking, Kind.VISITING_ARRIVED)
    html = signed_in.get(register_url(booking.session)).text

    card = html[html.index(f'id="booking-{booking.pk}"') :]
    warning = "The resident parent is still on site: keep the visiting parent apart"
    assert re.search(rf'role="alert">{warning}', card), "the warning shows on the card"
    assert card.count(warning) == 1, "and once"
    assert "Both parents are on site now" not in card  # the same warning, said once
    assert Tap.objects.get(kind=Kind.VISITING_ARRIVED).warning.startswith(warning)

    later = signed_in.get(register_url(booking.session)).text
    assert 'role="alert"' not in later  # the message has been seen
    assert later.count(warning) == 1  # but the card keeps it, once


def test_the_keep_apart_warning_clears_once_the_resident_has_left(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)
    tap(signed_in, booking, Kind.VISITING_ARRIVED)
    signed_in.get(register_url(booking.session))  # the alert is read

    tap(signed_in, booking, Kind.RESIDENT_LEFT)
    html = signed_in.get(register_url(booking.session)).text

    assert "The resident parent is still on site" not in html
    assert "Both parents are on site now" not in html
    # The tap keeps its warning: the history of what happened is not rewritten.
    assert Tap.objects.get(kind=Kind.VISITING_ARRIVED).warning


def test_no_warning_stays_once_the_whole_family_has_gone(signed_in, booking):
    booking.not_to_collect = ""
    booking.save()
    for kind in (Kind.RESIDENT_ARRIVED, Kind.VISITING_ARRIVED, Kind.RESIDENT_LEFT):
        tap(signed_in, booking, kind)
    tap(signed_in, booking, Kind.VISITING_LEFT)
    tap(signed_in, booking, Kind.RESIDENT_RETURNED)
    tap(signed_in, booking, Kind.CHILD_COLLECTED, collected_by="Jane Doe")
    signed_in.get(register_url(booking.session))

    html = signed_in.get(register_url(booking.session)).text
    card = html[html.index(f'id="booking-{booking.pk}"') :]

    assert "Nobody from this family is on site now." in card
    assert "keep the visiting parent apart" not in card
    assert "keep them apart" not in card


def test_a_child_leaving_with_someone_who_must_not_collect_warns(signed_in, booking):
    TapFactory(booking=booking, kind=Kind.RESIDENT_ARRIVED)

    tap(
        signed_in,
        booking,
        Kind.CHILD_COLLECTED,
        collected_by="someone-else",
        someone_else="Rex  Ashdown",
    )

    collected = Tap.objects.get(kind=Kind.CHILD_COLLECTED)
    assert collected.collected_by == "Rex Ashdown"
    assert collected.warning.startswith("Rex Ashdown must not collect the child.")
    html = signed_in.get(register_url(booking.session)).text
    assert 'role="alert">Rex Ashdown must not collect the child.' in html


def test_a_child_leaving_with_a_name_from_the_plan_records_that_name(signed_in, booking):
    TapFactory(booking=booking, kind=Kind.RESIDENT_ARRIVED)

    tap(signed_in, booking, Kind.CHILD_COLLECTED, collected_by="Sam Doe")

    collected = Tap.objects.get(kind=Kind.CHILD_COLLECTED)
    assert (collected.collected_by, collected.warning) == ("Sam Doe", "")


def test_a_child_leaving_with_nobody_named_is_refused(signed_in, booking):
    TapFactory(booking=booking, kind=Kind.RESIDENT_ARRIVED)

    response = tap(signed_in, booking, Kind.CHILD_COLLECTED, collected_by="someone-else")

    assert response["Location"] == card_url(booking)
    assert not Tap.objects.filter(kind=Kind.CHILD_COLLECTED).exists()
    html = signed_in.get(register_url(booking.session)).text
    assert 'role="alert">Say who the child left with' in html


@pytest.mark.parametrize(
    "data", [{"kind": "resident_arrived", "token": "not-a-token"}, {"kind": "x", "token": ""}]
)
def test_a_garbled_tap_records_nothing(signed_in, booking, data):
    response = signed_in.post(tap_url(booking), data)

    assert response.status_code == 302
    assert not Tap.objects.exists()
    assert "Nothing was recorded" in signed_in.get(register_url(booking.session)).text


def test_a_tap_for_a_family_marked_absent_is_refused(signed_in, booking):
    booking.status, booking.absence_reason = Booking.Status.ABSENT, "child_unwell"
    booking.save()

    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)

    assert not Tap.objects.exists()
    html = signed_in.get(register_url(booking.session)).text
    assert "This family is marked absent" in html
    assert "Undo absence" in html


# Absence.


def test_a_family_is_marked_absent_with_a_reason(signed_in, booking, volunteer):
    response = signed_in.post(absent_url(booking), {"reason": "child_unwell", "note": ""})

    assert response["Location"] == card_url(booking)
    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason) == ("absent", "child_unwell")
    assert booking.history.first().history_user == volunteer
    html = signed_in.get(register_url(booking.session)).text
    assert "Absent: Child unwell" in html
    assert "Resident arrived with child" not in html


def test_other_without_a_note_is_refused_clearly_and_nothing_is_saved(signed_in, booking):
    signed_in.post(absent_url(booking), {"reason": "other", "note": "   "})

    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason) == ("booked", "")
    html = signed_in.get(register_url(booking.session)).text
    assert 'role="alert">Say what happened in the note' in html


def test_other_without_a_note_comes_back_with_other_still_chosen(signed_in, booking):
    response = signed_in.post(absent_url(booking), {"reason": "other", "note": ""})

    assert response["Location"] == card_url(booking)
    html = signed_in.get(register_url(booking.session)).text
    card = html[html.index(f'id="booking-{booking.pk}"') :]
    assert (
        'role="alert">Say what happened in the note: it is needed when the reason is Other.' in card
    )
    assert 'name="reason" value="other" required checked> Other</label>' in card
    assert '<details class="more" open><summary class="btn">Mark absent' in card
    # Only once: the next load is the card as it was.
    again = signed_in.get(register_url(booking.session)).text
    assert 'value="other" required checked' not in again


def test_a_note_too_long_comes_back_with_the_reason_and_the_note(signed_in, booking):
    signed_in.post(absent_url(booking), {"reason": "cancelled_by_family", "note": "x" * 301})

    html = signed_in.get(register_url(booking.session)).text
    assert "The note is too long: 300 letters at most." in html
    assert 'value="cancelled_by_family" required checked>' in html
    assert 'value="' + "x" * 300 + '"' in html


def test_someone_else_without_a_name_comes_back_with_someone_else_still_chosen(signed_in, booking):
    TapFactory(booking=booking, kind=Kind.RESIDENT_ARRIVED)

    tap(signed_in, booking, Kind.CHILD_COLLECTED, collected_by="someone-else", someone_else=" ")

    assert not Tap.objects.filter(kind=Kind.CHILD_COLLECTED).exists()
    html = signed_in.get(register_url(booking.session)).text
    card = html[html.index(f'id="booking-{booking.pk}"') :]
    assert 'role="alert">Say who the child left with: choose a name, or type it under' in card
    assert '<option value="someone-else" selected>Someone else</option>' in card
    assert '<details class="more" open><summary class="btn">Child left with' in card


def test_other_with_a_note_is_saved(signed_in, booking):
    signed_in.post(absent_url(booking), {"reason": "other", "note": "Snowed in"})

    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason, booking.absence_note) == (
        "absent",
        "other",
        "Snowed in",
    )


def test_an_absence_without_a_reason_is_refused(signed_in, booking):
    signed_in.post(absent_url(booking), {"reason": "overslept"})

    booking.refresh_from_db()
    assert booking.status == "booked"


def test_absent_after_someone_arrived_is_refused(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)

    signed_in.post(absent_url(booking), {"reason": "child_unwell"})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    html = signed_in.get(register_url(booking.session)).text
    assert "Someone from this family has been recorded arriving." in html
    assert "Mark absent" not in html


def test_an_absence_can_be_undone(signed_in, booking):
    signed_in.post(absent_url(booking), {"reason": "child_unwell"})

    response = signed_in.post(reverse("attendance:register_undo_absent", args=[booking.pk]))

    assert response["Location"] == card_url(booking)
    booking.refresh_from_db()
    assert (booking.status, booking.absence_reason) == ("booked", "")


def test_undo_absence_leaves_a_family_that_came_as_it_is(signed_in, booking):
    tap(signed_in, booking, Kind.RESIDENT_ARRIVED)

    signed_in.post(reverse("attendance:register_undo_absent", args=[booking.pk]))

    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED


# Today's sessions.


def test_today_with_one_session_opens_its_register(signed_in, session):
    ContactSessionFactory(date=timezone.localdate() - datetime.timedelta(days=1))

    response = signed_in.get(reverse("attendance:register_today"))

    assert response.status_code == 302
    assert response["Location"] == register_url(session)


def test_today_with_several_sessions_lists_them_as_big_buttons(signed_in, session):
    afternoon = ContactSessionFactory(
        starts_at=datetime.time(14, 0), ends_at=datetime.time(16, 0), room="Garden room"
    )
    BookingFactory(session=afternoon)

    html = signed_in.get(reverse("attendance:register_today")).text

    assert f'class="btn big" href="{register_url(session)}"' in html
    assert "14:00 to 16:00, Garden room" in html
    assert "1 family" in html and "0 families" in html


def test_today_without_sessions_says_so(signed_in):
    html = signed_in.get(reverse("attendance:register_today")).text

    assert "There are no sessions today." in html


# Who may do what.


@pytest.mark.parametrize(
    "name", ["attendance:register_tap", "attendance:register_absent", "attendance:register"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, booking, name):
    pk = booking.session.pk if name == "attendance:register" else booking.pk

    response = client.post(reverse(name, args=[pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Tap.objects.exists()


def test_an_account_without_a_role_is_refused(client, outsider, booking):
    client.force_login(outsider)

    assert client.get(register_url(booking.session)).status_code == 403
    assert tap(client, booking, Kind.RESIDENT_ARRIVED).status_code == 403
    assert not Tap.objects.exists()


def test_taps_and_absences_take_only_post(signed_in, booking):
    assert signed_in.get(tap_url(booking)).status_code == 405
    assert signed_in.get(absent_url(booking)).status_code == 405
    assert signed_in.post(register_url(booking.session)).status_code == 405


def test_a_volunteer_is_refused_the_case_pages(signed_in, booking):
    assert signed_in.get(reverse("referrals:case_detail", args=[booking.case.pk])).status_code == (
        403
    )


def test_a_volunteer_opens_only_todays_registers(client, volunteer, staff, manager):
    yesterday = BookingFactory(
        session=ContactSessionFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    )
    client.force_login(volunteer)

    assert client.get(register_url(yesterday.session)).status_code == 404
    assert tap(client, yesterday, Kind.RESIDENT_ARRIVED).status_code == 404
    assert client.post(absent_url(yesterday), {"reason": "child_unwell"}).status_code == 404
    assert not Tap.objects.exists()

    for person in (staff, manager):
        client.force_login(person)
        html = client.get(register_url(yesterday.session)).text
        assert "This register is not today's." in html


# Photographs.


def test_a_photograph_is_shown_inline_and_never_sniffed(signed_in, booking):
    visit = booking.case.pre_visits.get()

    response = signed_in.get(reverse("attendance:register_photo", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_volunteer_sees_only_the_photographs_of_families_booked_today(client, volunteer, staff):
    case = named_family()
    BookingFactory(
        case=case,
        session=ContactSessionFactory(date=timezone.localdate() + datetime.timedelta(days=7)),
    )
    url = reverse("attendance:register_photo", args=[case.pre_visits.get().pk])

    client.force_login(volunteer)
    assert client.get(url).status_code == 404

    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_a_photograph_kept_as_a_pdf_is_not_served_as_an_image(signed_in, session):
    case = named_family()
    BookingFactory(session=session, case=case)
    visit = case.pre_visits.get()
    visit.photograph = pdf_file()
    visit.save()

    response = signed_in.get(reverse("attendance:register_photo", args=[visit.pk]))

    assert response.status_code == 404
    assert "A photograph is kept as a PDF" in signed_in.get(register_url(session)).text


# Two tablets.


def test_two_tablets_tapping_the_same_family_both_record(client, volunteer, staff, booking):
    from tests.conftest import Client

    first, second = client, Client()
    first.force_login(volunteer)
    second.force_login(staff)
    # Each tablet draws the register, then they tap in turn from what they drew.
    for tablet in (first, second):
        tablet.get(register_url(booking.session))
    resident_token, visiting_token = uuid.uuid4(), uuid.uuid4()

    tap(first, booking, Kind.RESIDENT_ARRIVED, resident_token)
    tap(second, booking, Kind.VISITING_ARRIVED, visiting_token)
    tap(first, booking, Kind.RESIDENT_ARRIVED, resident_token)  # the first one, sent again
    tap(second, booking, Kind.VISITING_ARRIVED, visiting_token)

    taps = list(Tap.objects.filter(booking=booking))
    assert [(t.kind, t.recorded_by) for t in taps] == [
        (Kind.RESIDENT_ARRIVED, volunteer),
        (Kind.VISITING_ARRIVED, staff),
    ]
    assert taps[1].warning  # the second tablet was told the resident was still there
    for tablet in (first, second):
        html = tablet.get(register_url(booking.session)).text
        assert "On site now: resident parent, child, visiting parent" in html


# Cost: queries and weight.


def _families(session, count, *, photographs=True):
    """``count`` families as a busy morning has them: orders, photographs, a warning not
    to collect, and taps part-way through the handover."""
    for number in range(count):
        case = CaseFactory()
        resident = AdultFactory(case=case, role=Adult.Role.RESIDENT)
        AdultFactory(case=case, role=Adult.Role.VISITING)
        ChildFactory(case=case)
        ChildFactory(case=case)
        ProtectiveOrderFactory(case=case, names="Visiting parent")
        if photographs:
            PreVisitFactory(case=case, adult=resident, photograph=png_file())
        booking = BookingFactory(
            session=session,
            case=case,
            not_to_collect="Rex Ashdown" if number % 3 == 0 else "",
            resident_arrives_at=datetime.time(9, number % 60),
        )
        state = number % 4
        if state >= 1:
            TapFactory(booking=booking, kind=Kind.RESIDENT_ARRIVED)
        if state >= 2:
            TapFactory(booking=booking, kind=Kind.VISITING_ARRIVED, warning="Keep them apart.")
        if state == 3:
            TapFactory(booking=booking, kind=Kind.RESIDENT_LEFT)


def test_the_register_costs_the_same_queries_for_5_families_or_40(
    client, volunteer, session, queries_stay_flat
):
    client.force_login(volunteer)
    _families(session, 5)

    response = queries_stay_flat(
        register_url(session), add_more=lambda: _families(session, 35), most=14
    )

    assert response.text.count('<article class="card') == 40
    with CaptureQueriesContext(connection) as queries:
        client.get(register_url(session))
    print(f"\nregister of 40 families: {len(queries)} queries")


def _stylesheets(html):
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)


def test_the_register_of_40_families_weighs_under_150_kb_without_photographs(
    client, volunteer, session
):
    client.force_login(volunteer)
    _families(session, 40, photographs=False)

    response = client.get(register_url(session))

    html = response.content
    sheets = _stylesheets(response.text)
    assert sheets == ["css/register.css"]  # and not Bootstrap
    css = sum(Path(finders.find(sheet)).stat().st_size for sheet in sheets)
    weight = len(html) + css
    print(f"\nregister of 40 families: HTML {len(html)} B + CSS {css} B = {weight} B")
    assert css < 15 * 1024
    assert weight < 150 * 1024


def test_the_register_in_every_state_passes_the_page_audit(signed_in, session):
    from tests.test_pages import PageAudit

    _families(session, 4)
    absent = BookingFactory(session=session, status="absent", absence_reason="child_unwell")
    returned = BookingFactory(session=session)
    for kind in (Kind.RESIDENT_ARRIVED, Kind.RESIDENT_LEFT, Kind.RESIDENT_RETURNED):
        TapFactory(booking=returned, kind=kind)
    tap(signed_in, absent, Kind.RESIDENT_ARRIVED)  # refused: a message on the card

    audit = PageAudit()
    audit.feed(signed_in.get(register_url(session)).text)

    assert audit.finish() == []
