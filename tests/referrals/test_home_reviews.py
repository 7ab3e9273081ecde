"""The staff and manager home pages lead to the cases and list the six-monthly reviews
that are due, at a cost that does not grow with the number of cases."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from referrals.models import Case
from tests.referrals.factories import CaseFactory, family_case


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0), tick=False):
        yield


def active(case, next_review_on):
    Case.objects.filter(pk=case.pk).update(status="active", next_review_on=next_review_on)
    return case


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_the_home_page_lists_active_cases_whose_review_is_due_soonest_first(
    client, request, db, role
):
    overdue = active(family_case(), datetime.date(2026, 10, 1))
    due_today = active(family_case(), datetime.date(2026, 11, 29))
    not_yet = active(family_case(), datetime.date(2026, 11, 30))
    closed = CaseFactory()
    Case.objects.filter(pk=closed.pk).update(status="closed", next_review_on="2026-10-01")
    client.force_login(request.getfixturevalue(role))

    html = client.get("/").text

    assert "Six-monthly reviews due" in html
    assert reverse("referrals:case_list") in html
    assert html.index(overdue.reference) < html.index(due_today.reference)
    assert not_yet.reference not in html
    assert closed.reference not in html
    assert "Overdue" in html and "Due today" in html


def test_the_home_page_says_when_no_review_is_due(client, staff):
    client.force_login(staff)

    assert "No six-monthly reviews are due." in client.get("/").text


def test_the_volunteers_home_page_shows_nothing_of_cases(client, volunteer):
    active(family_case(), datetime.date(2026, 10, 1))
    client.force_login(volunteer)

    html = client.get("/").text

    assert "Six-monthly reviews due" not in html
    assert "HC-2026" not in html
    assert "/cases/" not in html


def test_the_home_page_costs_the_same_queries_however_many_reviews_are_due(
    client, staff, queries_stay_flat
):
    for _ in range(3):
        active(family_case(), datetime.date(2026, 11, 1))
    client.force_login(staff)

    def add_more():
        for _ in range(15):
            active(family_case(), datetime.date(2026, 11, 1))

    # The staff home: today's sessions, the cases' tasks (reviews among them), the reports.
    response = queries_stay_flat("/", add_more=add_more, most=17)

    assert "See every case with a review due" in response.text
