"""The home pages are built from the cards each app declares (``core.cards``): each role's
home shows the cards declared for its role, in their order, and no others; a card
declared later appears without touching the home page; and each card costs the same
queries however much the centre holds.

Every person, case and number here is fictional."""

import copy
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Booking
from core.cards import Card, cards_for, page_figures
from core.declarations import HOME_CARD, declarations
from home.views import HomePage, home_page
from referrals.models import Adult, Case
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.factories import StaffMemberFactory
from tests.home.test_dashboard import (
    D,
    at,
    attendance,
    booked_family,
    concern,
    dbs,
    hold,
    incident,
    privacy_request,
    queue_item,
    with_status,
)
from tests.referrals.factories import family_case

HOME = reverse("home")
TODAY = D(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with at(TODAY):
        yield


def add_a_bit_of_everything_for(staff):
    """Rows for every card: cases at each stage, sessions today and in past months,
    concerns, incidents and holds, queue items, privacy requests, old DBS checks."""
    counter = iter(range(1, 1000))

    def add():
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

    return add


MANAGER_CARDS = [
    "new-concerns",
    "reports",
    "centre-details",
    "sessions-today",
    "cases",
    "retention",
    "privacy-requests",
    "safeguarding",
    "people",
    "attendance-chart",
    "referrals-chart",
    "places-chart",
]


def shown(response):
    return [card.key for card, _figures in response.context["cards"]]


def templates(response):
    return {t.name for t in response.templates if t.name.startswith("home/cards/")}


def test_the_manager_sees_every_card_declared_for_the_manager_in_order(client, manager):
    client.force_login(manager)

    response = client.get(HOME)

    assert shown(response) == MANAGER_CARDS
    assert [card.key for card in cards_for("manager")] == MANAGER_CARDS
    assert templates(response) == {card.template for card in cards_for("manager")} | {
        "home/cards/reviews_due.html"  # the cases card includes it
    }


STAFF_CARDS = ["staff-actions", "sessions-today", "cases"]


def test_staff_see_their_own_cards_and_none_of_the_managers(client, staff):
    family_case()
    client.force_login(staff)

    response = client.get(HOME)

    # The badge of new concerns is for those who may open the concerns: not these staff.
    assert [key for key in shown(response) if key != "reports"] == STAFF_CARDS
    assert {
        "home/cards/staff_actions.html",
        "home/cards/sessions_today.html",
        "home/cards/cases.html",
        "home/cards/reviews_due.html",
    } <= templates(response)
    html = response.content.decode()
    for task in ("Today, ", "Referrals to decide", "Pre-visits to book", "Six-monthly reviews due"):
        assert task in html
    for managers_figure in ("disposal queue", "People who work here", "The last twelve months"):
        assert managers_figure not in html
    assert "dashboard" not in response.context


def test_the_safeguarding_lead_among_staff_also_sees_the_badge_of_new_concerns(client, staff):
    staff.is_safeguarding_lead = True
    staff.save()
    client.force_login(staff)

    shown_to_the_lead = [key for key in shown(client.get(HOME)) if key != "reports"]
    assert shown_to_the_lead == ["new-concerns", *STAFF_CARDS]


def test_a_volunteer_sees_no_card_and_no_figure(client, volunteer):
    family_case()
    client.force_login(volunteer)

    response = client.get(HOME)

    assert shown(response) == []
    assert templates(response) == set()
    html = response.content.decode()
    for figure in (
        "safeguarding concern</strong>",
        "waiting for a decision",
        "Six-monthly reviews due",
        "disposal queue",
        "Privacy requests and complaints",
        "People who work here",
        "<svg",
    ):
        assert figure not in html
    assert "Open today's register" in html


def test_someone_with_no_role_sees_no_card(client, outsider):
    client.force_login(outsider)

    response = client.get(HOME)

    assert shown(response) == []
    assert "home/no_role.html" in [t.name for t in response.templates]


# A card declared later.


@pytest.fixture
def note_template(settings, tmp_path):
    """A card's partial, ``home/cards/test_note.html``, in a template folder of the test's."""
    partial = tmp_path / "home" / "cards" / "test_note.html"
    partial.parent.mkdir(parents=True)
    partial.write_text('<p class="test-note">{{ note }}</p>')
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [*engines[0]["DIRS"], tmp_path]
    settings.TEMPLATES = engines
    return "home/cards/test_note.html"


@pytest.fixture
def declare_card():
    """Declare a card for the test, and take it away after."""
    declared = []

    def declare(card):
        declared.append(declarations.add(HOME_CARD, card))
        return card

    yield declare
    for card in declared:
        declarations.remove(HOME_CARD, card)


@pytest.mark.parametrize("role", ["manager", "staff", "volunteer"])
def test_a_card_declared_for_a_role_appears_on_that_roles_home_only(
    request, client, note_template, declare_card, role
):
    declare_card(
        Card(
            "test-note",
            roles=(role,),
            order=15,
            template=note_template,
            figures=lambda user, today: {"note": f"Fictional: a note for {user.role} on {today}"},
        )
    )
    for person in ("manager", "staff", "volunteer"):
        user = request.getfixturevalue(person)
        client.force_login(user)
        response = client.get(HOME)
        html = response.content.decode()
        expected = f"Fictional: a note for {person} on {TODAY}"
        assert (expected in html) is (person == role)
        assert ("test-note" in shown(response)) is (person == role)


def test_a_declared_card_takes_its_place_by_its_order(client, manager, note_template, declare_card):
    declare_card(
        Card(
            "test-note",
            roles=("manager",),
            order=25,  # after the centre's details (20), before today's sessions (30)
            template=note_template,
            figures=lambda user, today: {"note": "Fictional: between the details and today"},
        )
    )
    client.force_login(manager)

    response = client.get(HOME)

    keys = shown(response)
    assert keys.index("test-note") == keys.index("centre-details") + 1
    html = response.content.decode()
    assert html.index("Fictional: between the details and today") < html.index("Today, ")


def test_a_card_taken_away_is_gone_from_the_page(client, manager, note_template):
    card = Card(
        "test-note",
        roles=("manager",),
        order=15,
        template=note_template,
        figures=lambda user, today: {"note": "Fictional: here a moment"},
    )
    client.force_login(manager)
    declarations.add(HOME_CARD, card)
    try:
        assert "Fictional: here a moment" in client.get(HOME).content.decode()
    finally:
        declarations.remove(HOME_CARD, card)

    assert "Fictional: here a moment" not in client.get(HOME).content.decode()


def test_a_card_whose_figures_are_none_is_left_out(client, staff, note_template, declare_card):
    declare_card(
        Card(
            "test-note",
            roles=("staff",),
            order=15,
            template=note_template,
            figures=lambda user, today: None if not user.is_safeguarding_lead else {"note": "x"},
        )
    )
    client.force_login(staff)

    assert "test-note" not in shown(client.get(HOME))


# What a card may declare.


def test_a_card_must_name_known_roles_and_a_template_under_home_cards():
    def figures(user, today):
        return {}

    with pytest.raises(ValueError, match="no such role"):
        Card("x", roles=("trustee",), order=1, template="home/cards/x.html", figures=figures)
    with pytest.raises(ValueError, match="name the roles"):
        Card("x", roles=(), order=1, template="home/cards/x.html", figures=figures)
    with pytest.raises(ValueError, match="under home/cards/"):
        Card("x", roles=("staff",), order=1, template="home/x.html", figures=figures)


def test_two_cards_on_one_page_may_not_give_the_same_figure():
    def figures(user, today):
        return {}

    first = Card("a", roles=("staff",), order=1, template="home/cards/a.html", figures=figures)
    second = Card("b", roles=("staff",), order=2, template="home/cards/b.html", figures=figures)

    with pytest.raises(ValueError, match="'a' and 'b' both give 'count'"):
        HomePage(
            today=datetime.date(2026, 11, 25), cards=[(first, {"count": 1}), (second, {"count": 2})]
        )


def test_two_cards_for_one_role_may_not_share_a_key(declare_card):
    def figures(user, today):
        return {}

    declare_card(
        Card("cases", roles=("manager",), order=99, template="home/cards/x.html", figures=figures)
    )

    with pytest.raises(ValueError, match="share a key"):
        cards_for("manager")


# The cost.


def test_each_managers_card_costs_the_same_queries_however_much_the_centre_holds(manager, staff):
    """Each card on its own, so a card whose queries grow with the data is named."""
    manager.is_safeguarding_lead = True  # the lead's cards list the most
    manager.save()
    today = TODAY
    add_a_bit_of_everything = add_a_bit_of_everything_for(staff)
    add_a_bit_of_everything()

    def costs():
        counts = {}
        for card in cards_for("manager"):
            with CaptureQueriesContext(connection) as queries:
                card.figures_for(manager, today)
            counts[card.key] = len(queries.captured_queries)
        return counts

    costs()  # warm the permission cache
    before = costs()
    for _ in range(12):  # past every list's cut-off of ten
        add_a_bit_of_everything()

    assert costs() == before


def test_the_managers_home_costs_the_same_queries_however_much_the_centre_holds(
    client, manager, staff, queries_stay_flat
):
    client.force_login(manager)
    add_a_bit_of_everything = add_a_bit_of_everything_for(staff)
    add_a_bit_of_everything()

    def add_more():
        for _ in range(12):
            add_a_bit_of_everything()

    response = queries_stay_flat(HOME, add_more=add_more, most=50)

    assert shown(response) == MANAGER_CARDS
    assert home_page(manager).cases.referrals_waiting == 13


def test_the_staff_home_costs_the_same_queries_however_much_the_centre_holds(
    client, staff, queries_stay_flat
):
    """Today's sessions with what each still lacks, the cases' tasks and the reviews: a
    fixed number of queries, however many sessions, bookings and cases there are."""
    client.force_login(staff)
    add_a_bit_of_everything = add_a_bit_of_everything_for(staff)
    add_a_bit_of_everything()

    def add_more():
        for _ in range(12):
            add_a_bit_of_everything()

    response = queries_stay_flat(HOME, add_more=add_more, most=25)

    figures = {card.key: figures for card, figures in response.context["cards"]}
    assert len(figures["sessions-today"]["sessions_today"]) == 13


def test_the_volunteers_home_costs_the_same_queries_however_much_the_centre_holds(
    client, volunteer, staff, queries_stay_flat
):
    client.force_login(volunteer)
    add_a_bit_of_everything = add_a_bit_of_everything_for(staff)
    add_a_bit_of_everything()

    def add_more():
        for _ in range(12):
            add_a_bit_of_everything()

    queries_stay_flat(HOME, add_more=add_more, most=10)


# What the cards count, counted together.


def _counting_card(key, counts, seen):
    def figures(user, today, counted):
        seen[key] = counted
        return {f"{key}_counted": counted}

    return Card(
        key,
        roles=("staff",),
        order=1,
        template="home/cards/cases.html",
        figures=figures,
        counts=counts,
    )


def test_a_page_counts_what_every_card_counts_in_one_query_and_gives_each_its_own(
    staff, django_assert_num_queries
):
    family_case()
    seen = {}
    cards = [
        _counting_card("first", lambda user, today: {"cases": Case.objects.all()}, seen),
        _counting_card(
            "second",
            lambda user, today: {
                "cases": Case.objects.filter(status=Case.Status.CLOSED),
                "adults": Adult.objects.all(),
            },
            seen,
        ),
        # Not for this person: left out, its figures never asked for.
        _counting_card("not-theirs", lambda user, today: None, seen),
    ]

    with django_assert_num_queries(1):
        shown = page_figures(cards, staff, TODAY)

    assert [card.key for card, _ in shown] == ["first", "second"]
    assert seen == {"first": {"cases": 1}, "second": {"cases": 0, "adults": 2}}


def test_a_card_asked_on_its_own_counts_its_own(staff, django_assert_num_queries):
    family_case()
    seen = {}
    card = _counting_card("alone", lambda user, today: {"adults": Adult.objects.all()}, seen)
    hidden = _counting_card("hidden", lambda user, today: None, seen)

    with django_assert_num_queries(1):
        assert card.figures_for(staff, TODAY) == {"alone_counted": {"adults": 2}}
    assert hidden.figures_for(staff, TODAY) is None


@pytest.mark.parametrize("who", ["manager", "staff"])
def test_each_home_sends_one_query_of_counts(request, who):
    """Every card's counts (cases, reports, safeguarding, privacy, people) in one query."""
    user = request.getfixturevalue(who)
    with CaptureQueriesContext(connection) as queries:
        home_page(user, today=TODAY)

    counting = [q["sql"] for q in queries.captured_queries if "SELECT (SELECT COUNT(*)" in q["sql"]]
    assert len(counting) == 1
