"""Safeguarding incidents: only the designated safeguarding lead and the manager may open
them; every opening is logged; bad input gets a clear message and saves nothing; an
incident holds its case."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from centre.roles import Role
from core.models import AuditEvent
from safeguarding import incident_views
from safeguarding.incident_services import (
    incident_action_add,
    incident_close,
    incident_decide,
    incident_open,
    incident_triage,
)
from safeguarding.models import Concern, Hold, Incident, IncidentAction
from safeguarding.services import concern_raise
from tests.conftest import _person
from tests.referrals.factories import family_case
from tests.test_pages import PageAudit

LIST = reverse("safeguarding:incident_list")
NEW = reverse("safeguarding:incident_create")
INCIDENT_PAGES = ["incident_detail", "incident_triage", "incident_action_add", "incident_close"]


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _today():
    return timezone.localdate()


@pytest.fixture
def lead(db):
    return _person("dee.lead@example.test", "Dee Lomax", Role.STAFF, is_safeguarding_lead=True)


@pytest.fixture
def case(db):
    return family_case(last_name="Brackenridge")


@pytest.fixture
def concern(case, staff):
    return concern_raise(
        concern=Concern(
            case=case,
            occurred_at=timezone.now() - datetime.timedelta(days=2),
            what_happened="Fictional: the child said a grown-up shouted.",
            action_taken="Told the duty manager.",
        ),
        children=case.children.all(),
        actor=staff,
    )


def _open(case, actor, **fields):
    values = {"occurred_on": _today() - datetime.timedelta(days=3), "summary": "Fictional."}
    values.update(fields)
    return incident_open(
        incident=Incident(case=case, **values), children=case.children.all(), actor=actor
    )


@pytest.fixture
def incident(case, lead):
    return _open(case, lead)


def _url(name, incident, concern, case):
    args = {
        "incident_list": [],
        "incident_create": [],
        "incident_open_from_concern": [concern.pk],
        "case_chronology": [case.pk],
        "child_chronology": [case.children.get().pk],
        "access_log_record": ["incident", incident.pk],
        "access_log_user": [incident.opened_by_id],
    }.get(name, [incident.pk])
    return reverse(f"safeguarding:{name}", args=args)


ROUTE_NAMES = [pattern.name for pattern in incident_views.urlpatterns]


def _openings():
    """The access log: the audit trail's reads of safeguarding records, newest first."""
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.READ, kind__startswith="safeguarding "
    ).order_by("-at", "-pk")


ACCESS_LOG_PAGES = {"access_log_record", "access_log_user"}


# Who may open what.


@pytest.mark.parametrize("who", ["staff", "volunteer"])
def test_staff_who_are_not_the_lead_and_volunteers_get_403_on_every_incident_page(
    client, request, who, incident, concern, case
):
    client.force_login(request.getfixturevalue(who))
    for name in ROUTE_NAMES:
        url = _url(name, incident, concern, case)
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"outcome": "x", "summary": "x"}).status_code in (403, 405), name
    assert _openings().count() == 0
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, incident, concern, case):
    for name in ROUTE_NAMES:
        response = client.get(_url(name, incident, concern, case))
        assert response.status_code == 302 and "/login" in response["Location"], name


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_the_lead_and_the_manager_open_every_incident_page(
    client, request, who, incident, concern, case
):
    client.force_login(request.getfixturevalue(who))
    problems = []
    for name in ROUTE_NAMES:
        response = client.get(_url(name, incident, concern, case))
        expected = 403 if name in ACCESS_LOG_PAGES and who == "lead" else 200
        assert response.status_code == expected, name
        if expected == 200:
            audit = PageAudit()
            audit.feed(response.text)
            problems += [f"{name}: {problem}" for problem in audit.finish()]
    assert not problems, "\n".join(problems)


def test_the_incident_pages_refuse_other_methods(client, lead, incident):
    client.force_login(lead)
    for name in ("incident_list", "incident_detail"):
        url = reverse(f"safeguarding:{name}", args=[] if name == "incident_list" else [incident.pk])
        assert client.post(url).status_code == 405


def test_an_unknown_incident_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("safeguarding:incident_detail", args=[999])).status_code == 404


# The access log.


@pytest.mark.parametrize("who", ["lead", "manager"])
def test_every_view_of_an_incident_is_logged(client, request, who, incident):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for number, name in enumerate(INCIDENT_PAGES, start=1):
        client.get(reverse(f"safeguarding:{name}", args=[incident.pk]))
        assert _openings().count() == number, name
        row = _openings().first()
        assert (row.user, row.user_id, row.kind, row.object_id) == (
            user,
            user.pk,
            "safeguarding incident",
            incident.pk,
        )


def test_the_manager_sees_the_openings_per_record_and_per_user(client, lead, manager, incident):
    client.force_login(lead)
    client.get(reverse("safeguarding:incident_detail", args=[incident.pk]))
    client.force_login(manager)
    by_record = client.get(
        reverse("safeguarding:access_log_record", args=["incident", incident.pk])
    )
    by_user = client.get(reverse("safeguarding:access_log_user", args=[lead.pk]))
    for response in (by_record, by_user):
        assert response.status_code == 200
        assert "Dee Lomax" in _text(response)
        # Who, when, kind and id only: nothing of the incident itself.
        assert "Fictional" not in response.text and "Brackenridge" not in response.text


def test_the_lead_cannot_see_the_access_log(client, lead, incident):
    client.force_login(lead)
    assert (
        client.get(
            reverse("safeguarding:access_log_record", args=["incident", incident.pk])
        ).status_code
        == 403
    )
    assert client.get(reverse("safeguarding:access_log_user", args=[lead.pk])).status_code == 403


# Opening an incident.


def test_the_lead_opens_an_incident_from_a_concern(client, lead, concern, case):
    client.force_login(lead)
    child = case.children.get()
    response = client.post(
        reverse("safeguarding:incident_open_from_concern", args=[concern.pk]),
        {
            "occurred_on": (_today() - datetime.timedelta(days=2)).isoformat(),
            "summary": "Fictional: what the lead understands happened.",
            "action_taken": "",
            "children": [child.pk],
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:incident_detail", args=[incident.pk])
    assert (incident.case, incident.concern, incident.opened_by) == (case, concern, lead)
    assert incident.case_reference == case.display_reference
    copy = incident.children.get()
    assert (copy.child, copy.name, copy.date_of_birth) == (
        child,
        child.full_name,
        child.date_of_birth,
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.SEEN


def test_the_manager_opens_an_incident_directly_for_a_case(client, manager, case):
    client.force_login(manager)
    child = case.children.get()
    response = client.post(
        NEW,
        {
            "case": f"case:{case.pk}",
            "occurred_on": _today().isoformat(),
            "summary": "Fictional: a parent arrived angry.",
            "children": [child.pk],
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.case == case and incident.concern is None
    assert [c.name for c in incident.children.all()] == [child.full_name]


def test_a_child_of_another_family_is_refused(client, manager, case):
    client.force_login(manager)
    stranger = family_case().children.get()
    response = client.post(
        NEW,
        {
            "case": f"case:{case.pk}",
            "occurred_on": _today().isoformat(),
            "summary": "Fictional.",
            "children": [stranger.pk],
        },
    )
    assert response.status_code == 200
    assert "Choose only children of the family" in _text(response)
    assert not Incident.objects.exists()


def test_opening_an_incident_holds_its_case(lead, case):
    incident = _open(case, lead)
    hold = Hold.objects.standing().get(case=case)
    assert (hold.kind, hold.incident) == (Hold.Kind.SAFEGUARDING, incident)


def test_an_incident_dated_in_the_future_is_refused_and_nothing_saved(client, lead, case):
    client.force_login(lead)
    response = client.post(
        NEW,
        {
            "case": f"case:{case.pk}",
            "occurred_on": (_today() + datetime.timedelta(days=1)).isoformat(),
            "summary": "Fictional.",
        },
    )
    assert response.status_code == 200
    assert "An incident cannot be dated in the future." in _text(response)
    assert "Nothing has been saved" in _text(response)
    assert not Incident.objects.exists()
    assert not Hold.objects.exists()


# Triage and decision.


def test_the_lead_triages_and_decides_with_reasons(client, lead, incident):
    client.force_login(lead)
    response = client.post(
        reverse("safeguarding:incident_triage", args=[incident.pk]),
        {
            "type": "domestic_abuse",
            "severity": "high",
            "decision": "No referral to children's services.",
            "decision_reasons": "Fictional: the risk is managed by the existing order.",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.type, incident.severity) == ("domestic_abuse", "high")
    assert incident.decision_reasons.startswith("Fictional")


def test_a_decision_not_to_act_needs_its_reasons(client, lead, incident):
    client.force_login(lead)
    response = client.post(
        reverse("safeguarding:incident_triage", args=[incident.pk]),
        {"type": "other", "severity": "low", "decision": "No further action."},
    )
    assert response.status_code == 200
    assert "Give the reasons for the decision" in _text(response)
    incident.refresh_from_db()
    # The triage on the same form is not saved either.
    assert (incident.type, incident.decision) == ("", "")
    with pytest.raises(ValidationError):
        incident_decide(incident=incident, decision="No further action.", reasons=" ", actor=lead)


def test_triage_needs_type_and_severity(lead, incident):
    with pytest.raises(ValidationError) as error:
        incident_triage(incident=incident, type="", severity="", actor=lead)
    assert set(error.value.message_dict) == {"type", "severity"}


# Actions.


def test_the_lead_adds_an_action(client, lead, incident):
    client.force_login(lead)
    response = client.post(
        reverse("safeguarding:incident_action_add", args=[incident.pk]),
        {"kind": "police", "taken_on": _today().isoformat(), "notes": "Fictional log number."},
    )
    assert response.status_code == 302
    action = incident.actions.get()
    assert (action.kind, action.recorded_by) == ("police", lead)
    assert "Police informed" in _text(
        client.get(reverse("safeguarding:incident_detail", args=[incident.pk]))
    )


def test_an_action_in_the_future_is_refused(client, lead, incident):
    client.force_login(lead)
    response = client.post(
        reverse("safeguarding:incident_action_add", args=[incident.pk]),
        {"kind": "police", "taken_on": (_today() + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "An action cannot be dated in the future." in _text(response)
    assert not IncidentAction.objects.exists()


# Closing.


def _close(client, incident, **data):
    return client.post(reverse("safeguarding:incident_close", args=[incident.pk]), data)


def test_the_lead_closes_an_incident_with_its_outcome(client, lead, incident):
    client.force_login(lead)
    response = _close(
        client, incident, outcome="Fictional: contact resumed.", closed_on=_today().isoformat()
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.closed_on, incident.closed_by) == ("closed", _today(), lead)
    # A closed incident can no longer be changed.
    with pytest.raises(ValidationError, match="closed"):
        incident_action_add(
            action=IncidentAction(incident=incident, kind="other", taken_on=_today()), actor=lead
        )


def test_a_closure_without_an_outcome_is_refused_and_nothing_saved(client, lead, incident):
    client.force_login(lead)
    response = _close(client, incident, outcome="  ", closed_on=_today().isoformat())
    assert response.status_code == 200
    assert "Record the outcome before closing the incident." in _text(response)
    incident.refresh_from_db()
    assert (incident.status, incident.closed_on) == (Incident.Status.OPEN, None)
    assert incident.history.count() == 1


@pytest.mark.parametrize(
    ("closed_on", "message"),
    [
        (1, "An incident cannot be closed on a date in the future."),
        (-10, "An incident cannot close before it happened."),
    ],
)
def test_a_closure_on_an_impossible_date_is_refused(lead, incident, closed_on, message):
    with pytest.raises(ValidationError, match=message):
        incident_close(
            incident=incident,
            outcome="Fictional.",
            closed_on=_today() + datetime.timedelta(days=closed_on),
            actor=lead,
        )
    assert incident.status == Incident.Status.OPEN
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


# The list.


def test_the_list_shows_open_incidents_first_and_filters(client, lead, case, incident):
    closed = _open(case, lead, occurred_on=_today())
    incident_close(incident=closed, outcome="Fictional.", closed_on=_today(), actor=lead)
    client.force_login(lead)
    found = re.findall(r"SI-\d{4}", _text(client.get(LIST)))
    assert found == [incident.reference, closed.reference]
    assert re.findall(r"SI-\d{4}", _text(client.get(LIST + "?show=closed"))) == [closed.reference]
    assert re.findall(r"SI-\d{4}", _text(client.get(LIST + "?show=open"))) == [incident.reference]


def test_the_list_costs_the_same_however_many_incidents(client, lead, incident, queries_stay_flat):
    client.force_login(lead)

    def add_more():
        for _ in range(4):
            _open(family_case(), lead)

    response = queries_stay_flat(LIST, add_more=add_more)
    assert len(re.findall(r'href="/safeguarding/incidents/\d+/"', response.text)) == 5


def test_the_form_lists_no_family_and_no_child_until_the_case_is_found(client, manager, case):
    other = family_case(last_name="Bramblewood")
    child = case.children.get()
    client.force_login(manager)

    page = client.get(NEW).text
    assert 'name="case_q"' in page
    for family in (case, other):
        assert family.reference not in page
        assert family.children.get().full_name not in page

    found = client.post(NEW, {"case_q": child.last_name, "_find": "case"})
    assert f'value="case:{case.pk}"' in found.text
    assert f'value="case:{other.pk}"' not in found.text
    assert not Incident.objects.exists()

    # The case chosen, its children (and no one else's) come up to tick.
    chosen = client.post(NEW, {"case": f"case:{case.pk}", "summary": ""})
    assert chosen.status_code == 200
    assert f'value="{child.pk}"' in chosen.text
    assert other.children.get().full_name not in chosen.text
    assert not Incident.objects.exists()


def test_opened_from_a_cases_page_the_case_is_already_chosen(client, manager, case):
    client.force_login(manager)

    page = client.get(NEW, {"case": case.pk}).text

    assert re.search(rf'value="case:{case.pk}"[^>]*checked', page)
    assert f'value="{case.children.get().pk}"' in page
