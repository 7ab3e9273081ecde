"""Supervised contact reports through their pages: written after a supervised session,
checked by someone other than the author, sent only where they may go (each sending
recorded as a disclosure), and printed or downloaded without anyone's contact details."""

import datetime
import re
import zlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance.models import ContactSession, ReportRecipient, SupervisedReport
from attendance.report_pdf import fit_to_core_font
from attendance.report_services import (
    report_create,
    report_mark_ready,
    report_recipient_add,
    report_recipient_remove,
    report_update,
)
from attendance.services import report_check, report_send
from centre.models import Disclosure
from centre.roles import Role
from centre.services import user_create
from referrals.models import Adult
from tests.attendance.factories import BookingFactory, ContactSessionFactory
from tests.factories import CentreProfileFactory
from tests.referrals.factories import AdultFactory, CaseFactory, ChildFactory
from tests.session_store import session_text
from tests.test_pages import PageAudit

TODAY = datetime.date(2026, 11, 29)
LAST_SATURDAY = datetime.date(2026, 11, 28)

# The family's contact details: none of them may ever appear on a report.
RESIDENT_DETAILS = {
    "email": "wren.private@example.test",
    "phone": "07700 900123",
    "phone_other": "01632 960 321",
    "address": "Flat 3, Kestrel House\n17 Hawthorn Crescent\nMillbrook",
    "postcode": "MB4 7QX",
}
VISITING_DETAILS = {
    "email": "idris.home@example.test",
    "phone": "07700 900456",
    "address": "22 Sorrel Lane\nEastwick",
    "postcode": "EW2 9LT",
}
CONTACT_DETAILS = [*RESIDENT_DETAILS.values(), *VISITING_DETAILS.values()] + [
    "Kestrel House",
    "Hawthorn Crescent",
    "Sorrel Lane",
    "07700900123",
    "900123",
    "900456",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 29, 15, 0), tick=False):
        yield


@pytest.fixture
def family(db):
    case = CaseFactory()
    resident = AdultFactory(
        case=case,
        role=Adult.Role.RESIDENT,
        first_name="Wren",
        last_name="Quillfeather",
        contact_details_confidential=True,
        **RESIDENT_DETAILS,
    )
    visiting = AdultFactory(
        case=case,
        role=Adult.Role.VISITING,
        first_name="Idris",
        last_name="Ashdown",
        **VISITING_DETAILS,
    )
    ChildFactory(case=case, first_name="Juno", last_name="Ashdown")
    case.resident, case.visiting = resident, visiting
    return case


def supervised_booking(case, *, date=LAST_SATURDAY, kind=ContactSession.Kind.SUPERVISED):
    capacity = 1 if kind == ContactSession.Kind.SUPERVISED else 8
    session = ContactSessionFactory(date=date, kind=kind, capacity=capacity, room="Family room")
    return BookingFactory(session=session, case=case)


def draft(author, case, **fields):
    content = {
        "who_attended": "Idris Ashdown (visiting parent), Juno (child), the supervisor.",
        "started_at": datetime.time(10, 0),
        "ended_at": datetime.time(11, 45),
        "observations": "Juno showed her father a drawing and they built a tower together.",
        "concerns": "",
        "court_ordered": False,
    }
    report = SupervisedReport(booking=supervised_booking(case), **{**content, **fields})
    return report_create(report=report, actor=author)


def add_recipient(report, actor, *, kind=ReportRecipient.Kind.CAFCASS, name="", **fields):
    return report_recipient_add(
        recipient=ReportRecipient(report=report, kind=kind, name=name, **fields), actor=actor
    )


def ready(report):
    return report_mark_ready(report=report, actor=report.author)


def checked(report, checker):
    return report_check(report=ready(report), actor=checker)


def url(name, *args):
    return reverse(f"attendance:{name}", args=args)


def report_form_data(**overrides):
    data = {
        "who_attended": "Idris Ashdown (visiting parent), Juno (child), Bob (supervisor).",
        "started_at": "10:00",
        "ended_at": "11:45",
        "observations": "They read two books and played with the train set.",
        "concerns": "",
    }
    data.update(overrides)
    return data


def reload(report):
    return SupervisedReport.objects.get(pk=report.pk)


# Writing a report.


def test_it_lets_staff_write_a_draft_for_a_supervised_session(client, staff, family):
    booking = supervised_booking(family)
    client.force_login(staff)

    form = client.get(url("report_create", booking.pk))
    assert form.status_code == 200
    assert "not a verbatim record" in form.text
    response = client.post(
        url("report_create", booking.pk), report_form_data(court_ordered="on"), follow=True
    )

    report = SupervisedReport.objects.get(booking=booking)
    assert response.redirect_chain[-1][0] == url("report_detail", report.pk)
    assert report.status == SupervisedReport.Status.DRAFT
    assert report.author == staff
    assert report.court_ordered is True
    assert report.started_at == datetime.time(10, 0)
    assert "Someone other than you must check it" in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_a_report_for_a_supported_session(client, staff, family, method):
    booking = supervised_booking(family, kind=ContactSession.Kind.SUPPORTED)
    client.force_login(staff)

    response = getattr(client, method)(
        url("report_create", booking.pk), report_form_data(), follow=True
    )

    assert "reports are written for supervised contact only" in response.text
    assert not SupervisedReport.objects.exists()


def test_the_service_refuses_a_report_for_a_supported_session(staff, family):
    booking = supervised_booking(family, kind=ContactSession.Kind.SUPPORTED)
    report = SupervisedReport(
        booking=booking,
        who_attended="The family",
        started_at=datetime.time(10, 0),
        ended_at=datetime.time(11, 0),
        observations="Played.",
    )
    with pytest.raises(ValidationError, match="supervised contact only"):
        report_create(report=report, actor=staff)
    assert not SupervisedReport.objects.exists()


def test_it_refuses_a_report_before_the_session_has_taken_place(client, staff, family):
    booking = supervised_booking(family, date=TODAY + datetime.timedelta(days=6))
    client.force_login(staff)

    response = client.post(url("report_create", booking.pk), report_form_data(), follow=True)

    assert "has not taken place yet" in response.text
    assert not SupervisedReport.objects.exists()


def test_a_booking_that_has_a_report_leads_to_it_instead_of_a_second(client, staff, family):
    report = draft(staff, family)
    client.force_login(staff)

    response = client.post(url("report_create", report.booking.pk), report_form_data(), follow=True)

    assert response.redirect_chain[-1][0] == url("report_detail", report.pk)
    assert SupervisedReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"started_at": "11:00", "ended_at": "10:30"}, "Contact must end after it began."),
        ({"observations": ""}, "This field is required."),
        ({"started_at": "25:99"}, "Enter a real time, in hours and minutes (for example 14:30)."),
        ({"observations": "Dad said to write to him at MB4 7QX."}, "a postcode"),
        ({"concerns": "Mum rang from 07700 900123 during contact."}, "a phone number"),
        ({"who_attended": "Idris (idris.home@example.test)"}, "an e-mail address"),
        ({"observations": "They went back to 17 Hawthorn Crescent."}, "an address"),
        ({"concerns": "Dad asked if she still lives on hawthorn  crescent."}, "an address"),
    ],
)
def test_bad_report_input_gives_a_clear_message_and_saves_nothing(
    client, staff, family, overrides, message
):
    booking = supervised_booking(family)
    client.force_login(staff)

    response = client.post(url("report_create", booking.pk), report_form_data(**overrides))

    assert response.status_code == 200
    assert "Nothing has been saved yet." in response.text
    assert message in response.text
    assert not SupervisedReport.objects.exists()


def test_bad_input_when_changing_a_draft_saves_nothing(client, staff, family):
    report = draft(staff, family)
    client.force_login(staff)

    response = client.post(
        url("report_edit", report.pk), report_form_data(started_at="12:00", ended_at="11:00")
    )

    assert response.status_code == 200
    assert "Contact must end after it began." in response.text
    assert reload(report).ended_at == datetime.time(11, 45)


def test_a_draft_can_be_changed(client, staff, checker, family):
    report = draft(staff, family)
    client.force_login(checker)

    client.post(url("report_edit", report.pk), report_form_data(concerns="None noted."))

    report = reload(report)
    assert report.concerns == "None noted."
    assert report.status == SupervisedReport.Status.DRAFT
    assert report.author == staff  # changing a draft does not make it someone else's


@pytest.mark.parametrize("status", ["checked", "sent"])
def test_a_checked_or_sent_report_cannot_be_changed(client, staff, checker, family, status):
    report = draft(staff, family)
    add_recipient(report, staff, name="Fictional Cafcass officer")
    report = checked(report, checker)
    if status == "sent":
        report = report_send(report=report, basis="Consent of both parents", actor=checker)
    client.force_login(staff)

    page = client.get(url("report_edit", report.pk), follow=True)
    client.post(url("report_edit", report.pk), report_form_data(observations="Rewritten."))

    assert f"This report is {status}, so it can no longer be changed" in page.text
    assert reload(report).observations.startswith("Juno showed her father")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        report.observations = "Rewritten."
        report_update(report=report, actor=staff)
    assert reload(report).observations.startswith("Juno showed her father")


def test_changing_a_draft_cannot_set_its_status_or_checker(staff, family):
    report = draft(staff, family)
    report.status = SupervisedReport.Status.SENT
    report.checked_by = staff

    report_update(report=report, actor=staff)

    report = reload(report)
    assert report.status == SupervisedReport.Status.DRAFT
    assert report.checked_by is None


# The quality check.


def test_the_author_cannot_check_their_own_report(client, staff, family):
    report = ready(draft(staff, family))
    client.force_login(staff)

    page = client.get(url("report_detail", report.pk))
    asked = client.get(url("report_check", report.pk))
    response = client.post(url("report_check", report.pk), {"confirm": "yes"})

    assert "You wrote this report, so someone else must check it" in page.text
    assert "Check this report" not in page.text
    assert asked.status_code == response.status_code == 403
    assert "You wrote this report, so someone else must check it. Nothing has changed." in (
        response.text
    )
    report = reload(report)
    assert report.status == SupervisedReport.Status.READY
    assert report.checked_by is None


def test_the_service_refuses_the_author_checking_their_own_report(staff, family):
    report = ready(draft(staff, family))

    with pytest.raises(ValidationError, match="someone other than its author"):
        report_check(report=report, actor=staff)

    assert reload(report).status == SupervisedReport.Status.READY


def test_another_member_of_staff_can_check_the_report(client, staff, checker, family):
    report = ready(draft(staff, family))
    client.force_login(checker)

    page = client.get(url("report_detail", report.pk))
    confirm = client.post(url("report_check", report.pk))
    unchanged = reload(report)
    response = client.post(url("report_check", report.pk), {"confirm": "yes"}, follow=True)

    assert "Check this report" in page.text
    assert "Checking freezes the report" in confirm.text
    assert unchanged.status == SupervisedReport.Status.READY
    assert "You have checked the report" in response.text
    report = reload(report)
    assert report.status == SupervisedReport.Status.CHECKED
    assert report.checked_by == checker
    assert report.checked_at is not None


def test_a_report_is_checked_once(client, staff, checker, manager, family):
    report = checked(draft(staff, family), checker)
    client.force_login(manager)

    response = client.post(url("report_check", report.pk), {"confirm": "yes"}, follow=True)

    assert "This report is checked already. Nothing has changed." in response.text
    assert reload(report).checked_by == checker


# Sending.


def test_a_draft_cannot_be_sent(client, staff, checker, family):
    report = draft(staff, family)
    add_recipient(report, staff, name="Fictional Cafcass officer")
    client.force_login(checker)

    response = client.post(url("report_send", report.pk), {"basis": "Consent of both parents"})

    assert response.status_code == 200
    assert "Only a checked report can be sent." in response.text
    assert reload(report).status == SupervisedReport.Status.DRAFT
    assert not Disclosure.objects.exists()


def test_a_court_ordered_report_goes_only_to_people_the_order_names(client, staff, checker, family):
    report = draft(staff, family, court_ordered=True)
    add_recipient(
        report, staff, name="Family Court at Millbrook", kind="court", named_in_order=True
    )
    add_recipient(report, staff, name="Tamsin Fennimore", kind="solicitor")
    add_recipient(report, staff, kind="parent", adult=family.resident)
    report = checked(report, checker)
    client.force_login(checker)

    page = client.get(url("report_detail", report.pk))
    response = client.post(
        url("report_send", report.pk), {"basis": "Court order of 01/10/2026", "confirm": "yes"}
    )

    assert "Not named in the order: Wren Quillfeather, Tamsin Fennimore." in page.text
    assert response.status_code == 200
    assert "may go only to the people the order names" in response.text
    assert "Not named: Wren Quillfeather, Tamsin Fennimore." in response.text
    assert 'value="Court order of 01/10/2026"' in response.text  # kept as typed
    assert reload(report).status == SupervisedReport.Status.CHECKED
    assert not Disclosure.objects.exists()


def test_a_sent_report_records_one_disclosure_per_recipient(client, staff, checker, family):
    report = draft(staff, family, court_ordered=True)
    add_recipient(report, staff, kind="parent", adult=family.visiting, named_in_order=True)
    add_recipient(report, staff, name="Fictional Cafcass officer", named_in_order=True)
    report = checked(report, checker)
    client.force_login(checker)

    response = client.post(
        url("report_send", report.pk),
        {"basis": "Court order of 01/10/2026", "confirm": "yes"},
        follow=True,
    )

    assert "its disclosure to 2 recipients is recorded" in response.text
    report = reload(report)
    assert report.status == SupervisedReport.Status.SENT
    assert report.sent_by == checker
    disclosures = Disclosure.objects.order_by("recipient")
    assert [(d.recipient, d.recipient_kind) for d in disclosures] == [
        ("Fictional Cafcass officer", "Cafcass"),
        ("Idris Ashdown", "Parent"),
    ]
    for disclosure in disclosures:
        assert disclosure.basis == "Court order of 01/10/2026"
        assert disclosure.disclosed_by == checker
        assert disclosure.disclosed_at == report.sent_at
        assert disclosure.what == "Supervised contact report of 28/11/2026"
        assert disclosure.case_reference == family.display_reference
        assert (disclosure.record_label, disclosure.record_id) == ("supervised-report", report.pk)
        # What was sent, never its content.
        assert "Juno" not in disclosure.what and "tower" not in disclosure.what
    assert "Disclosures recorded" in response.text
    assert "Court order of 01/10/2026" in response.text
    assert "None: the report has not been sent." not in response.text


def test_sending_needs_a_basis_and_a_distribution_list(client, staff, checker, family):
    report = checked(draft(staff, family), checker)
    client.force_login(checker)

    no_list = client.post(
        url("report_send", report.pk), {"basis": "Consent of both parents", "confirm": "yes"}
    )
    add_recipient(report, staff, name="Fictional Cafcass officer")
    no_basis = client.post(url("report_send", report.pk), {"basis": "  ", "confirm": "yes"})

    assert "Add at least one person to the distribution list." in no_list.text
    assert "Say on what basis the report is shared." in no_basis.text
    assert reload(report).status == SupervisedReport.Status.CHECKED
    assert not Disclosure.objects.exists()


def test_the_disclosures_shown_are_this_reports_own(client, staff, checker, family):
    report = draft(staff, family)
    Disclosure.objects.create(
        recipient="Someone else entirely",
        what="Another record",
        basis="Consent",
        record_label="supervised-report",
        record_id=report.pk + 1000,
    )
    client.force_login(staff)

    assert "Someone else entirely" not in client.get(url("report_detail", report.pk)).text


# The distribution list.


def test_a_parent_is_added_under_the_adults_name(client, staff, family):
    report = draft(staff, family)
    client.force_login(staff)

    response = client.post(
        url("report_recipient_add", report.pk),
        {"kind": "parent", "name": "", "adult": family.resident.pk},
        follow=True,
    )

    recipient = report.recipients.get()
    assert (recipient.name, recipient.adult) == ("Wren Quillfeather", family.resident)
    assert "The recipient is on the distribution list." in response.text


def test_the_message_waiting_in_the_session_names_no_recipient(client, staff, family):
    report = draft(staff, family)
    client.force_login(staff)

    client.post(
        url("report_recipient_add", report.pk),
        {"kind": "parent", "name": "", "adult": family.resident.pk},
    )
    held = session_text()

    assert report.recipients.get().name == "Wren Quillfeather"
    assert "The recipient is on the distribution list." in held
    assert "Wren" not in held and "Quillfeather" not in held


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "cafcass", "name": ""}, "Give the name of the person or organisation."),
        ({"kind": "", "name": "Someone"}, "This field is required."),
        ({"kind": "solicitor", "name": "T. Fennimore, tf@example.test"}, "an e-mail address"),
        ({"kind": "cafcass", "name": "Cafcass", "adult": "RESIDENT"}, "Only a parent is linked"),
        ({"kind": "parent", "name": "", "adult": "STRANGER"}, "Choose one of the options given"),
    ],
)
def test_bad_recipient_input_gives_a_clear_message_and_saves_nothing(
    client, staff, family, data, message
):
    report = draft(staff, family)
    stranger = AdultFactory(case=CaseFactory(), first_name="Cassius")
    adults = {"RESIDENT": family.resident.pk, "STRANGER": stranger.pk}
    data = {name: adults.get(value, value) for name, value in data.items()}
    client.force_login(staff)

    response = client.post(url("report_recipient_add", report.pk), data)

    assert response.status_code == 200
    assert message in response.text
    assert not report.recipients.exists()


def test_the_service_refuses_an_adult_of_another_family(staff, family):
    report = draft(staff, family)
    stranger = AdultFactory(case=CaseFactory())

    with pytest.raises(ValidationError, match="not part of this family"):
        add_recipient(report, staff, kind="parent", adult=stranger)
    assert not report.recipients.exists()


def test_the_same_recipient_is_listed_once(client, staff, family):
    report = draft(staff, family)
    add_recipient(report, staff, name="Fictional Cafcass officer")
    client.force_login(staff)

    response = client.post(
        url("report_recipient_add", report.pk),
        {"kind": "cafcass", "name": "fictional cafcass officer"},
    )

    assert "is on the distribution list already" in response.text
    assert report.recipients.count() == 1


def test_a_recipient_can_be_removed_until_the_report_is_sent(client, staff, checker, family):
    report = draft(staff, family)
    keep = add_recipient(report, staff, name="Fictional Cafcass officer")
    gone = add_recipient(report, staff, name="Fictional social worker", kind="local_authority")
    client.force_login(staff)

    client.post(url("report_recipient_remove", report.pk, gone.pk))
    assert list(report.recipients.all()) == [keep]

    report_send(report=checked(report, checker), basis="Consent", actor=checker)
    response = client.post(url("report_recipient_remove", report.pk, keep.pk), follow=True)
    added = client.post(
        url("report_recipient_add", report.pk), {"kind": "court", "name": "A court"}, follow=True
    )

    assert "its distribution list can no longer change" in response.text
    assert "its distribution list is closed" in added.text
    assert list(report.recipients.all()) == [keep]
    with pytest.raises(ValidationError):
        report_recipient_remove(recipient=keep, actor=staff)


def test_a_recipient_is_removed_only_through_its_own_report(client, staff, family):
    report = draft(staff, family)
    other = draft(staff, family)
    recipient = add_recipient(other, staff, name="Fictional Cafcass officer")
    client.force_login(staff)

    response = client.post(url("report_recipient_remove", report.pk, recipient.pk))

    assert response.status_code == 404
    assert other.recipients.count() == 1


# Printing.


def pdf_text(content: bytes) -> str:
    """The text drawn on the PDF's pages (fpdf2 compresses each page's stream)."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            text.append(zlib.decompress(stream).decode("cp1252"))
        except zlib.error:
            text.append(stream.decode("cp1252", "replace"))
    return "\n".join(text)


@pytest.fixture
def full_report(staff, checker, family):
    """A sent, court-ordered report to both parents (whose contact details are on their
    records), Cafcass and the court, at a centre whose own details are filled in."""
    CentreProfileFactory()
    report = draft(
        staff,
        family,
        court_ordered=True,
        concerns="Idris raised his voice once; the supervisor reminded him of the rules.",
    )
    add_recipient(report, staff, kind="parent", adult=family.resident, named_in_order=True)
    add_recipient(report, staff, kind="parent", adult=family.visiting, named_in_order=True)
    add_recipient(report, staff, name="Fictional Cafcass officer", named_in_order=True)
    add_recipient(
        report, staff, name="Family Court at Millbrook", kind="court", named_in_order=True
    )
    report = checked(report, checker)
    return report_send(report=report, basis="Court order of 01/10/2026", actor=checker)


def test_the_printable_page_has_the_report_and_no_contact_details(client, staff, full_report):
    client.force_login(staff)

    response = client.get(url("report_print", full_report.pk))

    page = response.text
    assert response.status_code == 200
    assert 'href="/static/css/print.css" media="screen, print"' in page
    for expected in (
        "Larchwood Child Contact Centre",
        full_report.booking.case.display_reference,
        "Saturday 28/11/2026, 10:00 to 12:00",
        "10:00",
        "11:45",
        "Idris Ashdown (visiting parent)",
        "built a tower together",
        "reminded him of the rules",
        "Bob Stanton",
        "Frank Chesney",
        "Wren Quillfeather (Parent, named in the court order)",
        "Family Court at Millbrook (Court, named in the court order)",
    ):
        assert expected in page, expected
    centre_details = ["4 Willow Walk", "LW1 4AA", "01632 960 555", "office@larchwood"]
    for detail in CONTACT_DETAILS + centre_details:
        assert detail not in page, detail


def test_the_pdf_has_the_report_and_no_contact_details(client, staff, full_report):
    client.force_login(staff)

    response = client.get(url("report_pdf", full_report.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="supervised-contact-report-{full_report.pk}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (
        "Larchwood Child Contact Centre",
        full_report.booking.case.display_reference,
        "Frank Chesney",
        "Wren Quillfeather",
        "Family Court at Millbrook",
    ):
        assert expected in text, expected
    centre_details = ["4 Willow Walk", "LW1 4AA", "01632 960 555", "office@larchwood"]
    for detail in CONTACT_DETAILS + centre_details:
        assert detail not in text, detail
        assert detail.encode() not in content, detail


def test_the_pdf_survives_typographic_quotes_dashes_emoji_and_other_scripts(client, staff, family):
    family.visiting.first_name, family.visiting.last_name = "Zofia", "Łęcka-Wiśniewska"
    family.visiting.save()
    report = draft(
        staff,
        family,
        who_attended="Zofia Łęcka-Wiśniewska (visiting parent), 李小龍 (child) and Ahmed أحمد",
    )
    report.observations = (
        "She said \u201cwell done\u201d \u2014 twice \u2013 and they laughed \U0001f642. "
        "Tab\there, a zero-width\u200bjoin and " + "a-very-long-word-without-spaces" * 8
    )
    report_update(report=report, actor=staff)
    add_recipient(report, staff, kind="parent", adult=family.visiting)
    add_recipient(report, staff, name="محمد الأحمد", kind="solicitor")
    client.force_login(staff)

    response = client.get(url("report_pdf", report.pk))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Lecka-Wisniewska" in text
    assert "\u201cwell done\u201d \u2014 twice \u2013" in text
    assert "appear as '?'" in text


def test_text_is_made_to_fit_the_core_font():
    assert fit_to_core_font("Łódź “quoted” – ok") == ("Lódz “quoted” – ok", False)
    assert fit_to_core_font("smile 🙂") == ("smile ?", True)
    assert fit_to_core_font("a\r\nb\x00c\u200b") == ("a\nbc", False)


def test_the_pdf_of_a_draft_says_it_is_a_draft(client, staff, family):
    report = draft(staff, family)
    client.force_login(staff)

    text = pdf_text(client.get(url("report_pdf", report.pk)).content)

    assert "DRAFT: not yet checked. Do not share." in text


# The list.


def test_the_list_shows_each_report_and_filters_by_status(client, staff, checker, family):
    waiting = draft(staff, family)
    done = checked(draft(staff, family), checker)
    client.force_login(staff)

    everything = client.get(url("report_list"))
    only_checked = client.get(url("report_list"), {"status": "checked"})

    assert everything.status_code == 200
    assert url("report_detail", waiting.pk) in everything.text
    assert url("report_detail", done.pk) in everything.text
    assert "28/11/2026" in everything.text
    assert family.display_reference in everything.text
    assert "Bob Stanton" in everything.text and "Frank Chesney" in everything.text
    assert url("report_detail", done.pk) in only_checked.text
    assert url("report_detail", waiting.pk) not in only_checked.text


def test_the_list_offers_supervised_sessions_that_still_need_a_report(client, staff, family):
    needs_one = supervised_booking(family)
    supported = supervised_booking(family, kind=ContactSession.Kind.SUPPORTED)
    upcoming = supervised_booking(family, date=TODAY + datetime.timedelta(days=7))
    client.force_login(staff)

    page = client.get(url("report_list")).text

    assert url("report_create", needs_one.pk) in page
    assert url("report_create", supported.pk) not in page
    assert url("report_create", upcoming.pk) not in page


def test_the_list_costs_the_same_number_of_queries_however_many_reports(
    client, staff, checker, family, queries_stay_flat
):
    checked(draft(staff, family), checker)
    supervised_booking(family)
    client.force_login(staff)

    def add_more():
        for number in range(3):
            other = user_create(
                email=f"author{number}@example.test", full_name=f"Author {number}", role=Role.STAFF
            )
            case = CaseFactory()
            checked(draft(other, case), checker)
            draft(checker, case)
            supervised_booking(case)

    response = queries_stay_flat(url("report_list"), add_more=add_more)
    assert response.text.count(">Open<span") == 7


# Who may use the pages.


def _all_report_urls(report, recipient):
    gets = [
        url("report_list"),
        url("report_create", report.booking.pk),
        url("report_detail", report.pk),
        url("report_edit", report.pk),
        url("report_recipient_add", report.pk),
        url("report_print", report.pk),
        url("report_pdf", report.pk),
    ]
    posts = [
        url("report_recipient_add", report.pk),
        url("report_recipient_remove", report.pk, recipient.pk),
        url("report_check", report.pk),
        url("report_send", report.pk),
        url("report_edit", report.pk),
        url("report_create", report.booking.pk),
    ]
    return gets, posts


def test_volunteers_are_refused_every_report_page(client, staff, volunteer, family):
    report = draft(staff, family)
    recipient = add_recipient(report, staff, name="Fictional Cafcass officer")
    gets, posts = _all_report_urls(report, recipient)
    client.force_login(volunteer)

    for address in gets:
        assert client.get(address).status_code == 403, address
    for address in posts:
        assert client.post(address, {"basis": "x", "kind": "court", "name": "x"}).status_code == (
            403
        ), address
    assert report.recipients.count() == 1
    assert reload(report).status == SupervisedReport.Status.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(client, staff, family):
    report = draft(staff, family)
    recipient = add_recipient(report, staff, name="Fictional Cafcass officer")
    gets, posts = _all_report_urls(report, recipient)

    for address in gets:
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/" in response["Location"], address
    for address in posts:
        assert client.post(address).status_code == 302, address
    assert report.recipients.count() == 1


def test_the_actions_take_only_post(client, staff, checker, family):
    report = draft(staff, family)
    recipient = add_recipient(report, staff, name="Fictional Cafcass officer")
    client.force_login(checker)

    for address in (
        url("report_mark_ready", report.pk),
        url("report_withdraw", report.pk),
        url("report_send", report.pk),
        url("report_recipient_remove", report.pk, recipient.pk),
    ):
        assert client.get(address).status_code == 405, address
    assert reload(report).status == SupervisedReport.Status.DRAFT
    assert report.recipients.count() == 1


def test_a_report_that_does_not_exist_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(url("report_detail", 999)).status_code == 404
    assert client.get(url("report_create", 999)).status_code == 404


def test_the_report_pages_pass_the_page_audit(client, staff, checker, full_report, family):
    waiting = draft(staff, family)
    client.force_login(checker)
    pages = [
        url("report_list"),
        url("report_create", supervised_booking(family).pk),
        url("report_detail", waiting.pk),
        url("report_detail", checked(draft(staff, family), checker).pk),
        url("report_detail", full_report.pk),
        url("report_edit", waiting.pk),
        url("report_recipient_add", waiting.pk),
        url("report_print", full_report.pk),
    ]
    problems = []
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        audit = PageAudit()
        audit.feed(response.text)
        problems += [f"{address}: {problem}" for problem in audit.finish()]
    assert not problems, "\n".join(problems)


# A confidential parent's words never to reach the other party (a new partner's name, a
# school, a workplace) are refused in a report: when it is written, and again when it is
# checked and sent, in case she asked after it was written.

NEVER = "Kestrel Marsh\nSt Aidan's Primary"


@pytest.fixture
def hiding(family):
    family.resident.never_disclose = NEVER
    family.resident.save()
    return family


@pytest.mark.parametrize(
    "field,text",
    [
        ("observations", "Juno talked about her friends at st aidan's  primary."),
        ("who_attended", "Juno, her mother's partner Kestrel Marsh, the supervisor."),
        ("concerns", "Father asked about KESTREL MARSH twice."),
    ],
)
def test_a_report_naming_a_phrase_never_to_disclose_is_refused(staff, hiding, field, text):
    with pytest.raises(ValidationError) as refused:
        draft(staff, hiding, **{field: text})
    assert field in refused.value.message_dict
    assert "never to let reach the other party" in refused.value.message_dict[field][0]
    assert "Kestrel" not in refused.value.message_dict[field][0]


def test_a_draft_changed_to_name_a_phrase_is_refused_and_keeps_its_text(staff, hiding):
    report = draft(staff, hiding)
    report.observations = "They spoke about St Aidan's Primary."
    with pytest.raises(ValidationError):
        report_update(report=report, actor=staff)
    report.refresh_from_db()
    assert "Aidan" not in report.observations


def test_a_phrase_asked_for_after_writing_stops_the_check_and_the_sending(staff, checker, family):
    report = ready(draft(staff, family, observations="Juno mentioned Kestrel Marsh picks her up."))
    family.resident.never_disclose = NEVER
    family.resident.save()
    with pytest.raises(ValidationError, match="never to let reach the other party"):
        report_check(report=report, actor=checker)
    report.refresh_from_db()
    assert report.status == report.Status.READY


def test_a_checked_report_is_not_sent_once_a_phrase_is_asked_for(staff, checker, family):
    report = checked(draft(staff, family, observations="Juno drew Kestrel Marsh."), checker)
    add_recipient(report, staff, name="Cafcass officer")
    family.resident.never_disclose = NEVER
    family.resident.save()
    with pytest.raises(ValidationError, match="never to let reach the other party"):
        report_send(report=report, basis="Court order of 1 November 2026", actor=staff)
    report.refresh_from_db()
    assert report.status == report.Status.CHECKED
    assert not report.recipients.filter(report__sent_at__isnull=False).exists()


def test_a_report_without_the_phrases_goes_out(staff, checker, hiding):
    report = checked(draft(staff, hiding), checker)
    add_recipient(report, staff, name="Cafcass officer")
    sent = report_send(report=report, basis="Court order of 1 November 2026", actor=staff)
    assert sent.status == sent.Status.SENT
