"""Requests about anyone: a person the centre holds only in free text (a grandparent in a
collection list, someone who attended a supervised session) or no longer holds (a former
child whose case was disposed of), logged by the name the requester gave; found in every
declared field, free text included; their confirmed records held while the request is
open; "no data held" answered with the proof of disposal; and a request a parent makes
for a child. Every person, date and number is invented."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attendance.models import ReportRecipient, SupervisedReport
from attendance.report_services import report_create, report_recipient_add
from core.declarations import declarations
from privacy_requests import services
from privacy_requests.finding import (
    Terms,
    person_find,
    record_key,
    request_records_confirm,
    terms_given,
)
from privacy_requests.models import PrivacyRequest, RequestRecord, ResponsePack
from privacy_requests.pack import pack_build, pack_release
from retention.engine import dry_run
from retention.models import DisposalRecord
from retention.services import disposal_approve, dispose_approved, retention_sweep
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.privacy_requests.declared import declare_free_text, matched_in
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory, PreVisitFactory
from tests.retention.factories import closed_case

D = datetime.date
GRANDMOTHER = "Hesper Quillon"
NEW = reverse("privacy_requests:request_create")
REGISTER = reverse("privacy_requests:register")


def url(name, record):
    return reverse(f"privacy_requests:{name}", args=[record.pk])


def fresh(record):
    return PrivacyRequest.objects.get(pk=record.pk)


def log_named(
    *,
    name=GRANDMOTHER,
    actor=None,
    right=PrivacyRequest.Right.ACCESS,
    received_on=None,
    **fields,
):
    return services.privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_name=name,
            right=right,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=received_on or timezone.localdate() - datetime.timedelta(days=2),
            **fields,
        ),
        actor=actor,
    )


@pytest.fixture
def free_text_declared(monkeypatch):
    return declare_free_text(monkeypatch)


@pytest.fixture
def grandmother_in_free_text(db, staff, free_text_declared):
    """A grandmother the centre holds only as words: in a pre-visit's collection list and
    a supervised report's list of who attended."""
    case = CaseFactory()
    resident = AdultFactory(case=case, role="resident", first_name="Tamsin", last_name="Vell")
    ChildFactory(case=case, first_name="Odo", last_name="Vell")
    pre_visit = PreVisitFactory(
        case=case,
        adult=resident,
        who_may_collect=f"Tamsin, or the grandmother {GRANDMOTHER} (07700 900 314).",
        emergency_contact="Grandmother: +44 7700-900-314, 2 Quill Yard, ZZ3 4QQ",
    )
    session = ContactSessionFactory(
        date=timezone.localdate() - datetime.timedelta(days=7), kind="supervised", capacity=1
    )
    report = report_create(
        report=SupervisedReport(
            booking=BookingFactory(case=case, session=session),
            who_attended=f"Odo, his father, and his grandmother {GRANDMOTHER.upper()}.",
            started_at=datetime.time(10),
            ended_at=datetime.time(11, 30),
            observations="A calm session with drawing.",
        ),
        actor=staff,
    )
    return {"case": case, "pre_visit": pre_visit, "report": report}


def log_checked(**fields):
    """A request about a named person whose requester's identity has been checked."""
    return log_named(
        identity_evidence="Fictional passport, seen in person",
        identity_verified_on=timezone.localdate(),
        **fields,
    )


# Logging a request about a named person.


@pytest.mark.django_db
def test_it_logs_a_request_about_a_person_named_by_the_requester_labelled_by_reference():
    logged = log_named(
        subject_date_of_birth=D(1951, 3, 9),
        subject_details="Collects her grandson on Saturdays; 07700 900 314.",
    )

    logged = fresh(logged)
    assert logged.subject_name == GRANDMOTHER
    assert logged.subject_label == f"a person named in {logged.reference}"
    assert logged.is_about_a_named_person and not logged.holds_the_subject
    assert logged.due_on is not None
    # One entry in the request's history, carrying the label: no second save for it.
    assert [entry.subject_label for entry in logged.history.all()] == [logged.subject_label]


def test_staff_log_a_request_by_name_and_the_register_shows_only_its_label(client, staff):
    client.force_login(staff)
    response = client.post(
        NEW,
        {
            "subject_name": GRANDMOTHER,
            "subject_date_of_birth": "1951-03-09",
            "subject_details": "Collects her grandson on Saturdays.",
            "right": "access",
            "channel": "letter",
            "received_on": timezone.localdate().isoformat(),
            "made_by_subject": "on",
        },
    )

    logged = PrivacyRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request_detail", logged)
    register = client.get(REGISTER).content.decode()
    assert f"a person named in {logged.reference}" in register
    assert "Quillon" not in register and "Hesper" not in register
    page = client.get(url("request_detail", logged)).content.decode()
    assert GRANDMOTHER in page and "9 March 1951" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"subject_name": ""}, "Say who the request is about"),
        ({"subject_name": "   "}, "Say who the request is about"),
        ({"with_adult": True}, "not both"),
        (
            {"subject_name": "", "with_adult": True, "subject_date_of_birth": "1951-03-09"},
            "only for a person named by the requester",
        ),
        (
            {"subject_date_of_birth": (timezone.localdate() + datetime.timedelta(days=3))},
            "A date of birth cannot be in the future.",
        ),
        ({"child_age": "19", "made_by_subject": ""}, "A child is under 18"),
    ],
)
def test_a_request_whose_subject_is_wrong_is_refused_with_a_clear_message_and_not_saved(
    client, staff, fields, message
):
    fields = dict(fields)
    data = {
        "subject_name": GRANDMOTHER,
        "right": "access",
        "channel": "letter",
        "received_on": timezone.localdate().isoformat(),
        "made_by_subject": "on",
        "requester_name": "Fictional Solicitor",
        "authority_evidence": "A signed authority.",
    }
    if fields.pop("with_adult", False):
        data["subject"] = f"adult:{AdultFactory().pk}"
    data.update({name: str(value) for name, value in fields.items()})
    client.force_login(staff)

    response = client.post(NEW, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PrivacyRequest.objects.exists()


@pytest.mark.django_db
def test_the_childs_age_is_refused_on_a_request_about_an_adult_of_a_case():
    with pytest.raises(ValidationError) as refused:
        services.privacy_request_log(
            privacy_request=PrivacyRequest(
                subject_adult=AdultFactory(),
                right=PrivacyRequest.Right.ACCESS,
                channel=PrivacyRequest.Channel.LETTER,
                received_on=timezone.localdate(),
                child_age=9,
            ),
            actor=None,
        )
    assert "only for a request about a child" in str(refused.value)
    assert not PrivacyRequest.objects.exists()


# Finding them, free text included.


def _found(results):
    return {found.key: found.matched for group in results for found in group.found}


def test_the_finder_finds_a_named_person_in_a_collection_list_and_in_who_attended(
    grandmother_in_free_text, free_text_declared
):
    found = _found(person_find(Terms(name=GRANDMOTHER)))

    pre_visit = grandmother_in_free_text["pre_visit"]
    report = grandmother_in_free_text["report"]
    pre_visits = free_text_declared["referrals.previsit"]
    reports = free_text_declared["attendance.supervisedreport"]
    assert found[record_key("referrals.previsit", pre_visit.pk)] == [
        matched_in(pre_visits, "who_may_collect")
    ]
    assert found[record_key("attendance.supervisedreport", report.pk)] == [
        matched_in(reports, "who_attended")
    ]
    # Her grandson's family are not her.
    assert not any(key.startswith("referrals.adult:") for key in found)


def test_the_finder_matches_a_phone_in_free_text_however_it_was_written(
    grandmother_in_free_text, free_text_declared
):
    pre_visit = grandmother_in_free_text["pre_visit"]
    pre_visits = free_text_declared["referrals.previsit"]
    for phone in ("07700900314", "+44 (0)7700 900314", "07700-900-314"):
        found = _found(person_find(Terms(phone=phone)))
        assert set(found) == {record_key("referrals.previsit", pre_visit.pk)}
        assert set(found[record_key("referrals.previsit", pre_visit.pk)]) == {
            matched_in(pre_visits, "who_may_collect", "phone"),
            matched_in(pre_visits, "emergency_contact", "phone"),
        }


def test_the_finder_matches_a_postcode_in_free_text_without_its_space(
    grandmother_in_free_text, free_text_declared
):
    pre_visit = grandmother_in_free_text["pre_visit"]
    found = _found(person_find(Terms(postcode="zz34qq")))
    assert found == {
        record_key("referrals.previsit", pre_visit.pk): [
            matched_in(free_text_declared["referrals.previsit"], "emergency_contact", "postcode")
        ]
    }


def test_the_free_text_search_costs_one_query_per_kind_however_many_records_match(
    grandmother_in_free_text, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    terms = Terms(name=GRANDMOTHER, phone="07700 900 314", postcode="ZZ3 4QQ")
    with CaptureQueriesContext(connection) as before:
        person_find(terms)
    assert len(before.captured_queries) <= len(declarations.personal_data)
    for _ in range(3):
        PreVisitFactory(who_may_collect=f"{GRANDMOTHER}, 07700 900314")
    with django_assert_num_queries(len(before.captured_queries)):
        results = person_find(terms)
    found = _found(results)
    assert len([key for key in found if key.startswith("referrals.previsit:")]) == 4


def test_the_search_for_a_named_person_starts_from_what_the_requester_gave(client, staff):
    logged = log_named(
        subject_date_of_birth=D(1951, 3, 9),
        subject_details="Lives at 2 Quill Yard, ZZ3 4QQ. Phone +44 7700 900314, "
        "e-mail hesper.q@example.test.",
    )
    assert terms_given(logged) == {
        "name": GRANDMOTHER,
        "date_of_birth": D(1951, 3, 9),
        "email": "hesper.q@example.test",
        "phone": "+44 7700 900314",
        "postcode": "ZZ3 4QQ",
    }
    client.force_login(staff)
    response = client.get(url("person_find", logged))
    html = response.content.decode()
    assert f'value="{GRANDMOTHER}"' in html
    assert 'value="1951-03-09"' in html
    assert 'value="ZZ3 4QQ"' in html
    assert "Quillon" not in response.request["PATH_INFO"]


def test_staff_find_and_confirm_the_collection_list_for_a_named_person(
    client, staff, grandmother_in_free_text, free_text_declared
):
    logged = log_named(actor=staff)
    pre_visit = grandmother_in_free_text["pre_visit"]
    key = record_key("referrals.previsit", pre_visit.pk)
    client.force_login(staff)

    found = client.post(url("person_find", logged), {"name": GRANDMOTHER})
    html = found.content.decode()
    assert f'value="{key}"' in html
    matched = matched_in(free_text_declared["referrals.previsit"], "who_may_collect")
    assert f"matched: {matched}" in html
    confirmed = client.post(url("person_confirm", logged), {"shown": [key], "record": [key]})

    assert confirmed.status_code == 302
    (link,) = RequestRecord.objects.filter(request=logged)
    assert (link.record_type, link.object_id) == ("referrals.previsit", pre_visit.pk)
    assert "Quillon" not in link.label and "Hesper" not in link.label


# Holds: what staff confirmed for an open request is held from disposal.

AS_OF = D(2026, 6, 1)


def _confirm(request, *records):
    keys = [record_key(record._meta.label_lower, record.pk) for record in records]
    request_records_confirm(request=request, shown=keys, chosen=keys, actor=None)


@pytest.mark.django_db
def test_a_confirmed_collection_list_of_a_named_person_holds_its_case_while_the_request_is_open(
    manager, free_text_declared
):
    case = closed_case(D(2022, 4, 30))
    free = closed_case(D(2022, 4, 30))
    pre_visit = PreVisitFactory(
        case=case, adult=case.adults.first(), who_may_collect=f"{GRANDMOTHER} on Saturdays"
    )
    request = log_named()
    _confirm(request, pre_visit)

    printed = StringIO()
    call_command(
        "retention_sweep", "--as-of", AS_OF.isoformat(), "--dry-run", "--json", stdout=printed
    )
    report = json.loads(printed.getvalue())

    assert [entry["ref"] for entry in report["due"]] == [free.reference]
    assert report["held"] == [
        {
            "rule": "contact-court",
            "kind": "case",
            "ref": case.reference,
            "due_on": "2025-04-30",
            "holds": ["privacy-request"],
        }
    ]

    services.privacy_request_complete(
        privacy_request=fresh(request), response="Fictional: the pack was sent.", actor=manager
    )

    assert dry_run(AS_OF)["held"] == []
    assert sorted(entry["ref"] for entry in dry_run(AS_OF)["due"]) == sorted(
        [case.reference, free.reference]
    )


@pytest.mark.django_db
def test_a_confirmed_record_deep_inside_a_case_holds_the_case(staff, free_text_declared):
    """A report's recipient belongs to its report, the report to its booking, the booking
    to its case."""
    case = closed_case(D(2022, 4, 30))
    booking = BookingFactory(
        case=case, session=ContactSessionFactory(date=D(2022, 3, 5), kind="supervised", capacity=1)
    )
    report = report_create(
        report=SupervisedReport(
            booking=booking,
            who_attended="Odo and his father.",
            started_at=datetime.time(10),
            ended_at=datetime.time(11),
            observations="A calm session.",
        ),
        actor=staff,
    )
    recipient = report_recipient_add(
        recipient=ReportRecipient(
            report=report, kind=ReportRecipient.Kind.CAFCASS, name=GRANDMOTHER
        ),
        actor=staff,
    )
    _confirm(log_named(), recipient)

    assert dry_run(AS_OF)["held"] == [
        {
            "rule": "contact-court",
            "kind": "case",
            "ref": case.reference,
            "due_on": "2025-04-30",
            "holds": ["privacy-request"],
        }
    ]


@pytest.mark.django_db
def test_a_confirmed_adult_of_a_case_is_held_as_that_adult(manager):
    case = closed_case(D(2022, 4, 30))
    request = log_named(name="Tamsin Vell")
    _confirm(request, case.adults.first())

    assert [entry["ref"] for entry in dry_run(AS_OF)["held"]] == [case.reference]
    services.privacy_request_refuse(
        privacy_request=fresh(request),
        exemption=PrivacyRequest.Exemption.EXCESSIVE,
        reason="Fictional: the fifth identical request this month.",
        actor=manager,
    )
    assert dry_run(AS_OF)["held"] == []


# No data held: a former child whose case was disposed of.


@pytest.fixture
def disposed_case(manager):
    """A court-ordered case closed long ago, disposed of through the queue: only its
    proof of disposal remains."""
    closed_case(D(2022, 4, 30), former_reference="HC-2019-0004")
    retention_sweep(as_of=AS_OF)
    disposal_approve(actor=manager)
    assert dispose_approved(today=AS_OF)["disposed"] >= 1
    return DisposalRecord.objects.get(kind="case", ref="HC-2019-0004")


@pytest.mark.django_db
def test_the_manager_answers_no_data_held_citing_the_proof_of_disposal(manager, disposed_case):
    request = log_checked(name="Odo Vell", subject_date_of_birth=D(2012, 5, 1))
    assert person_find(Terms(**terms_given(request))) == []

    answered = services.privacy_request_answer_no_data(
        privacy_request=request, proof_reference=" hc-2019-0004 ", actor=manager
    )

    answered = fresh(answered)
    assert answered.status == PrivacyRequest.Status.COMPLETED
    assert answered.disposal_proof == disposed_case
    assert answered.closed_on == timezone.localdate()
    assert "No personal data" in answered.response
    assert "case HC-2019-0004" in answered.response
    assert disposed_case.get_rule_display() in answered.response
    disposed_on = timezone.localtime(disposed_case.executed_at).date()
    assert f"{disposed_on.day} {disposed_on:%B %Y}" in answered.response


def test_the_request_page_shows_the_no_data_answer_and_its_proof(client, manager, disposed_case):
    request = log_checked(name="Odo Vell")
    client.force_login(manager)
    page = client.get(url("request_detail", request)).content.decode()
    assert "Answer: no data held" in page

    response = client.post(
        url("request_no_data", request), {"no_data-proof_reference": "HC-2019-0004"}
    )

    assert response.status_code == 302
    page = client.get(url("request_detail", request)).content.decode()
    assert "Proof of disposal cited" in page
    assert "Case HC-2019-0004: disposed of on" in page
    assert disposed_case.get_rule_display() in page


def test_a_proof_reference_that_does_not_exist_is_refused_and_nothing_saved(
    client, manager, disposed_case
):
    request = log_checked(name="Odo Vell")
    client.force_login(manager)

    response = client.post(
        url("request_no_data", request), {"no_data-proof_reference": "HC-2019-9999"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "No proof of disposal has the reference HC-2019-9999." in html
    assert "Nothing has been saved" in html
    request = fresh(request)
    assert request.status == PrivacyRequest.Status.RECEIVED
    assert request.disposal_proof is None and request.response == ""


@pytest.mark.django_db
def test_no_data_held_is_refused_where_records_are_held_or_confirmed(
    manager, disposed_case, free_text_declared
):
    about_an_adult = services.privacy_request_log(
        privacy_request=PrivacyRequest(
            subject_adult=AdultFactory(),
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=timezone.localdate(),
        ),
        actor=None,
    )
    with pytest.raises(ValidationError, match="The centre still holds this person"):
        services.privacy_request_answer_no_data(
            privacy_request=about_an_adult, proof_reference="HC-2019-0004", actor=manager
        )

    named = log_checked()
    _confirm(named, PreVisitFactory(who_may_collect=GRANDMOTHER))
    with pytest.raises(ValidationError, match="Records are confirmed as this person"):
        services.privacy_request_answer_no_data(
            privacy_request=fresh(named), proof_reference="HC-2019-0004", actor=manager
        )
    with pytest.raises(ValidationError, match="Give the reference printed on the proof"):
        services.privacy_request_answer_no_data(
            privacy_request=log_checked(), proof_reference="  ", actor=manager
        )
    assert not PrivacyRequest.objects.filter(status=PrivacyRequest.Status.COMPLETED).exists()


@pytest.mark.django_db
def test_no_data_held_is_not_answered_before_the_requesters_identity_is_checked(
    manager, disposed_case
):
    request = log_named(name="Odo Vell")
    with pytest.raises(ValidationError, match="Check and record the requester"):
        services.privacy_request_answer_no_data(
            privacy_request=request, proof_reference="HC-2019-0004", actor=manager
        )
    request = fresh(request)
    assert request.status == PrivacyRequest.Status.RECEIVED
    assert request.disposal_proof is None


@pytest.mark.django_db
def test_only_the_manager_answers_no_data_held(staff, disposed_case):
    with pytest.raises(PermissionDenied):
        services.privacy_request_answer_no_data(
            privacy_request=log_checked(), proof_reference="HC-2019-0004", actor=staff
        )


def test_staff_cannot_post_a_no_data_answer(client, staff, disposed_case):
    request = log_checked()
    client.force_login(staff)
    response = client.post(
        url("request_no_data", request), {"no_data-proof_reference": "HC-2019-0004"}
    )
    assert response.status_code == 403
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


# A request a parent makes for a child.


def log_for_child(**fields):
    fields.setdefault("subject_child", ChildFactory())
    return services.privacy_request_log(
        privacy_request=PrivacyRequest(
            right=PrivacyRequest.Right.ACCESS,
            channel=PrivacyRequest.Channel.LETTER,
            received_on=timezone.localdate(),
            made_by_subject=False,
            requester_name="Tamsin Vell, his mother",
            authority_evidence="Birth certificate naming her; parental responsibility.",
            **fields,
        ),
        actor=None,
    )


def complete(request, manager):
    return services.privacy_request_complete(
        privacy_request=fresh(request), response="Fictional: a copy was sent.", actor=manager
    )


@pytest.mark.django_db
def test_a_request_for_a_child_cannot_be_answered_until_the_childs_view_is_recorded(manager):
    request = log_for_child()
    assert request.is_for_a_child

    with pytest.raises(ValidationError) as refused:
        complete(request, manager)

    message = " ".join(refused.value.messages)
    assert (
        "Before anything is released, record the child's age, whether the child is competent "
        "to decide and the best-interests decision." in message
    )
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


@pytest.mark.django_db
def test_a_competent_child_who_did_not_agree_is_not_answered_through_the_parent(manager):
    request = log_for_child()
    services.privacy_request_record_child(
        privacy_request=request,
        child_age=14,
        child_competent=True,
        child_agreed=False,
        best_interests="He asked that his mother not see his notes.",
        actor=manager,
    )

    with pytest.raises(ValidationError, match="cannot be answered to the person who made it"):
        complete(request, manager)
    assert fresh(request).status == PrivacyRequest.Status.RECEIVED


@pytest.mark.django_db
def test_a_competent_child_must_say_whether_they_agreed(manager):
    request = log_for_child()
    services.privacy_request_record_child(
        privacy_request=request,
        child_age=13,
        child_competent=True,
        child_agreed=None,
        best_interests="Fictional: sharing helps the family's contact.",
        actor=manager,
    )
    with pytest.raises(ValidationError, match="record whether the child agreed"):
        complete(request, manager)


@pytest.mark.django_db
@pytest.mark.parametrize("competent, agreed", [(True, True), (False, None)])
def test_a_request_for_a_child_is_answered_once_the_childs_view_allows_it(
    manager, competent, agreed
):
    request = log_for_child()
    services.privacy_request_record_child(
        privacy_request=request,
        child_age=13 if competent else 6,
        child_competent=competent,
        child_agreed=agreed,
        best_interests="Fictional: his mother's seeing the notes is in his interests.",
        actor=manager,
    )
    assert complete(request, manager).status == PrivacyRequest.Status.COMPLETED


@pytest.mark.django_db
def test_a_named_person_with_a_childs_age_asked_for_by_a_parent_is_a_request_for_a_child(manager):
    request = log_for_child(subject_child=None, subject_name="Odo Vell", child_age=8)
    assert request.is_for_a_child
    with pytest.raises(ValidationError, match="whether the child is competent to decide"):
        complete(request, manager)


def test_staff_record_the_childs_view_and_the_page_shows_it(client, staff):
    request = log_for_child()
    client.force_login(staff)

    response = client.post(
        url("request_child", request),
        {
            "child-child_age": "12",
            "child-child_competent": "true",
            "child-child_agreed": "true",
            "child-best_interests": "Fictional: he wants his mother to have the notes.",
        },
    )

    assert response.status_code == 302
    request = fresh(request)
    assert (request.child_age, request.child_competent, request.child_agreed) == (12, True, True)
    page = client.get(url("request_detail", request)).content.decode()
    assert "The child&#x27;s age" in page and "the ICO presumes a child of 12" in page
    assert "he wants his mother to have the notes" in page


def test_an_adults_age_for_the_child_is_refused_and_nothing_saved(client, staff):
    request = log_for_child()
    client.force_login(staff)

    response = client.post(
        url("request_child", request),
        {
            "child-child_age": "18",
            "child-child_competent": "unknown",
            "child-child_agreed": "unknown",
        },
    )

    assert response.status_code == 200
    assert "A child is under 18" in response.content.decode()
    assert fresh(request).child_age is None


@pytest.mark.django_db
def test_the_childs_view_is_not_recorded_for_a_request_the_person_made_themselves():
    request = log_named()
    with pytest.raises(ValidationError, match="not made for a child"):
        services.privacy_request_record_child(
            privacy_request=request,
            child_age=9,
            child_competent=False,
            child_agreed=None,
            best_interests="",
            actor=None,
        )


@pytest.mark.django_db
def test_no_pack_is_released_to_a_parent_until_the_childs_view_allows_it(manager, staff):
    child = ChildFactory(first_name="Wynn", last_name="Vell")
    request = log_for_child(
        subject_child=child,
        identity_evidence="Fictional passport",
        identity_verified_on=timezone.localdate(),
    )
    key = record_key("referrals.child", child.pk)
    request_records_confirm(request=request, shown=[key], chosen=[key], actor=staff)
    pack = pack_build(request=fresh(request), actor=staff)

    with pytest.raises(ValidationError, match="Before anything is released, record"):
        pack_release(pack=pack, actor=manager)
    assert not ResponsePack.objects.get(pk=pack.pk).is_released

    services.privacy_request_record_child(
        privacy_request=fresh(request),
        child_age=15,
        child_competent=True,
        child_agreed=False,
        best_interests="Fictional: he does not want his notes shared.",
        actor=staff,
    )
    with pytest.raises(ValidationError, match="cannot be answered to the person who made it"):
        pack_release(pack=pack, actor=manager)

    services.privacy_request_record_child(
        privacy_request=fresh(request),
        child_age=15,
        child_competent=True,
        child_agreed=True,
        best_interests="Fictional: he asked his mother to make the request.",
        actor=staff,
    )
    assert pack_release(pack=pack, actor=manager).is_released


def test_the_log_form_asks_for_a_name_or_the_childs_view_only_where_they_can_apply(client, staff):
    adult, child = AdultFactory(), ChildFactory()
    client.force_login(staff)

    free = client.get(NEW).content.decode()
    for_adult = client.get(f"{NEW}?adult={adult.pk}").content.decode()
    for_child = client.get(f"{NEW}?child={child.pk}").content.decode()

    assert 'name="subject_name"' in free and 'name="child_age"' in free
    assert 'name="subject_name"' not in for_adult and 'name="child_age"' not in for_adult
    assert 'name="subject_name"' not in for_child and 'name="child_age"' in for_child
