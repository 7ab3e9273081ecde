"""The audit trail in words: each row a sentence with the account's current name, the
record's reference linked where it is still held, "(no longer held)" where it is gone,
a person filter by name that sends the account's id, and a page whose queries do not
grow with its rows."""

import re

from django.urls import reverse

from core import audit
from core.models import AuditEvent
from tests.referrals.factories import CaseFactory

Action = AuditEvent.Action
AUDIT = reverse("centre:audit_list")


def sentences(html):
    """The text of the "What happened" cells, tags dropped and spaces folded."""
    rows = re.findall(r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td>(.*?)</td>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_a_row_reads_as_a_sentence_with_the_current_name_and_a_link_to_the_record(
    client, manager, staff
):
    case = CaseFactory()
    audit.record(None, Action.READ, kind="case", object_id=case.pk, user=staff)
    staff.full_name = "Tom Lindqvist"
    staff.save()
    client.force_login(manager)

    html = client.get(AUDIT).content.decode()

    assert f"Tom Lindqvist opened case {case.reference}" in sentences(html)
    link = reverse("referrals:case_detail", args=[case.pk])
    assert f'<a href="{link}">case {case.reference}</a>' in html
    assert "referrals.case" not in html


def test_a_record_no_longer_held_says_so_without_a_link(client, manager, staff):
    case = CaseFactory()
    case_id, reference = case.pk, case.reference
    audit.record(None, Action.READ, kind="case", object_id=case_id, user=staff)
    case.delete()
    client.force_login(manager)

    html = client.get(AUDIT).content.decode()

    assert "Bob Stanton opened a case (no longer held)" in sentences(html)
    assert reverse("referrals:case_detail", args=[case_id]) not in html
    assert reference not in html


def test_a_disposal_names_the_kind_of_record_destroyed(client, manager):
    audit.record(None, Action.DISPOSAL, kind="centre.dbscheck", object_id=41)
    client.force_login(manager)

    html = client.get(AUDIT).content.decode()

    assert "Handover, automatically, disposed of a DBS check (no longer held)" in sentences(html)


def test_sign_ins_failed_sign_ins_and_former_accounts_are_said_in_words(
    client, manager, staff, volunteer
):
    audit.record(None, Action.LOGIN, user=volunteer)
    audit.record(None, Action.LOGIN_FAILED, user=staff, detail="failed sign-in")
    audit.record(None, Action.EXPORT, kind="quarterly-return", user=volunteer)
    audit.record(None, Action.SECOND_FACTOR, kind="otp_totp.totpdevice", user=staff)
    volunteer.delete()
    client.force_login(manager)

    said = sentences(client.get(AUDIT).content.decode())

    assert "A former account signed in" in said
    assert "Someone not signed in tried to sign in as Bob Stanton" in said
    assert "A former account downloaded the quarterly return" in said
    assert "Bob Stanton passed the second sign-in step with their authenticator app" in said


def test_the_person_filter_lists_names_and_filters_by_the_accounts_id(
    client, manager, staff, volunteer
):
    volunteer.is_active = False
    volunteer.save()
    audit.record(None, Action.READ, kind="case search", user=staff)
    audit.record(None, Action.READ, kind="case search", user=volunteer)
    client.force_login(manager)

    response = client.get(AUDIT)
    choices = dict(response.context["filter_form"].fields["user"].choices)
    assert choices[staff.pk] == "Bob Stanton"
    assert choices[volunteer.pk] == "Carol Vance (switched off)"
    assert choices[manager.pk] == "Alice Mercer"

    filtered = client.get(AUDIT, {"user": volunteer.pk})
    assert [row.who for row in filtered.context["rows"]] == ["Carol Vance"]
    assert "Carol" not in filtered.wsgi_request.get_full_path()


def test_the_kind_filter_offers_the_kinds_in_words(client, manager, staff):
    case = CaseFactory()
    audit.record(None, Action.READ, kind="case", object_id=case.pk, user=staff)
    audit.record(None, Action.READ, kind="safeguarding concern", object_id=5, user=staff)
    client.force_login(manager)

    choices = dict(client.get(AUDIT).context["filter_form"].fields["kind"].choices)
    assert choices["case"] == "Cases"
    assert choices["safeguarding concern"] == "Safeguarding concerns"

    rows = client.get(AUDIT, {"kind": "case"}).context["rows"]
    assert [row.target for row in rows] == [f"case {case.reference}"]


def _rows(count, user, cases):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=Action.READ,
            user_id=user.pk,
            role="staff",
            kind="case" if n % 2 else "safeguarding concern",
            object_id=cases[n % len(cases)].pk if n % 2 else 10_000 + n,
        )
        for n in range(count)
    )


def test_the_pages_queries_stay_flat_from_10_rows_to_100(client, manager, staff, queries_stay_flat):
    cases = [CaseFactory() for _ in range(3)]
    _rows(10, staff, cases)
    client.force_login(manager)

    response = queries_stay_flat(AUDIT, add_more=lambda: _rows(90, staff, cases), most=16)

    assert len(response.context["rows"]) == 100
    assert any(row.url for row in response.context["rows"])


def test_every_kind_the_code_writes_reads_in_words_on_the_page(client, manager, staff):
    from centre.audit_words import KINDS

    for kind in KINDS:
        audit.record(None, Action.READ, kind=kind, object_id=7, user=staff)
    audit.record(None, Action.REFUSED, kind="attendance:session_detail", object_id=17, user=staff)
    audit.record(None, Action.REFUSED, kind="attendance:report_detail", object_id=18, user=staff)
    audit.record(None, Action.DISPOSAL, kind="referrals.case", object_id=9)
    client.force_login(manager)

    said = sentences(client.get(AUDIT).content.decode())

    assert "Bob Stanton was refused the page “session detail” for no. 17" in said
    assert "Bob Stanton was refused the page “report detail” of a supervised report" in " ".join(
        said
    )
    assert "Handover, automatically, disposed of a case (no longer held)" in said
    internal = re.compile(r"[a-z_]+[.:][a-z_]+|late-tap|otp_")
    assert [sentence for sentence in said if internal.search(sentence)] == []


def test_the_rows_of_a_former_account_are_still_found_by_its_id(client, manager, staff):
    audit.record(None, Action.READ, kind="case search", user=staff)
    staff_id = staff.pk
    staff.delete()
    client.force_login(manager)

    response = client.get(AUDIT, {"user": staff_id})

    assert [row.who for row in response.context["rows"]] == ["A former account"]
    assert dict(response.context["filter_form"].fields["user"].choices)[staff_id] == (
        "A former account"
    )
