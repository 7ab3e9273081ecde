"""Approving disposal is confirmed with what it destroys: the first click (one record, a
group or all) shows each record, a link to look at it, the rows and files that would go
and what is kept, and approves nothing; only the second, deliberate post approves."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Case
from retention.erasure import erasure_queue
from retention.models import QueueItem, Rule
from retention.services import retention_sweep
from tests.referrals.factories import CaseDocumentFactory
from tests.retention.factories import closed_case

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "yes"}
CLOSED_ON = datetime.date(2020, 1, 6)  # the court rule's six years ran out in 2026


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def due_case(**fields):
    case = closed_case(CLOSED_ON, **fields)
    CaseDocumentFactory(case=case)
    return case


def sweep():
    retention_sweep(as_of=timezone.localdate())


def item_of(case):
    return QueueItem.objects.get(record_type="referrals.case", object_id=case.pk)


def approve_urls(item):
    rule = Rule.objects.get(key=item.rule)
    return [
        reverse("retention:approve_all"),
        reverse("retention:approve_rule", args=[rule.pk]),
        reverse("retention:approve_item", args=[item.pk]),
    ]


def test_the_first_click_approves_nothing_and_destroys_nothing(
    manager_client, django_capture_on_commit_callbacks
):
    """The queue's old approve post, without the confirm field, only shows the page."""
    case = due_case()
    sweep()
    item = item_of(case)

    for url in approve_urls(item):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = manager_client.post(url)
        assert response.status_code == 200
        assert "Nothing has been approved yet" in response.text
        assert callbacks == []

    item.refresh_from_db()
    assert (item.status, item.decided_by_name) == (QueueItem.Status.DUE, "")
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_queue_offers_the_confirmation_pages_not_a_button_that_approves(manager_client):
    case = due_case()
    sweep()
    item = item_of(case)

    page = manager_client.get(reverse("retention:queue")).text

    for url in approve_urls(item):
        assert f'href="{url}"' in page
        assert f'action="{url}"' not in page


def test_the_confirmation_lists_each_record_what_goes_and_what_is_kept(manager_client):
    cases = [due_case(), due_case()]
    sweep()

    response = manager_client.get(reverse("retention:approve_all"))

    page = response.text
    assert "Approve all awaiting (2)" in page
    assert "Approve the disposal of 2 records" in page
    for case in cases:
        item = item_of(case)
        link = reverse("referrals:case_detail", args=[case.pk])
        assert f'<a href="{link}">{item.ref}</a>' in page
        assert item.summary in page
        assert item.due_on.strftime("%d/%m/%Y") in page
    assert "Contact with a court order or Cafcass involvement" in page
    rows = dict(response.context["preview"].rows)
    assert rows["Cases"] == 2
    assert rows["Adults"] == 4
    assert rows["Children"] == 2
    files = dict(response.context["preview"].files)
    assert sum(files.values()) == 2
    assert "2 files" in page
    assert "A proof of disposal for each record" in page
    assert 'name="confirm" value="yes"' in page


def test_a_group_and_one_record_are_confirmed_with_their_own_records_only(manager_client):
    chosen, other = due_case(), due_case()
    sweep()
    item = item_of(chosen)

    page = manager_client.get(reverse("retention:approve_item", args=[item.pk])).text

    assert item.ref in page
    assert item_of(other).ref not in page
    assert "Approve the disposal of 1 record<" in page

    rule = Rule.objects.get(key=item.rule)
    page = manager_client.get(reverse("retention:approve_rule", args=[rule.pk])).text
    assert "Approve this group (2)" in page


def test_the_second_post_approves_with_the_managers_name(manager_client):
    case = due_case()
    sweep()
    item = item_of(case)

    response = manager_client.post(
        reverse("retention:approve_item", args=[item.pk]), CONFIRM, follow=True
    )

    assert response.redirect_chain == [(reverse("retention:queue"), 302)]
    assert "1 record approved for disposal" in response.text
    item.refresh_from_db()
    assert (item.status, item.decided_by_name) == (QueueItem.Status.APPROVED, "Alice Mercer")


def test_approving_all_approves_only_what_the_page_showed(manager_client):
    """A record the sweep queues after the page was shown is not approved with the rest."""
    shown_case = due_case()
    sweep()
    shown = item_of(shown_case)
    page = manager_client.get(reverse("retention:approve_all")).text
    assert f'name="shown" value="{shown.pk}"' in page

    later = item_of(_queued_later())
    manager_client.post(reverse("retention:approve_all"), {**CONFIRM, "shown": [shown.pk]})

    shown.refresh_from_db()
    later.refresh_from_db()
    assert shown.status == QueueItem.Status.APPROVED
    assert later.status == QueueItem.Status.DUE


def _queued_later():
    case = due_case()
    sweep()
    return case


def test_a_record_no_longer_awaiting_says_so_and_offers_no_approval(manager_client):
    case = due_case()
    sweep()
    item = item_of(case)
    manager_client.post(reverse("retention:approve_item", args=[item.pk]), CONFIRM)

    page = manager_client.get(reverse("retention:approve_item", args=[item.pk])).text

    assert "Nothing here awaits a decision any more" in page
    assert 'name="confirm"' not in page


def test_queue_references_link_to_the_record(manager_client):
    case = due_case()
    sweep()
    item = item_of(case)

    page = manager_client.get(reverse("retention:queue")).text

    link = reverse("referrals:case_detail", args=[case.pk])
    assert f'<a href="{link}">{item.ref}</a>' in page


def test_a_record_queued_for_erasure_links_to_where_it_can_be_seen(manager_client, manager):
    """An adult queued by an erasure request has no page of its own: the queue and the
    confirmation link to their case."""
    case = closed_case(timezone.localdate() - datetime.timedelta(days=200), rule="contact-self")
    adult = case.adults.first()
    erasure_queue(request_reference="PR-0042", subject="adult", subject_id=adult.pk, actor=manager)
    item = QueueItem.objects.get(record_type="referrals.adult")
    link = f'<a href="{reverse("referrals:case_detail", args=[case.pk])}">{item.ref}</a>'

    assert link in manager_client.get(reverse("retention:queue")).text
    page = manager_client.get(reverse("retention:approve_item", args=[item.pk])).text
    assert link in page
    assert "Nothing has been approved yet" in page


@pytest.mark.parametrize("role", ["staff", "volunteer"])
def test_only_the_manager_may_see_or_confirm_an_approval(request, client, role):
    case = due_case()
    sweep()
    item = item_of(case)
    client.force_login(request.getfixturevalue(role))

    for url in approve_urls(item):
        assert client.get(url).status_code == 403
        assert client.post(url, CONFIRM).status_code == 403
    item.refresh_from_db()
    assert item.status == QueueItem.Status.DUE


def test_anonymous_visitors_are_sent_to_sign_in(client):
    case = due_case()
    sweep()
    item = item_of(case)

    for url in approve_urls(item):
        response = client.post(url, CONFIRM)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert item_of(case).status == QueueItem.Status.DUE


def test_the_confirmation_costs_the_same_queries_however_many_records(
    manager_client, queries_stay_flat
):
    due_case()
    sweep()

    def add_more():
        for _ in range(4):
            due_case()
        sweep()

    # Asking the deletion collector what goes costs a query or two per kind of row that
    # hangs on a case (about 40 in all), and no more for more cases.
    response = queries_stay_flat(reverse("retention:approve_all"), add_more=add_more, most=45)
    assert len(response.context["items"]) == 5
    assert dict(response.context["preview"].rows)["Cases"] == 5
