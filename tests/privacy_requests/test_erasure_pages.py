"""The manager decides an erasure request from its page: the person's own records go to
the disposal queue or are kept with the exemption, and the page says which."""

import datetime

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


def test_the_manager_puts_an_erasable_record_in_the_queue_and_the_page_says_so(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-self").adults.first()
    privacy_request = _request(adult)
    client = _signed_in(client, manager)

    response = client.post(reverse("privacy_requests:erasure_decide", args=[privacy_request.pk]))

    assert response.status_code == 302
    item = QueueItem.objects.get()
    assert (item.reason, item.request_reference) == ("erasure", privacy_request.reference)
    page = client.get(reverse("privacy_requests:request_detail", args=[privacy_request.pk]))
    assert "Put in the disposal queue for the manager&#x27;s approval" in page.text


def test_a_kept_record_shows_its_exemption_on_the_request_page(client, manager):
    adult = closed_case(LONG_AGO, rule="contact-court").adults.first()
    privacy_request = _request(adult)
    client = _signed_in(client, manager)

    client.post(reverse("privacy_requests:erasure_decide", args=[privacy_request.pk]))

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
