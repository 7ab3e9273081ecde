"""The quarterly return to NACCC: every figure of a seeded quarter with known answers, on
the page and in the CSV, with records on each side of the quarter's first and last days;
a constant query count; who may see it; the quarter form."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from attendance.models import Booking, ContactSession
from attendance.quarterly import Quarter, quarterly_return
from centre.models import StaffMember
from core.models import AuditEvent
from referrals.models import Referral
from referrals.services import case_accept, case_decline
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.factories import StaffMemberFactory
from tests.referrals.factories import ChildFactory, family_case

LONDON = ZoneInfo("Europe/London")
PAGE = reverse("attendance:quarterly_return")
CSV_URL = reverse("attendance:quarterly_return_csv")
Q4_2025 = Quarter(2025, 4)  # 1 January to 31 March 2026
Q1_2026 = Quarter(2026, 1)  # 1 April to 30 June 2026: the last complete quarter "today"

Source, Status, Reason = Referral.Source, Booking.Status, Booking.AbsenceReason


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 7, 15, 10, 0, tzinfo=LONDON), tick=False):
        yield


def _at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def _case(source, received_on, *, children=1, **referral):
    case = family_case(source=source, received_on=received_on, **referral)
    for _ in range(children - 1):
        ChildFactory(case=case)
    return case


def _session(day, *, capacity=8, kind=ContactSession.Kind.SUPPORTED):
    return ContactSessionFactory(date=day, capacity=capacity, kind=kind)


def _book(session, case, status=Status.BOOKED, reason=""):
    note = "Said so on the phone" if reason == Reason.OTHER else ""
    return BookingFactory(
        session=session, case=case, status=status, absence_reason=reason, absence_note=note
    )


def _decide(case, when, decision):
    with time_machine.travel(when, tick=False):
        if decision == "accept":
            case_accept(case=case, actor=None)
        else:
            case_decline(case=case, reason="The centre cannot offer what is asked.", actor=None)


def _person(role, started_on, ended_on=None):
    return StaffMemberFactory(role=role, started_on=started_on, ended_on=ended_on)


# The known answers of the seeded centre, by quarter.
EXPECTED = {
    Q1_2026: {
        "referrals_self": 2,
        "referrals_solicitor": 1,
        "referrals_cafcass": 1,
        "referrals_mediation": 1,
        "referrals_local_authority": 1,
        "referrals_court": 1,
        "referrals_other": 1,
        "referrals_total": 8,
        "accepted": 2,
        "declined": 1,
        "no_shows": 2,
        "sessions_held": 3,
        "places_available": 15,
        "places_booked": 7,
        "places_attended": 3,
        "children_served": 5,
        "families_served": 2,
        "volunteers": 3,
        "staff": 2,
    },
    Q4_2025: {
        "referrals_self": 1,
        "referrals_solicitor": 1,
        "referrals_cafcass": 0,
        "referrals_mediation": 0,
        "referrals_local_authority": 0,
        "referrals_court": 0,
        "referrals_other": 0,
        "referrals_total": 2,
        "accepted": 1,
        "declined": 0,
        "no_shows": 0,
        "sessions_held": 1,
        "places_available": 8,
        "places_booked": 2,
        "places_attended": 1,
        "children_served": 1,
        "families_served": 1,
        "volunteers": 3,
        "staff": 2,
    },
}


@pytest.fixture
def centre(db):
    """A centre whose records fall on both sides of 31 March / 1 April and of 30 June /
    1 July 2026, the figures of each quarter counted by hand in ``EXPECTED``."""
    d = datetime.date
    # Referrals. Q1 2026-27: two self (one on its first day), one of every other source,
    # "other" once as mediation and once not, court on its last day.
    a = _case(Source.SELF, d(2026, 4, 1), children=2)
    b = _case(Source.SELF, d(2026, 5, 3))
    c = _case(Source.SOLICITOR, d(2026, 4, 20))
    _case(Source.CAFCASS, d(2026, 6, 2), children=3)
    e = _case(Source.OTHER, d(2026, 5, 12), source_other="Family Mediation Service")
    f = _case(Source.OTHER, d(2026, 5, 13), source_other="A grandparent")
    _case(Source.LOCAL_AUTHORITY, d(2026, 6, 1))
    _case(Source.COURT, d(2026, 6, 30))
    # Q4 2025-26: a self-referral on its last day and a solicitor's on its first.
    g = _case(Source.SELF, d(2026, 3, 31))
    h = _case(Source.SOLICITOR, d(2026, 1, 1))
    # Q2 2026-27 (under way): a Cafcass referral on its first day.
    i = _case(Source.CAFCASS, d(2026, 7, 1))
    d_case = Referral.objects.get(source=Source.CAFCASS, received_on=d(2026, 6, 2)).case

    # Decisions, by the instant in London: 31 March 23:30 is Q4, 1 April 00:15 (still
    # 31 March in UTC) is Q1, 30 June 22:00 is Q1, 1 July 09:00 is Q2.
    _decide(g, _at(2026, 3, 31, 23, 30), "accept")
    _decide(h, _at(2026, 4, 1, 0, 15), "accept")
    _decide(c, _at(2026, 5, 10, 12, 0), "accept")
    _decide(f, _at(2026, 6, 30, 22, 0), "decline")
    _decide(i, _at(2026, 7, 1, 9, 0), "decline")

    # Sessions: Q4 31 March (8 places); Q1 1 April (8), 15 May supervised (1), 30 June (6);
    # Q2 1 July (8).
    march_31 = _session(d(2026, 3, 31))
    april_1 = _session(d(2026, 4, 1))
    may_15 = _session(d(2026, 5, 15), capacity=1, kind=ContactSession.Kind.SUPERVISED)
    june_30 = _session(d(2026, 6, 30), capacity=6)
    july_1 = _session(d(2026, 7, 1))

    # Q1: a (2 children) came twice, d (3 children) came once; b and f did not turn up;
    # e cancelled; c is booked and not yet marked.
    _book(april_1, a, Status.ATTENDED)
    _book(june_30, a, Status.ATTENDED)
    _book(may_15, d_case, Status.ATTENDED)
    _book(april_1, b, Status.ABSENT, Reason.VISITING_DID_NOT_ATTEND)
    _book(june_30, f, Status.ABSENT, Reason.RESIDENT_DID_NOT_BRING)
    _book(april_1, e, Status.ABSENT, Reason.CANCELLED_BY_FAMILY)
    _book(june_30, c)
    # Q4: b came on 31 March; g's child was unwell (notice given, not a no-show).
    _book(march_31, b, Status.ATTENDED)
    _book(march_31, g, Status.ABSENT, Reason.CHILD_UNWELL)
    # Q2: others on 1 July, counted in neither.
    _book(july_1, f, Status.ATTENDED)
    _book(july_1, a, Status.ABSENT, Reason.VISITING_DID_NOT_ATTEND)

    # The staff register. Volunteers: one throughout, one from Q1's last day, one who left
    # on Q4's last day, one who left on Q1's first day. Staff: a coordinator and the
    # manager throughout, one who starts in Q2.
    V, S, M = StaffMember.Role.VOLUNTEER, StaffMember.Role.STAFF, StaffMember.Role.MANAGER
    _person(V, d(2024, 4, 1))
    _person(V, d(2026, 6, 30))
    _person(V, d(2023, 1, 1), d(2026, 3, 31))
    _person(V, d(2025, 1, 1), d(2026, 4, 1))
    _person(S, d(2020, 1, 1))
    _person(M, d(2019, 9, 1))
    _person(S, d(2026, 7, 1))


def _figures(quarter):
    return {
        figure.key: figure.value
        for section in quarterly_return(quarter)
        for figure in section.figures
    }


@pytest.mark.parametrize("quarter", [Q1_2026, Q4_2025], ids=str)
def test_it_counts_every_figure_of_the_quarter(centre, quarter):
    assert _figures(quarter) == EXPECTED[quarter]


def test_a_quarter_before_anything_was_recorded_is_all_noughts(centre):
    assert set(_figures(Quarter(2018, 1)).values()) == {0}


def test_the_page_shows_the_last_complete_quarter_by_default(centre, client, manager):
    client.force_login(manager)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["quarter"] == Q1_2026
    html = response.content.decode()
    assert "Q1 2026-27: 1 April 2026 to 30 June 2026" in html
    for key, value in EXPECTED[Q1_2026].items():
        assert f'id="{key}">{value}</td>' in html, key
    assert "not over yet" not in html


def test_the_page_shows_the_quarter_chosen(centre, client, manager):
    client.force_login(manager)
    response = client.get(PAGE, {"year": 2025, "quarter": 4})
    html = response.content.decode()
    for key, value in EXPECTED[Q4_2025].items():
        assert f'id="{key}">{value}</td>' in html, key
    assert f"{CSV_URL}?year=2025&amp;quarter=4" in html


def test_the_quarter_under_way_is_shown_as_figures_so_far(centre, client, manager):
    client.force_login(manager)
    response = client.get(PAGE, {"year": 2026, "quarter": 2})
    assert response.context["quarter"] == Quarter(2026, 2)
    assert "not over yet" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"year": 2026, "quarter": 3},
        {"year": 2027, "quarter": 1},
        {"year": 2026, "quarter": 5},
        {"year": "x"},
    ],
    ids=["not begun", "year not offered", "no such quarter", "nonsense"],
)
def test_a_quarter_that_cannot_be_given_is_refused_in_words(db, client, manager, query):
    client.force_login(manager)
    response = client.get(PAGE, query)
    assert response.status_code == 200
    assert response.context["quarter"] is None
    assert response.context["form"].errors
    assert "sections" not in response.context
    assert client.get(CSV_URL, query).status_code == 400


def test_the_csv_holds_the_same_figures_and_is_recorded_as_an_export(centre, client, manager):
    client.force_login(manager)
    response = client.get(CSV_URL, {"year": 2026, "quarter": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="naccc-return-2026-27-q1.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "label", "value"]
    assert [row[0] for row in rows[1:]] == list(EXPECTED[Q1_2026])
    assert {row[0]: int(row[2]) for row in rows[1:]} == EXPECTED[Q1_2026]
    assert rows[1][1] == "Referrals by source: Self"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.kind, event.detail, event.user_id) == (
        "quarterly-return",
        "NACCC 2026-27-q1",
        manager.pk,
    )


def test_the_csv_defaults_to_the_last_complete_quarter(centre, client, staff):
    client.force_login(staff)
    response = client.get(CSV_URL)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[0]: int(row[2]) for row in rows[1:]} == EXPECTED[Q1_2026]


def test_staff_and_the_manager_may_see_it_volunteers_and_strangers_may_not(
    db, client, manager, staff, volunteer, outsider
):
    for user, status in ((manager, 200), (staff, 200), (volunteer, 403), (outsider, 403)):
        client.force_login(user)
        assert client.get(PAGE).status_code == status, user
        assert client.get(CSV_URL).status_code == status, user
    client.logout()
    assert client.get(PAGE).status_code == 302
    assert client.get(CSV_URL).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exclude(
        user_id__in=[manager.pk, staff.pk]
    )


def test_it_takes_only_get(db, client, manager):
    client.force_login(manager)
    assert client.post(PAGE).status_code == 405
    assert client.post(CSV_URL).status_code == 405


def test_the_query_count_stays_the_same_with_more_data(centre, queries_stay_flat, manager, client):
    client.force_login(manager)

    def add_more():
        d = datetime.date
        for day in (d(2026, 4, 2), d(2026, 5, 2), d(2026, 6, 2)):
            session = _session(day)
            for source in (Source.SELF, Source.COURT, Source.SOLICITOR):
                case = _case(source, day, children=2)
                _book(session, case, Status.ATTENDED)
            _person(StaffMember.Role.VOLUNTEER, day)

    response = queries_stay_flat(PAGE, add_more=add_more, most=16)
    assert response.context["sections"]
    assert _figures(Q1_2026)["families_served"] == EXPECTED[Q1_2026]["families_served"] + 9


def test_the_figures_take_six_queries(centre, django_assert_num_queries):
    with django_assert_num_queries(6):
        quarterly_return(Q1_2026)


def test_quarters_run_from_april():
    d = datetime.date
    assert Quarter.containing(d(2026, 3, 31)) == Quarter(2025, 4)
    assert Quarter.containing(d(2026, 4, 1)) == Quarter(2026, 1)
    assert Quarter.containing(d(2026, 12, 31)) == Quarter(2026, 3)
    assert Quarter.containing(d(2027, 1, 1)) == Quarter(2026, 4)
    assert (Quarter(2026, 4).first_day, Quarter(2026, 4).last_day) == (
        d(2027, 1, 1),
        d(2027, 3, 31),
    )
    assert (Quarter(2026, 1).first_day, Quarter(2026, 1).last_day) == (
        d(2026, 4, 1),
        d(2026, 6, 30),
    )
    assert Quarter.last_complete(d(2026, 4, 1)) == Quarter(2025, 4)
    assert Quarter.last_complete(d(2026, 3, 31)) == Quarter(2025, 3)
