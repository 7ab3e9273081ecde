"""The manager's retention pages: the disposal queue and its decisions, the forecast,
the rules and their changes, the proofs of disposal, and the privacy notice's table."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from referrals.services import case_close
from retention.models import DisposalRecord, QueueItem, Rule
from safeguarding.holds import hold_place
from safeguarding.models import Hold
from tests.referrals.factories import CaseFactory

QUEUE_URL = reverse("retention:queue")
# The second, deliberate step of an approval (tests/retention/test_confirm.py: the first).
CONFIRM = {"confirm": "yes"}
_object_ids = itertools.count(10_000)


def queue_item(rule="contact-court", *, ref=None, due_days_ago=10, **fields):
    """A queue item as the sweep writes it; the record behind it does not matter to the
    pages (nothing is disposed of until the task runs after the commit)."""
    object_id = next(_object_ids)
    return QueueItem.objects.create(
        rule=rule,
        kind="case",
        action="dispose",
        record_type="referrals.case",
        object_id=object_id,
        ref=ref or f"C-2023-{object_id}",
        due_on=timezone.localdate() - datetime.timedelta(days=due_days_ago),
        summary="Case closed on 02/11/2022",
        **fields,
    )


def postponed_item(rule="contact-self", *, days_on=30, reason="Fictional: a court may ask"):
    return queue_item(
        rule,
        status=QueueItem.Status.POSTPONED,
        postponed_until=timezone.localdate() + datetime.timedelta(days=days_on),
        postpone_reason=reason,
        decided_by_name="Alice Mercer",
        decided_at=timezone.now(),
    )


def approved_item(rule="contact-self"):
    return queue_item(
        rule,
        status=QueueItem.Status.APPROVED,
        decided_by_name="Alice Mercer",
        decided_at=timezone.now(),
    )


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_it_shows_the_manager_the_queue_grouped_by_rule_with_counts(manager_client):
    queue_item("contact-self", ref="C-2024-0002")
    postponed_item("contact-self", reason="Fictional: the family court may ask for it")
    approved_item("contact-self")
    queue_item("contact-court", ref="C-2022-0001")
    queue_item("contact-court", ref="C-2022-0003")
    queue_item("hr-file", ref="S-0004")

    response = manager_client.get(QUEUE_URL)

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group["rule"].key for group in groups] == ["hr-file", "contact-court", "contact-self"]
    counts = {group["rule"].key: group["counts"] for group in groups}
    assert counts["contact-court"] == {
        "awaiting": 2,
        "approved": 0,
        "postponed": 0,
        "overdue": 0,
        "rule": "contact-court",
    }
    assert (counts["contact-self"]["awaiting"], counts["contact-self"]["approved"]) == (1, 1)
    assert counts["contact-self"]["postponed"] == 1
    assert response.context["awaiting"] == 4
    page = response.text
    assert "Fictional: the family court may ask for it" in page
    assert "Postponed until" in page
    assert "Nothing is disposed of until you approve it" in page
    assert "Approve all awaiting (4)" in page
    for name in ("retention:forecast", "retention:rule_list", "retention:disposal_list"):
        assert reverse(name) in page


def test_a_postponement_that_has_run_out_is_awaiting_a_decision_again(manager_client):
    item = postponed_item("contact-self", days_on=0)

    response = manager_client.get(QUEUE_URL)

    assert response.context["groups"][0]["counts"]["awaiting"] == 1
    assert reverse("retention:approve_item", args=[item.pk]) in response.text


def test_approving_all_records_the_manager_and_leaves_postponed_items_alone(
    manager_client, manager
):
    awaiting = [queue_item("contact-court"), queue_item("hr-file")]
    postponed = postponed_item()

    response = manager_client.post(reverse("retention:approve_all"), CONFIRM, follow=True)

    assert response.redirect_chain == [(QUEUE_URL, 302)]
    assert "2 records approved for disposal" in response.text
    assert "runs in the background" in response.text
    for item in awaiting:
        item.refresh_from_db()
        assert item.status == QueueItem.Status.APPROVED
        assert item.decided_by == manager
        assert item.decided_by_name == "Alice Mercer"
        assert item.decided_at is not None
    postponed.refresh_from_db()
    assert postponed.status == QueueItem.Status.POSTPONED


def test_approving_a_group_approves_only_that_rule(manager_client, manager):
    court = [queue_item("contact-court"), queue_item("contact-court")]
    other = queue_item("hr-file")
    rule = Rule.objects.get(key="contact-court")

    response = manager_client.post(
        reverse("retention:approve_rule", args=[rule.pk]), CONFIRM, follow=True
    )

    assert "2 records approved for disposal" in response.text
    assert set(
        QueueItem.objects.filter(status=QueueItem.Status.APPROVED).values_list("pk", flat=True)
    ) == {item.pk for item in court}
    assert QueueItem.objects.get(pk=court[0].pk).decided_by == manager
    other.refresh_from_db()
    assert other.status == QueueItem.Status.DUE


def test_approving_one_item_approves_only_it(manager_client, manager):
    chosen, left = queue_item("contact-court"), queue_item("contact-court")

    response = manager_client.post(
        reverse("retention:approve_item", args=[chosen.pk]), CONFIRM, follow=True
    )

    assert "1 record approved for disposal" in response.text
    chosen.refresh_from_db()
    left.refresh_from_db()
    assert (chosen.status, chosen.decided_by, chosen.decided_by_name) == (
        QueueItem.Status.APPROVED,
        manager,
        "Alice Mercer",
    )
    assert left.status == QueueItem.Status.DUE


def test_approving_an_item_twice_approves_nothing_more(manager_client):
    item = approved_item()

    response = manager_client.post(
        reverse("retention:approve_item", args=[item.pk]), CONFIRM, follow=True
    )

    assert "Nothing was awaiting a decision" in response.text


def test_opening_an_approval_only_shows_it_and_other_methods_are_refused(manager_client):
    item = queue_item()

    assert manager_client.get(reverse("retention:approve_all")).status_code == 200
    assert manager_client.get(reverse("retention:approve_item", args=[item.pk])).status_code == 200
    assert manager_client.put(reverse("retention:approve_all")).status_code == 405
    item.refresh_from_db()
    assert item.status == QueueItem.Status.DUE


def test_postponing_puts_the_decision_off_with_the_reason(manager_client, manager):
    item = queue_item()
    until = timezone.localdate() + datetime.timedelta(days=60)

    response = manager_client.post(
        reverse("retention:item_postpone", args=[item.pk]),
        {"reason": "Fictional: the family court may still ask for the file", "until": until},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == QueueItem.Status.POSTPONED
    assert item.postponed_until == until
    assert item.postpone_reason == "Fictional: the family court may still ask for the file"
    assert item.decided_by == manager


@pytest.mark.parametrize(
    ("reason", "days_on", "message"),
    [
        ("  ", 60, "Give the reason for postponing."),
        ("Fictional: a court may ask", -1, "The date to look again must be after today."),
        ("Fictional: a court may ask", 0, "The date to look again must be after today."),
    ],
)
def test_postponing_without_a_reason_or_a_later_date_changes_nothing(
    manager_client, reason, days_on, message
):
    item = queue_item()
    until = timezone.localdate() + datetime.timedelta(days=days_on)

    response = manager_client.post(
        reverse("retention:item_postpone", args=[item.pk]), {"reason": reason, "until": until}
    )

    assert response.status_code == 200
    assert message in response.text
    item.refresh_from_db()
    assert item.status == QueueItem.Status.DUE
    assert (item.postponed_until, item.postpone_reason, item.decided_by) == (None, "", None)


@pytest.mark.parametrize("role", ["staff", "volunteer"])
def test_staff_and_volunteers_may_neither_see_nor_decide(request, client, role):
    client.force_login(request.getfixturevalue(role))
    item = queue_item()

    assert client.get(QUEUE_URL).status_code == 403
    assert client.post(reverse("retention:approve_all"), CONFIRM).status_code == 403
    item_url = reverse("retention:approve_item", args=[item.pk])
    assert client.post(item_url, CONFIRM).status_code == 403
    item.refresh_from_db()
    assert item.status == QueueItem.Status.DUE
    assert "Retention" not in client.get(reverse("home")).text


def test_the_queue_costs_the_same_queries_however_long_it_grows(manager_client, queries_stay_flat):
    queue_item("contact-court")
    postponed_item("contact-self")

    def add_more():
        for rule in ("contact-court", "contact-self", "hr-file", "finance", "dbs-certificate"):
            for _ in range(5):
                queue_item(rule)
            postponed_item(rule)
            approved_item(rule)

    response = queries_stay_flat(QUEUE_URL, add_more=add_more)
    assert response.context["awaiting"] == 26


def test_a_group_shows_its_first_items_and_says_how_many_there_are(manager_client, monkeypatch):
    monkeypatch.setattr("retention.views.ITEMS_SHOWN", 2)
    for _ in range(3):
        queue_item("contact-court")

    response = manager_client.get(QUEUE_URL)

    assert len(response.context["groups"][0]["items"]) == 2
    assert "the first 2 of 3 records" in response.text


def test_the_manager_home_counts_the_records_awaiting_a_decision(manager_client):
    queue_item()
    queue_item()
    postponed_item()

    response = manager_client.get(reverse("home"))

    assert re.search(r">2</p>\s*<p[^>]*>records awaiting your decision", response.text)
    # The card leads to the queue; the navigation's Privacy section holds it too.
    assert f'href="{QUEUE_URL}">Disposal queue</a>' in response.text
    assert ">Privacy</a>" in response.text


def test_the_notice_shows_a_period_the_manager_changed(manager_client, client, manager):
    rule = Rule.objects.get(key="contact-self")
    row = "after <strong>1 year</strong>, unless"
    assert row in client.get(reverse("privacy_notice")).text

    response = manager_client.post(
        reverse("retention:rule_change", args=[rule.pk]),
        {
            "period_months": 24,
            "keeping": rule.keeping,
            "change_reason": "Fictional: the trustees agreed a longer period",
        },
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.period_months == 24
    client.logout()
    notice = client.get(reverse("privacy_notice")).text
    assert "after <strong>2 years</strong>, unless" in notice
    assert row not in notice
    change = rule.history.first()
    assert change.history_change_reason == "Fictional: the trustees agreed a longer period"
    assert change.history_user == manager
    client.force_login(manager)
    rules_page = client.get(reverse("retention:rule_list")).text
    assert "Fictional: the trustees agreed a longer period" in rules_page
    assert "Alice Mercer" in rules_page


def test_the_notice_shows_every_rule_with_what_starts_its_period(client, db):
    from django.utils.html import escape

    from retention.schedule import TRIGGERS, RuleKey

    notice = client.get(reverse("privacy_notice")).text

    for rule in Rule.objects.all():
        row = re.search(
            rf"<tr><td>{re.escape(escape(rule.records))}</td><td>.*?</td><td>(.*?)</td></tr>",
            notice,
        )
        assert row, f"the notice has no row for {rule.key}"
        assert row.group(1) == escape(TRIGGERS[rule.key][0].upper() + TRIGGERS[rule.key][1:])
    assert Rule.objects.count() == len(RuleKey)


def test_a_rule_change_without_a_reason_is_refused(manager_client):
    rule = Rule.objects.get(key="contact-self")

    response = manager_client.post(
        reverse("retention:rule_change", args=[rule.pk]),
        {"period_months": 24, "keeping": rule.keeping, "change_reason": "  "},
    )

    assert response.status_code == 200
    assert "Give the reason for the change." in response.text
    rule.refresh_from_db()
    assert rule.period_months == 12
    assert rule.history.count() == 1


def test_a_rule_change_must_keep_the_period_in_the_wording(manager_client):
    rule = Rule.objects.get(key="contact-self")

    response = manager_client.post(
        reverse("retention:rule_change", args=[rule.pk]),
        {"period_months": 24, "keeping": "For a while", "change_reason": "Fictional: tidier"},
    )

    assert response.status_code == 200
    rule.refresh_from_db()
    assert (rule.period_months, rule.history.count()) == (12, 1)


@pytest.mark.parametrize(("key", "shown"), [("parental-leave", True), ("hr-file", False)])
def test_only_parental_leave_offers_the_longer_period(manager_client, key, shown):
    rule = Rule.objects.get(key=key)

    response = manager_client.get(reverse("retention:rule_change", args=[rule.pk]))

    assert ("extended_period_months" in response.context["form"].fields) is shown


def test_the_forecast_counts_a_case_closed_300_days_ago(manager_client, staff):
    closed_on = timezone.localdate() - datetime.timedelta(days=300)
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=closed_on - datetime.timedelta(days=60),
    )
    assert case.retention_rule == "contact-self"
    case_close(case=case, closed_on=closed_on, reason="Fictional: the family moved", actor=staff)

    response = manager_client.get(reverse("retention:forecast"))

    # Twelve months after closure is about 65 days away: within 90 and 365 days, not 30.
    rows = {rule.key: counts for rule, counts in response.context["rows"]}
    assert rows["contact-self"] == [0, 1, 1]
    assert rows["contact-court"] == [0, 0, 0]
    assert "Within 90 days" in response.text


def test_the_forecast_lists_what_is_due_but_held_back_by_reference_and_hold(
    manager_client, manager, staff
):
    closed_on = timezone.localdate() - datetime.timedelta(days=400)
    case = CaseFactory(
        referral__source=Referral.Source.SELF,
        referral__service=Referral.Service.SUPPORTED,
        referral__received_on=closed_on - datetime.timedelta(days=60),
    )
    case_close(case=case, closed_on=closed_on, reason="Fictional: the family moved", actor=staff)
    hold_place(
        hold=Hold(
            case=case,
            legal_basis=Hold.LegalBasis.CLAIM,
            reason="Fictional: a claim is expected.",
            review_on=timezone.localdate() + datetime.timedelta(days=30),
        ),
        actor=manager,
    )

    response = manager_client.get(reverse("retention:forecast"))

    [entry] = response.context["held"]
    assert entry["ref"] == case.reference
    assert entry["holds"] == "legal hold"
    assert "Due now but held back" in response.text


def test_the_proofs_are_newest_first_fifty_a_page(manager_client):
    start = timezone.now() - datetime.timedelta(days=100)
    for day in range(51):
        DisposalRecord.objects.create(
            rule="contact-court",
            kind="case",
            action="dispose",
            record_type="referrals.case",
            object_id=day + 1,
            ref=f"C-2020-{day:04}",
            due_on=datetime.date(2026, 1, 5),
            approved_by_name="Alice Mercer",
            approved_at=start,
            executed_at=start + datetime.timedelta(days=day),
        )

    first = manager_client.get(reverse("retention:disposal_list"))
    second = manager_client.get(reverse("retention:disposal_list"), {"page": 2})

    assert [proof.ref for proof in first.context["page"]][:2] == ["C-2020-0050", "C-2020-0049"]
    assert len(first.context["page"]) == 50
    assert [proof.ref for proof in second.context["page"]] == ["C-2020-0000"]
    assert "Page 1 of 2" in first.text
