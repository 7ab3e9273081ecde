"""The case page: everything about one family in a few tabs with their own addresses
under one header (names, status, holds and restrictions, the next step), read by staff
and the manager only, logged by ids, each tab loaded in the same number of queries however
much the case holds."""

import datetime
import logging
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from referrals.models import Case
from referrals.services import case_accept, case_start_pre_visits, referral_update
from tests.referrals.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    CommunicationFactory,
    ConsentFactory,
    PreVisitFactory,
    referral_form_data,
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


TABS = [
    "referrals:case_detail",
    "referrals:case_people",
    "referrals:case_pre_visits",
    "referrals:case_sessions",
    "referrals:case_records",
    "referrals:case_history",
]


def page_of(case, tab="referrals:case_detail"):
    return reverse(tab, args=[case.pk])


def section(html, anchor):
    """The text of one section of the case page, from its heading to the next."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else None]


def test_volunteers_and_people_without_a_role_cannot_open_the_cases_or_a_case(
    client, volunteer, outsider
):
    case = CaseFactory()
    for person in (volunteer, outsider):
        client.force_login(person)
        assert client.get(reverse("referrals:case_list")).status_code == 403
        assert client.get(page_of(case)).status_code == 403
        assert client.post(reverse("referrals:case_list"), {"term": "x"}).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, db):
    case = CaseFactory()

    response = client.get(page_of(case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_case_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(reverse("referrals:case_detail", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["staff", "manager", "volunteer"])
def test_the_navigation_shows_cases_to_staff_and_the_manager_only(client, request, role):
    client.force_login(request.getfixturevalue(role))

    navigation = client.get("/").context["navigation"]

    labels = [item["label"] for item in navigation]
    assert ("Cases" in labels) == (role != "volunteer")


@pytest.mark.parametrize(
    ("tab", "headings"),
    [
        ("referrals:case_detail", ["Summary"]),
        ("referrals:case_people", ["Adults", "Children", "Protective orders"]),
        ("referrals:case_pre_visits", ["Pre-visits"]),
        ("referrals:case_sessions", ["Sessions and attendance"]),
        (
            "referrals:case_records",
            ["Referral", "Consents", "Communications", "Documents", "Disclosures"],
        ),
        ("referrals:case_history", ["Status history", "Change history"]),
    ],
)
def test_each_tab_has_its_own_address_and_sections_under_the_same_header(
    client, staff, world, tab, headings
):
    client.force_login(staff)

    html = client.get(page_of(world.case, tab)).text

    for heading in headings:
        assert re.search(rf"<h2[^>]*>{heading}</h2>", html), heading
    header = html[html.index("<h1") : html.index('aria-label="Parts of this case"')]
    assert world.case.reference in header
    assert world.resident.full_name in header and world.visiting.full_name in header
    assert "Holds" in header
    current = re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', html)
    assert current == [page_of(world.case, tab)]


def test_the_tabs_show_the_whole_family(client, staff, world):
    client.force_login(staff)

    def page(tab):
        return client.get(page_of(world.case, tab)).text

    summary = section(page("referrals:case_detail"), "summary")
    assert world.case.reference in summary
    assert "Three years after closure" in summary
    assert "there is a court order" in summary
    records = page("referrals:case_records")
    referral = section(records, "referral")
    assert "Child arrangements order" in referral
    assert "<li>Domestic abuse</li>" in referral
    assert reverse("referrals:court_order_download", args=[world.case.pk]) in referral
    people = page("referrals:case_people")
    assert "Non-molestation order" in section(people, "protective-orders")
    adults = section(people, "adults")
    assert world.resident.full_name in adults and world.visiting.full_name in adults
    assert world.child.full_name in section(people, "children")
    pre_visits = section(page("referrals:case_pre_visits"), "pre-visits")
    assert "Checklist complete" in pre_visits
    assert "Fictional nut allergy" in pre_visits
    assert reverse("referrals:pre_visit_photograph", args=[world.pre_visit.pk]) in pre_visits
    assert escape(world.consent.scope) in section(records, "consents")
    assert world.communication.summary in section(records, "communications")
    documents = section(records, "documents")
    assert reverse("referrals:document_download", args=[world.document.pk]) in documents
    history = page("referrals:case_history")
    assert "Referral received" in section(history, "status-history")
    assert "Created" in section(history, "change-history")


def test_the_header_marks_a_confidential_adult(client, staff):
    case = CaseFactory()
    AdultFactory(case=case, role="resident", contact_details_confidential=True)
    AdultFactory(case=case, role="visiting", contact_details_confidential=False)
    client.force_login(staff)

    html = client.get(page_of(case, "referrals:case_sessions")).text

    header = html[html.index("<h1") : html.index('aria-label="Parts of this case"')]
    assert header.count("Confidential<span") == 1


def test_each_tab_is_logged_by_ids_only(client, staff, world, caplog):
    client.force_login(staff)

    for tab in TABS:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="handover.audit"):
            client.get(page_of(world.case, tab))
        assert f"case-view case={world.case.pk} user={staff.pk}" in caplog.text, tab
        assert world.resident.last_name not in caplog.text


def test_it_says_plainly_when_an_adults_contact_details_are_confidential(client, staff):
    case = CaseFactory()
    AdultFactory(case=case, role="resident", contact_details_confidential=True)
    AdultFactory(case=case, role="visiting", contact_details_confidential=False)
    client.force_login(staff)

    adults = section(client.get(page_of(case, "referrals:case_people")).text, "adults")

    assert adults.count("Confidential</span>") == 1
    assert adults.count("never shown on anything the other party may receive") == 1


def test_it_shows_dates_day_first(client, staff):
    case = CaseFactory(referral__received_on=datetime.date(2026, 3, 4))
    client.force_login(staff)

    page = client.get(page_of(case, "referrals:case_records")).text

    assert "04/03/2026" in section(page, "referral")


# What the single case page cost before it was split into tabs: no tab may cost more.
SINGLE_PAGE_QUERIES = 26


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_costs_the_same_queries_however_many_records_the_case_holds(
    client, staff, queries_stay_flat, tab
):
    case = CaseFactory()
    resident = AdultFactory(case=case, role="resident")
    visiting = AdultFactory(case=case, role="visiting")
    child = ChildFactory(case=case)
    consent = ConsentFactory(case=case, given_by=resident)
    PreVisitFactory(
        case=case, adult=resident, children=[child], medical_needs="x", medical_consent=consent
    )
    CommunicationFactory(case=case)
    case_accept(case=case, actor=staff)
    case_start_pre_visits(case=case, actor=staff)  # the page lists what blocks activation
    client.force_login(staff)

    def add_more():
        for _ in range(5):
            adult = AdultFactory(case=case, role="other")
            more_children = [ChildFactory(case=case), ChildFactory(case=case)]
            PreVisitFactory(case=case, adult=adult, children=more_children)
            PreVisitFactory(
                case=case, adult=visiting, ground_rules_agreed_on=None, arrangements_agreed=False
            )
            CommunicationFactory(case=case)
            given = ConsentFactory(case=case, given_by=adult)
            PreVisitFactory(
                case=case, adult=adult, medical_needs="Fictional", medical_consent=given
            )
        referral = Case.objects.get(pk=case.pk).referral
        referral.service = "supervised"
        referral_update(referral=referral, actor=staff)

    # The header's restriction banner and holds cost one query each, whatever the case holds.
    response = queries_stay_flat(page_of(case, tab), add_more=add_more, most=SINGLE_PAGE_QUERIES)

    assert response.status_code == 200
    if tab == "referrals:case_pre_visits":
        assert section(response.text, "pre-visits").count("Pre-visit on") == 16
    if tab == "referrals:case_detail":
        assert "Before this case can become active:" in response.text


def test_the_change_history_says_who_changed_which_fields_of_the_referral(client, staff):
    case = CaseFactory()
    client.force_login(staff)
    client.post(
        reverse("referrals:referral_edit", args=[case.pk]),
        referral_form_data(referrer_name="", frequency_requested="", days_requested="")
        | {"service": "supervised", "risk_notes": "Fictional note"},
    )

    history = client.get(page_of(case, "referrals:case_history")).context["history"]
    latest_referral = next(entry for entry in history if entry.record == "Referral")
    assert latest_referral.user == staff
    assert latest_referral.changed == ["Notes on the risks disclosed", "Service asked for"]
    latest_case = next(entry for entry in history if entry.record == "Case")
    assert latest_case.changed == ["Retention reason", "Retention rule"]


@pytest.mark.parametrize(
    ("next_review_on", "warning"),
    [
        (datetime.date(2026, 11, 28), "The six-monthly review is overdue"),
        (datetime.date(2026, 11, 29), "The six-monthly review is due today"),
        (datetime.date(2026, 11, 30), None),
    ],
    ids=["overdue", "due-today", "not-yet"],
)
def test_it_warns_when_the_six_monthly_review_is_due_or_overdue(
    client, staff, next_review_on, warning
):
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(status="active", next_review_on=next_review_on)
    client.force_login(staff)

    summary = section(client.get(page_of(case)).text, "summary")

    assert next_review_on.strftime("%d/%m/%Y") in summary
    if warning:
        assert warning in summary
    else:
        assert "The six-monthly review is" not in summary


def test_the_parents_come_first_then_any_other_adult(client, staff):
    case = CaseFactory()
    AdultFactory(case=case, role="other", first_name="Aunt", last_name="Ashdown")
    AdultFactory(case=case, role="visiting", first_name="Idris", last_name="Ashdown")
    AdultFactory(case=case, role="resident", first_name="Wren", last_name="Tollworthy")
    client.force_login(staff)

    adults = section(client.get(page_of(case, "referrals:case_people")).text, "adults")

    assert adults.index("Wren Tollworthy") < adults.index("Idris Ashdown") < adults.index("Aunt")
