"""The manager decides an erasure request from its page: the person's own records go to
the disposal queue or are kept with the exemption, and the page says which."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from centre.services import record_save
from privacy_requests.models import PrivacyRequest
from retention.models import ErasureDecision, QueueItem
from tests.retention.factories import closed_case

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.localdate() - datetime.timedelta(days=200)


def _request(adult, right=PrivacyRequest.Right.ERASURE):
    return record_save(
        record=PrivacyRequest(
            subject_adult=adult,
            right=right,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=timezone.localdate() - datetime.timedelta(days=1),
            details="Fictional: please delete my details.",
            identity_evidence="Fictional passport",
            identity_verified_on=timezone.localdate(),
        )
    )


def _signed_in(client, user):
    client.force_login(user)
    return client


def _confirmed(client, privacy_request):
    """The confirmation page's second step: ``confirm``, naming the number it showed."""
    url = reverse("privacy_requests:erasure_decide", args=[privacy_request.pk])
    count = re.search(r'name="count" value="(\d+)"', client.get(url).text).group(1)
    return client.post(url, {"confirm": "yes", "count": count})


def test_the_first_click_lists_what_would_be_erased_and_erases_nothing(client, manager):
    case = closed_case(LONG_AGO, rule="contact-self")
    adult = case.adults.first()
    privacy_request = _request(adult)
    client = _signed_in(client, manager)
    url = reverse("privacy_requests:erasure_decide", args=[privacy_request.pk])
    detail = client.get(reverse("privacy_requests:request_detail", args=[privacy_request.pk]))
    assert f'<form method="get" action="{url}">' in detail.text

    for first_click in (client.get(url), client.post(url)):
        assert first_click.status_code == 200
        page = first_click.text
        assert "Nothing has been decided yet" in page
        assert "The record to be erased (1)" in page
        assert f'<a href="{reverse("referrals:case_detail", args=[case.pk])}">' in page
        assert "What will be destroyed once the disposal is approved" in page
        assert re.search(r"Adults</dt>\s*<dd[^>]*>1 row</dd>", page)
        assert "A proof of disposal for each record erased" in page
        assert "Put 1 record in the disposal queue to be erased" in page

    assert not QueueItem.objects.exists()
    assert not ErasureDecision.objects.exists()
    assert type(adult).objects.filter(pk=adult.pk).exists()
    assert type(case).objects.filter(pk=case.pk).exists()


def test_the_erasure_page_names_what_is_kept_and_why(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-court").adults.first()
    privacy_request = _request(adult)

    page = _signed_in(client, manager).get(
        reverse("privacy_requests:erasure_decide", args=[privacy_request.pk])
    )

    assert "The records to be erased (0)" in page.text
    assert "court order" in page.text
    assert "Record that every record is kept" in page.text


def test_a_second_step_naming_another_number_decides_nothing(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    privacy_request = _request(adult)

    response = _signed_in(client, manager).post(
        reverse("privacy_requests:erasure_decide", args=[privacy_request.pk]),
        {"confirm": "yes", "count": "3"},
    )

    assert "changed since you opened this page" in response.text
    assert not QueueItem.objects.exists()
    assert not ErasureDecision.objects.exists()


def test_the_manager_puts_an_erasable_record_in_the_queue_and_the_page_says_so(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    privacy_request = _request(adult)
    client = _signed_in(client, manager)

    response = _confirmed(client, privacy_request)

    assert response.status_code == 302
    item = QueueItem.objects.get()
    assert (item.reason, item.request_reference) == ("erasure", privacy_request.reference)
    page = client.get(reverse("privacy_requests:request_detail", args=[privacy_request.pk]))
    assert "Put in the disposal queue for the manager&#x27;s approval" in page.text


def test_a_kept_record_shows_its_exemption_on_the_request_page(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-court").adults.first()
    privacy_request = _request(adult)
    client = _signed_in(client, manager)

    _confirmed(client, privacy_request)

    assert not QueueItem.objects.exists()
    decision = ErasureDecision.objects.get()
    assert decision.outcome == "kept"
    page = client.get(reverse("privacy_requests:request_detail", args=[privacy_request.pk]))
    assert "court order" in page.text


def test_staff_cannot_decide_an_erasure(client, staff):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    privacy_request = _request(adult)

    response = _signed_in(client, staff).post(
        reverse("privacy_requests:erasure_decide", args=[privacy_request.pk])
    )

    assert response.status_code == 403
    assert not QueueItem.objects.exists()


def test_only_an_erasure_request_erases(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    access = _request(adult, right=PrivacyRequest.Right.ACCESS)

    response = _signed_in(client, manager).post(
        reverse("privacy_requests:erasure_decide", args=[access.pk])
    )

    assert response.status_code == 403
    assert not QueueItem.objects.exists()


def test_nothing_is_erased_before_the_requesters_identity_is_checked(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    privacy_request = _request(adult)
    privacy_request.identity_verified_on = None
    privacy_request.save()

    response = _signed_in(client, manager).post(
        reverse("privacy_requests:erasure_decide", args=[privacy_request.pk]), follow=True
    )

    assert "Record the identity check first" in response.text
    assert not QueueItem.objects.exists()
    assert not ErasureDecision.objects.exists()
