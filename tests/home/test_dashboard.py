"""The manager's dashboard: each figure is right for a dataset whose answers are known,
the safeguarding lead alone sees the concerns themselves, the dates turn on the exact
boundary days, and the page costs the same number of queries however much there is.

Every person, case and number here is fictional."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from attendance.models import Booking
from centre.charts import month_starts
from centre.services import record_save
from home.views import home_page
from privacy_requests.models import PrivacyRequest
from referrals.models import Adult, Case, Referral
from retention.models import QueueItem
from safeguarding.models import Concern, Hold, Incident
from safeguarding.services import concern_raise
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.factories import DBSCheckFactory, StaffMemberFactory
from tests.referrals.factories import CaseFactory, PreVisitFactory, family_case
from tests.retention.factories import closed_case

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = datetime.date
HOME = reverse("home")


def at(day, hour=10):
    """Travel to ``day`` (a date in the centre's time zone) at ``hour``."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False
    )


@pytest.fixture(autouse=True)
def _today():
    # A Wednesday. The charts' twelve months run from December 2025 to November 2026.
    with at(D(2026, 11, 25)):
        yield


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def with_status(case, status, **fields):
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    case.refresh_from_db()
    return case


def booked_family():
    """An active case whose referral came long before the charts' window, so it adds
    nothing to the referral figures."""
    return with_status(family_case(received_on=D(2025, 6, 2)), Case.Status.ACTIVE)


def attendance(session, *outcomes):
    """One family booked into ``session`` per outcome: "attended", or an absence reason."""
    for outcome in outcomes:
        fields = {"status": Booking.Status.ATTENDED}
        if outcome != "attended":
            fields = {"status": Booking.Status.ABSENT, "absence_reason": outcome}
        BookingFactory(session=session, case=booked_family(), **fields)


def concern(case, actor):
    return concern_raise(
        concern=Concern(
            case=case,
            occurred_at=timezone.now() - datetime.timedelta(hours=1),
            what_happened="Fictional: a bruise on the child's arm.",
        ),
        children=list(case.children.all()),
        actor=actor,
    )


def incident(case, **fields):
    return record_save(
        record=Incident(
            case=case,
            occurred_on=D(2026, 11, 1),
            summary="Fictional: a worrying remark during contact.",
            **fields,
        )
    )


def hold(case, kind=Hold.Kind.LEGAL, **fields):
    return Hold.objects.create(kind=kind, case=case, scope_label=case.reference, **fields)


def privacy_request(received_on, **fields):
    adult = Adult.objects.filter(role=Adult.Role.RESIDENT).first() or (
        family_case(received_on=D(2025, 6, 2)).adults.first()
    )
    return record_save(
        record=PrivacyRequest(
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.EMAIL,
            received_on=received_on,
            subject_adult=adult,
            **fields,
        )
    )


def queue_item(rule, n, **fields):
    return QueueItem.objects.create(
        rule=rule,
        kind="case",
        action="dispose",
        record_type="referrals.case",
        object_id=900_000 + n,
        ref=f"C-2022-{n}",
        due_on=D(2026, 11, 1),
        summary="Case closed in 2022",
        **fields,
    )


def dbs(member, *dates):
    for checked_on in dates:
        DBSCheckFactory(staff_member=member, checked_on=checked_on)
    return member


# The known answers.


@pytest.fixture
def seeded(manager, staff):
    """3 referrals from Cafcass and 2 self-referrals this year (one solicitor's before
    the window); 2 waiting, 2 at pre-visits, 1 review due; two sessions today with two
    families and two children booked; 5 attended and 3 absent over two past months; two
    new concerns and one seen, one open incident and one closed; two holds in force and
    one lifted; four queue items; requests due this week and overdue; two DBS checks three
    years old or more."""
    world = {}
    cafcass = [
        CaseFactory(referral__source=Referral.Source.CAFCASS, referral__received_on=day)
        for day in (D(2026, 1, 5), D(2026, 6, 10), D(2026, 11, 20))
    ]
    own = [
        family_case(source=Referral.Source.SELF, received_on=day)
        for day in (D(2025, 12, 1), D(2026, 11, 2))
    ]
    CaseFactory(
        referral__source=Referral.Source.SOLICITOR, referral__received_on=D(2025, 11, 30)
    )  # the day before the window: in no figure but the waiting list's count
    world["waiting"] = [own[1], cafcass[2]]  # longest waiting first
    with_status(cafcass[0], Case.Status.ACCEPTED)
    with_status(own[0], Case.Status.PRE_VISITS)
    PreVisitFactory(case=own[0], adult=own[0].adults.get(role=Adult.Role.RESIDENT))
    with_status(cafcass[1], Case.Status.ACTIVE, next_review_on=D(2026, 11, 25))
    Case.objects.filter(referral__source=Referral.Source.SOLICITOR).update(
        status=Case.Status.DECLINED
    )

    morning = ContactSessionFactory(capacity=8)
    afternoon = ContactSessionFactory(
        starts_at=datetime.time(14, 0), ends_at=datetime.time(16, 0), capacity=6
    )
    world["today"] = [BookingFactory(session=morning, case=booked_family()) for _ in range(2)]
    world["sessions"] = (morning, afternoon)
    october = ContactSessionFactory(date=D(2026, 10, 10), capacity=8)
    attendance(
        october,
        "attended",
        "attended",
        "attended",
        "attended",
        Booking.AbsenceReason.CHILD_UNWELL,
        Booking.AbsenceReason.CHILD_UNWELL,
        Booking.AbsenceReason.VISITING_DID_NOT_ATTEND,
    )
    september = ContactSessionFactory(date=D(2026, 9, 12), capacity=6)
    attendance(september, "attended")
    last_year = ContactSessionFactory(date=D(2025, 11, 15), capacity=8)
    attendance(last_year, "attended")  # before the window

    about = cafcass[1]
    world["concerns"] = [concern(about, staff), concern(about, staff)]
    Concern.objects.filter(pk=concern(about, staff).pk).update(status=Concern.Status.SEEN)
    world["incident"] = incident(about)
    incident(
        about,
        status=Incident.Status.CLOSED,
        outcome="Fictional: no further action.",
        closed_on=D(2026, 11, 3),
    )
    hold(about, Hold.Kind.SAFEGUARDING, reason="Safeguarding incident")
    hold(own[0], reason="Fictional: a police request.")
    hold(
        own[1],
        reason="Fictional.",
        lifted_at=timezone.now(),
        lift_reason="Fictional: the order ended.",
    )

    queue_item("contact-court", 1)
    queue_item("contact-court", 2)
    queue_item("contact-self", 3)
    queue_item(
        "contact-self",
        4,
        status=QueueItem.Status.POSTPONED,
        postponed_until=D(2027, 1, 1),
        postpone_reason="Fictional.",
        decided_by_name="Alice Mercer",
        decided_at=timezone.now(),
    )
    # Falling due: a self-referral closed a year ago less 15 days (within 30 days), and
    # a court case closed three years ago less 56 days (within 90, not 30).
    closed_case(D(2025, 12, 10), rule="contact-self")
    closed_case(D(2024, 1, 20), rule="contact-court")

    world["due_today"] = privacy_request(D(2026, 10, 25))  # due 25 November
    world["due_in_a_week"] = privacy_request(D(2026, 11, 2))  # due 2 December
    world["due_later"] = privacy_request(D(2026, 11, 3))  # due 3 December
    world["overdue"] = privacy_request(D(2026, 10, 24))  # due 24 November

    world["three_years"] = dbs(StaffMemberFactory(last_name="Anning"), D(2023, 11, 25))
    dbs(StaffMemberFactory(last_name="Brunel"), D(2023, 11, 26))
    dbs(StaffMemberFactory(last_name="Carver"), D(2020, 1, 6), D(2024, 5, 1))
    world["oldest"] = dbs(StaffMemberFactory(last_name="Darwin"), D(2019, 2, 4), D(2022, 1, 10))
    dbs(StaffMemberFactory(last_name="Eliot", ended_on=D(2026, 1, 9)), D(2019, 3, 1))
    return world


def test_each_figure_is_right_for_a_dataset_with_known_answers(client, manager, seeded):
    client.force_login(manager)
    response = client.get(HOME)
    d = response.context["dashboard"]
    html = response.content.decode()

    # Today's sessions, and who is booked.
    morning, afternoon = seeded["sessions"]
    assert [(s.pk, s.families, s.children) for s in d.sessions_today] == [
        (morning.pk, 2, 2),
        (afternoon.pk, 0, 0),
    ]
    for booking in seeded["today"]:
        assert booking.case.reference in html
    assert "2 of 8" in html and "0 of 6" in html

    # Cases.
    assert (d.cases.referrals_waiting, d.cases.pre_visits_due, d.cases.reviews_due) == (2, 2, 1)
    assert [case.pk for case in d.referrals_waiting] == [c.pk for c in seeded["waiting"]]
    assert [(case.visited, case.parents) for case in d.pre_visits_due] == [(0, 0), (1, 2)]
    for figure, value in [("referrals-waiting", 2), ("pre-visits-due", 2), ("reviews-due", 1)]:
        assert f'id="{figure}">{value}<' in html

    # Safeguarding: counts only, for a manager who is not the lead.
    assert (d.new_concerns, d.open_incidents, d.holds_in_force) == (2, 1, 2)
    assert d.holds_by_kind == [("Safeguarding", 1), ("Legal", 1)]
    assert d.concern_list is None and d.incident_list is None
    assert 'id="new-concerns">2<' in html and 'id="holds-in-force">2<' in html
    for raised in seeded["concerns"]:
        assert reverse("safeguarding:concern_detail", args=[raised.pk]) not in html
    assert reverse("safeguarding:incident_detail", args=[seeded["incident"].pk]) not in html

    # The disposal queue by rule, and the forecast.
    rows = {row.rule.key: row for row in d.queue}
    assert (rows["contact-court"].awaiting, rows["contact-court"].postponed) == (2, 0)
    assert (rows["contact-self"].awaiting, rows["contact-self"].postponed) == (1, 1)
    assert d.queue_awaiting == 3
    assert rows["contact-self"].forecast == (1, 1, 1)
    assert rows["contact-court"].forecast == (0, 1, 1)
    assert d.forecast_totals == tuple(sum(row.forecast[i] for row in d.queue) for i in range(3))
    assert reverse("retention:queue") in html and reverse("retention:forecast") in html

    # Privacy requests.
    assert [r.pk for r in d.privacy_due_this_week] == [
        seeded["due_today"].pk,
        seeded["due_in_a_week"].pk,
    ]
    assert [r.pk for r in d.privacy_overdue] == [seeded["overdue"].pk]
    for name in ("due_today", "due_in_a_week", "overdue"):
        assert reverse("privacy_requests:request_detail", args=[seeded[name].pk]) in html
    assert reverse("privacy_requests:request_detail", args=[seeded["due_later"].pk]) not in html

    # DBS checks three years old or more: the latest check of current staff only.
    assert [m.pk for m in d.dbs_renewal_due] == [seeded["oldest"].pk, seeded["three_years"].pk]
    assert [m.last_checked_on for m in d.dbs_renewal_due] == [D(2022, 1, 10), D(2023, 11, 25)]
    assert "Brunel" not in html and "Carver" not in html and "Eliot" not in html

    # The charts and the tables beside them.
    attendance_chart = d.attendance_chart
    assert [s.label for s in attendance_chart.series] == [
        "Attended",
        "Absent: Child unwell",
        "Absent: Visiting parent did not attend",
    ]
    by_month = dict(zip(attendance_chart.categories, attendance_chart.rows, strict=True))
    assert by_month["October 2026"][1:] == ([4, 2, 1], 7)
    assert by_month["September 2026"][1:] == ([1, 0, 0], 1)
    assert sum(attendance_chart.totals) == 8  # last November's session is outside
    assert_table_row(html, "October 2026", 4, 2, 1, 7)

    referrals_chart = d.referrals_chart
    assert dict(zip(referrals_chart.categories, referrals_chart.totals, strict=True)) == {
        "Self-referral": 2,
        "Cafcass": 3,
        "Family solicitor": 0,
        "Local authority": 0,
        "Court": 0,
        "Other": 0,
    }
    assert_table_row(html, "Cafcass", 3)
    assert_table_row(html, "Self-referral", 2)

    places = {category: values for category, values, _ in d.places_chart.rows}
    assert places["November 2026"] == [14, 2]
    assert places["October 2026"] == [8, 7]
    assert places["September 2026"] == [6, 1]
    assert places["December 2025"] == [0, 0]
    assert_table_row(html, "November 2026", 14, 2)

    assert reverse("attendance:quarterly_return") in html
    for chart in (attendance_chart, referrals_chart, d.places_chart):
        assert f'aria-labelledby="{chart.key}-title {chart.key}-desc"' in html


def assert_table_row(html, heading, *values):
    cells = r"\s*".join(rf'<td class="text-end">{value}</td>' for value in values)
    pattern = rf'<th scope="row">{re.escape(heading)}</th>\s*{cells}'
    assert re.search(pattern, html), f"no row {heading}: {values}"


def test_the_safeguarding_lead_sees_the_concerns_and_incidents_themselves(client, manager, staff):
    manager.is_safeguarding_lead = True
    manager.save()
    case = family_case()
    raised = [concern(case, staff), concern(case, staff)]
    seen = concern(case, staff)
    Concern.objects.filter(pk=seen.pk).update(status=Concern.Status.SEEN)
    opened = incident(case)
    client.force_login(manager)

    response = client.get(HOME)

    d = response.context["dashboard"]
    assert [c.pk for c in d.concern_list] == [c.pk for c in raised]
    assert [i.pk for i in d.incident_list] == [opened.pk]
    html = response.content.decode()
    for pk in (raised[0].pk, raised[1].pk):
        assert reverse("safeguarding:concern_detail", args=[pk]) in html
    assert reverse("safeguarding:concern_detail", args=[seen.pk]) not in html
    assert reverse("safeguarding:incident_detail", args=[opened.pk]) in html
    # Only references: what was seen or said stays on the concern's own page.
    assert "bruise" not in html


def test_a_manager_who_is_not_the_lead_sees_why_there_are_only_numbers(client, manager):
    client.force_login(manager)

    assert "only their numbers show here" in _text(client.get(HOME))


def test_staff_and_volunteers_have_no_dashboard(client, staff, volunteer):
    for person in (staff, volunteer):
        client.force_login(person)
        response = client.get(HOME)
        assert "dashboard" not in response.context
        assert "The last twelve months" not in response.content.decode()


# The boundaries.


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (D(2026, 11, 24), False),  # three years less a day
        (D(2026, 11, 25), True),  # three years to the day
    ],
)
def test_a_dbs_check_is_due_for_renewal_on_its_third_anniversary(manager, today, listed):
    member = dbs(StaffMemberFactory(), D(2023, 11, 25))
    with at(today):
        due = home_page(manager).dbs_renewal_due
    assert (member in due) is listed


def test_a_dbs_check_of_29_february_is_three_years_old_on_1_march(manager):
    member = dbs(StaffMemberFactory(), D(2024, 2, 29))
    with at(D(2027, 2, 28)):
        assert member not in home_page(manager).dbs_renewal_due
    with at(D(2027, 3, 1)):
        assert member in home_page(manager).dbs_renewal_due


@pytest.mark.parametrize(
    ("received_on", "due_on", "this_week", "overdue"),
    [
        (D(2026, 10, 24), D(2026, 11, 24), False, True),  # due yesterday
        (D(2026, 10, 25), D(2026, 11, 25), True, False),  # due today
        (D(2026, 11, 2), D(2026, 12, 2), True, False),  # the week's last day
        (D(2026, 11, 3), D(2026, 12, 3), False, False),  # the day after it
    ],
)
def test_privacy_requests_cross_the_weeks_and_the_deadlines_edges(
    manager, received_on, due_on, this_week, overdue
):
    """ "This week" is the register's: due today or within the seven days after it, so
    the dashboard lists what the register's "Due this week" link shows."""
    request = privacy_request(received_on)
    assert request.due_on == due_on

    d = home_page(manager)

    assert (request in d.privacy_due_this_week) is this_week
    assert (request in d.privacy_overdue) is overdue


def test_a_completed_request_is_neither_due_nor_overdue(manager):
    privacy_request(
        D(2026, 10, 24),
        status=PrivacyRequest.Status.COMPLETED,
        response="Fictional: the records were sent.",
        closed_on=D(2026, 11, 20),
    )

    d = home_page(manager)

    assert d.privacy_due_this_week == [] and d.privacy_overdue == []


def test_the_charts_window_is_this_month_and_the_eleven_before_it(manager):
    assert month_starts(D(2026, 11, 25)) == [D(2025, 12, 1)] + [
        D(2026, month, 1) for month in range(1, 12)
    ]
    first_day = ContactSessionFactory(date=D(2025, 12, 1))
    attendance(first_day, "attended")
    day_before = ContactSessionFactory(date=D(2025, 11, 30))
    attendance(day_before, "attended")

    chart = home_page(manager).attendance_chart

    assert chart.categories[0] == "December 2025" and chart.categories[-1] == "November 2026"
    assert chart.totals[0] == 1 and sum(chart.totals) == 1


def test_a_referral_received_on_the_windows_first_day_counts(manager):
    CaseFactory(referral__source=Referral.Source.COURT, referral__received_on=D(2025, 12, 1))
    CaseFactory(referral__source=Referral.Source.COURT, referral__received_on=D(2025, 11, 30))

    chart = home_page(manager).referrals_chart

    assert dict(zip(chart.categories, chart.totals, strict=True))["Court"] == 1


def test_a_review_due_today_counts_and_tomorrows_does_not(manager):
    with_status(family_case(), Case.Status.ACTIVE, next_review_on=D(2026, 11, 25))
    with_status(family_case(), Case.Status.ACTIVE, next_review_on=D(2026, 11, 26))

    assert home_page(manager).cases.reviews_due == 1


# The cost.


def test_the_dashboard_costs_the_same_queries_however_much_the_centre_holds(
    client, manager, staff, queries_stay_flat
):
    manager.is_safeguarding_lead = True  # the lead's dashboard lists the most
    manager.save()
    client.force_login(manager)
    counter = iter(range(1, 1000))

    def add_a_bit_of_everything():
        n = next(counter)
        with_status(family_case(), Case.Status.PRE_VISITS)
        family_case()
        with_status(family_case(), Case.Status.ACTIVE, next_review_on=D(2026, 11, 1))
        today = ContactSessionFactory(
            starts_at=datetime.time(8 + n % 8), ends_at=datetime.time(9 + n % 8)
        )
        BookingFactory(session=today, case=booked_family())
        month = ContactSessionFactory(date=D(2026, 1 + n % 10, 3))
        attendance(month, "attended", Booking.AbsenceReason.CANCELLED_BY_CENTRE)
        case = booked_family()
        concern(case, staff)
        incident(case)
        hold(case)
        queue_item("contact-self", n)
        privacy_request(D(2026, 11, 2))
        privacy_request(D(2026, 10, 1))
        dbs(StaffMemberFactory(), D(2020, 5, 5))

    add_a_bit_of_everything()

    def add_more():
        for _ in range(12):  # past every list's cut-off of ten
            add_a_bit_of_everything()

    response = queries_stay_flat(HOME, add_more=add_more, most=50)

    d = response.context["dashboard"]
    assert d.cases.referrals_waiting == 13 and len(d.referrals_waiting) == 10
    assert len(d.concern_list) == 10 and d.new_concerns == 13
    assert len(d.dbs_renewal_due) == 13
