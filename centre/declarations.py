"""The staff and finance records the retention schedule covers.

- ``hr-file``: a staff member who has left, with their file (personal details, the
  documents of the HR file, DBS checks), six years after their last day, on that date
  whatever else is kept. Records under rules of their own (a document of another
  category used since, parental leave) stay until their own dates, attached to a
  reference-only stub of the staff member (no name, contact details, date of birth or
  history), which goes with the last of them. The account they signed in with is
  anonymised rather than deleted, as the centre's records of what they did point to it.
- ``staff-other``: each document of a category outside the HR file that has a date last
  used, three years after it. Such a document without that date goes with the HR file.
- ``dbs-certificate``: each DBS check that still has a certificate copy, six months after
  the check: the copy is destroyed, its date, number, decision and outcome kept.
- ``parental-leave`` and ``finance``: each record on its own.
"""

from django.contrib.auth.hashers import make_password
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from centre.dates import add_months
from core.declarations import Retainable, ids_in, own_reference
from core.purge import purge, purge_history_files

from .models import DBSCheck, FinanceRecord, ParentalLeave, StaffDocument, StaffMember

HR_FILE_CATEGORIES = (
    StaffDocument.Category.REFERENCE,
    StaffDocument.Category.REDUNDANCY,
    StaffDocument.Category.CONTRACT,
)


def staff_reference(path=""):
    """The staff member's reference (former, else ours) from a row reaching them by ``path``."""
    return Coalesce(
        NullIf(f"{path}former_reference", Value("")),
        own_reference("ST", f"{path}id" if path else "pk"),
    )


def _staff_held(path):
    return lambda subjects: ids_in(subjects, "staff-member", path)


def _parental_leave_clock():
    return Coalesce("adopted_on", "child_born_on")


def _later_records():
    """The condition, on staff members, of having records that rules of their own keep
    past the HR file: a document of another category with a date last used
    (``staff-other``) or parental leave (``parental-leave``)."""
    documents = StaffDocument.objects.filter(
        staff_member=OuterRef("pk"), last_used_on__isnull=False
    ).exclude(category__in=HR_FILE_CATEGORIES)
    leave = ParentalLeave.objects.filter(staff_member=OuterRef("pk"))
    return Exists(documents) | Exists(leave)


def _hr_files():
    """Leavers whose HR file is still whole, and the stubs nothing is kept for any more
    (the last later record went by a way that did not take the stub with it)."""
    return StaffMember.objects.filter(ended_on__isnull=False).filter(
        Q(details_removed_on__isnull=True) | ~_later_records()
    )


def _stub_due_on(ids, rules):
    """A stub left alone is listed from the day its details were removed at the earliest."""
    return dict(
        StaffMember.objects.filter(pk__in=ids, details_removed_on__isnull=False).values_list(
            "pk", "details_removed_on"
        )
    )


def staff_file_dispose(staff_member):
    """The HR file, on its own date (``hr-file``). Where records under rules of their own
    remain (a training document used since, parental leave), they stay until their own
    dates, attached to a reference-only stub of the staff member (``staff_member_stub``);
    otherwise the staff member goes whole, with their file. The account they signed in
    with is anonymised either way."""
    user = staff_member.user
    if StaffMember.objects.filter(pk=staff_member.pk).filter(_later_records()).exists():
        staff_member_stub(staff_member)
    else:
        purge([staff_member])
    if user is not None:
        user_anonymise(user)


def staff_member_stub(staff_member):
    """Dispose of the HR file and keep the staff member as a stub for the records that
    outlive it: their reference, role and dates, and nothing else. Their DBS checks and
    the documents that are part of the HR file go with their files; every history row of
    the staff member, and of their records no longer there, goes."""
    pk = staff_member.pk
    kept = StaffDocument.objects.filter(staff_member_id=pk, last_used_on__isnull=False).exclude(
        category__in=HR_FILE_CATEGORIES
    )
    purge(
        [
            *DBSCheck.objects.filter(staff_member_id=pk),
            *StaffDocument.objects.filter(staff_member_id=pk).exclude(pk__in=kept.values("pk")),
        ]
    )
    for model, files in ((StaffDocument, ["file"]), (DBSCheck, ["certificate_copy"])):
        gone = set(
            model.history.filter(staff_member_id=pk)
            .exclude(id__in=model.objects.filter(staff_member_id=pk).values("pk"))
            .values_list("id", flat=True)
        )
        if gone:
            purge_history_files(model, gone, files)
            model.history.filter(id__in=gone).delete()
    StaffMember.history.filter(id=pk).delete()
    StaffMember.objects.filter(pk=pk).update(
        first_name="",
        last_name="",
        email="",
        phone="",
        address="",
        postcode="",
        date_of_birth=None,
        job_title="",
        confidentiality_agreement_signed_on=None,
        user=None,
        details_removed_on=timezone.localdate(),
    )


def staff_later_record_dispose(record):
    """A record kept past the HR file under its own rule: the last of a stub's to go takes
    the stub with it."""
    staff_id = record.staff_member_id
    purge([record])
    purge(
        list(
            StaffMember.objects.filter(pk=staff_id, details_removed_on__isnull=False).exclude(
                _later_records()
            )
        )
    )


def user_anonymise(user):
    """Keep the account row the centre's records point to, without the person in it."""
    from .models import User

    User.history.filter(id=user.pk).delete()
    User.objects.filter(pk=user.pk).update(
        full_name=f"Former staff member {user.pk}",
        email=f"disposed-{user.pk}@invalid.invalid",
        is_active=False,
        is_safeguarding_lead=False,
        password=make_password(None),
    )


def dbs_certificate_strip(check):
    """Destroy the certificate copy, in the record and its history; keep the rest."""
    purge_history_files(DBSCheck, [check.pk], ["certificate_copy"])
    check.certificate_copy = ""
    check.certificate_destroyed_on = timezone.localdate()
    check._change_reason = "Certificate copy destroyed under the retention schedule"
    check.save()


def _single(record):
    purge([record])


STAFF_RETAINED = Retainable(
    kind="staff",
    rule="hr-file",
    records=_hr_files,
    clock="ended_on",
    ref=staff_reference(),
    held=_staff_held("pk"),
    dispose=staff_file_dispose,
    summary=lambda row: (
        f"HR file of a {StaffMember.Role(row['role']).label.lower()} "
        f"who left on {row['ended_on']:%d/%m/%Y}"
        + (" (only its reference is left)" if row["details_removed_on"] else "")
    ),
    summary_fields=("role", "ended_on", "details_removed_on"),
    later_due_on=_stub_due_on,
    label="Staff member's HR file",
    view_url=lambda pk: reverse("centre:staff_detail", args=[pk]),
)
STAFF_DOCUMENT_RETAINED = Retainable(
    kind="staff-document",
    rule="staff-other",
    records=lambda: StaffDocument.objects.exclude(category__in=HR_FILE_CATEGORIES).filter(
        last_used_on__isnull=False
    ),
    clock="last_used_on",
    ref=staff_reference("staff_member__"),
    held=_staff_held("staff_member_id"),
    dispose=staff_later_record_dispose,
    summary=lambda row: (
        f"{StaffDocument.Category(row['category']).label} document, "
        f"last used {row['last_used_on']:%d/%m/%Y}"
    ),
    summary_fields=("category", "last_used_on"),
    label="Staff document",
)
DBS_CHECK_RETAINED = Retainable(
    kind="dbs-check",
    rule="dbs-certificate",
    records=lambda: DBSCheck.objects.filter(
        Q(certificate_copy__gt="")
        | Q(certificate_copy_held_elsewhere=True, certificate_destroyed_on__isnull=True)
    ),
    clock="checked_on",
    ref=staff_reference("staff_member__"),
    held=_staff_held("staff_member_id"),
    dispose=dbs_certificate_strip,
    summary=lambda row: (
        f"Certificate copy of the DBS check of {row['checked_on']:%d/%m/%Y}"
        + (" (a copy held outside Handover)" if row["certificate_copy_held_elsewhere"] else "")
    ),
    summary_fields=("checked_on", "certificate_copy_held_elsewhere"),
    label="DBS certificate copy",
)
PARENTAL_LEAVE_RETAINED = Retainable(
    kind="parental-leave",
    rule="parental-leave",
    records=lambda: ParentalLeave.objects.all(),
    clock=_parental_leave_clock(),
    ref=staff_reference("staff_member__"),
    held=_staff_held("staff_member_id"),
    dispose=staff_later_record_dispose,
    extended=Q(disability_allowance=True),
    summary=lambda row: f"Parental leave from {row['starts_on']:%d/%m/%Y}",
    summary_fields=("starts_on",),
    label="Parental leave",
)
FINANCE_RECORD_RETAINED = Retainable(
    kind="finance-record",
    rule="finance",
    records=lambda: FinanceRecord.objects.all(),
    clock=Coalesce("spans_later_years_until", "financial_year_end"),
    ref=Coalesce(NullIf("former_reference", Value("")), own_reference("FIN")),
    held=lambda subjects: Q(pk__in=[]),
    dispose=_single,
    summary=lambda row: (
        f"{FinanceRecord.Category(row['category']).label}, financial year "
        f"ending {row['financial_year_end']:%d/%m/%Y}"
    ),
    summary_fields=("category", "financial_year_end"),
    label="Finance record",
)


# Personal data, for privacy requests ---------------------------------------------------

from django.urls import reverse  # noqa: E402

from core.declarations import PersonalData  # noqa: E402

from .models import Disclosure, User  # noqa: E402

STAFF_PURPOSE = "To employ you or have you volunteer, and to keep children safe in doing so"
STAFF_BASIS = (
    "Your contract of employment or volunteering, and legal obligations (UK GDPR Article "
    "6(1)(b) and (c)); for criminal records, safer recruitment (DPA 2018 Schedule 1 "
    "paragraph 1, 10 and 18)"
)
STAFF_SOURCE = "You, your referees, the Disclosure and Barring Service and the centre"

STAFF_PERSONAL_DATA = PersonalData(
    kind="Staff member",
    records=lambda: StaffMember.objects.all(),
    describe=lambda member: f"Staff member {member.reference}",
    name_fields=("first_name", "last_name"),
    dob_fields=("date_of_birth",),
    email_fields=("email",),
    phone_fields=("phone",),
    postcode_fields=("postcode",),
    edit_url=lambda member: reverse("centre:staff_edit", args=[member.pk]),
    pack_fields=(
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("date_of_birth", "Date of birth"),
        ("email", "E-mail"),
        ("phone", "Phone"),
        ("address", "Address"),
        ("postcode", "Postcode"),
        ("role", "Role"),
        ("job_title", "Job title"),
        ("paid", "Paid"),
        ("started_on", "Started on"),
        ("ended_on", "Left on"),
        ("confidentiality_agreement_signed_on", "Confidentiality agreement signed on"),
    ),
    subject="staff-member",
    links={"staff-member": "pk"},
    category="Your staff record: contact details, role and dates",
    purpose=STAFF_PURPOSE,
    lawful_basis=STAFF_BASIS,
    source=STAFF_SOURCE,
    retention=("hr-file",),
    portable_fields=(
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "postcode",
    ),
)
DBS_CHECK_PERSONAL_DATA = PersonalData(
    kind="DBS check",
    records=lambda: DBSCheck.objects.select_related("staff_member"),
    describe=lambda check: (
        f"DBS check of {check.checked_on:%d/%m/%Y} for {check.staff_member.reference}"
    ),
    pack_fields=(
        ("checked_on", "Checked on"),
        ("certificate_number", "Certificate number"),
        ("level", "Level"),
        ("decision", "Decision"),
        ("outcome", "Outcome"),
        ("certificate_destroyed_on", "Certificate copy destroyed on"),
    ),
    links={"staff-member": "staff_member"},
    category="Your DBS checks",
    purpose="Safer recruitment: to check you may work with children",
    lawful_basis=STAFF_BASIS,
    source="The Disclosure and Barring Service and you",
    retention=("dbs-certificate", "hr-file"),
)
STAFF_DOCUMENT_PERSONAL_DATA = PersonalData(
    kind="Staff document",
    records=lambda: StaffDocument.objects.select_related("staff_member"),
    describe=lambda document: (
        f"Document {document.pk} on the file of {document.staff_member.reference}"
    ),
    # The stored file's title and category, never its bytes.
    pack_fields=(
        ("category", "Kind"),
        ("title", "Title"),
        ("last_used_on", "Last used on"),
        ("notes", "Notes"),
    ),
    links={"staff-member": "staff_member"},
    category="Documents on your staff file",
    purpose=STAFF_PURPOSE,
    lawful_basis=STAFF_BASIS,
    source=STAFF_SOURCE,
    retention=("hr-file", "staff-other"),
)
PARENTAL_LEAVE_PERSONAL_DATA = PersonalData(
    kind="Parental leave",
    records=lambda: ParentalLeave.objects.select_related("staff_member"),
    describe=lambda leave: (
        f"Parental leave from {leave.starts_on:%d/%m/%Y} for {leave.staff_member.reference}"
    ),
    pack_fields=(
        ("starts_on", "Starts on"),
        ("ends_on", "Ends on"),
        ("child_born_on", "Child born on"),
        ("adopted_on", "Adopted on"),
        ("disability_allowance", "The child receives a disability allowance"),
    ),
    links={"staff-member": "staff_member"},
    category="Your parental leave",
    purpose="To give you the leave and pay the law provides",
    lawful_basis=STAFF_BASIS,
    source="You",
    retention=("parental-leave",),
)
ACCOUNT_PERSONAL_DATA = PersonalData(
    kind="Sign-in account",
    records=lambda: User.objects.all(),
    describe=lambda user: f"Sign-in account {user.pk}",
    name_fields=("full_name",),
    email_fields=("email",),
    pack_fields=(
        ("full_name", "Name"),
        ("email", "E-mail"),
        ("is_active", "Can sign in"),
        ("date_joined", "Created on"),
    ),
    links={"staff-member": "staff_record"},
    category="Your account for signing in to Handover",
    purpose="To let you use Handover, and to keep a record of who did what in it",
    lawful_basis=STAFF_BASIS,
    source="The centre",
    retention=("hr-file",),
)


def _disclosures_about(kind):
    """Disclosures about these adults or children, and those about their case as a
    whole (none about another person of it)."""

    def link(people):
        cases = [person.case.display_reference for person in people]
        return Q(person_kind=kind, person_id__in=[person.pk for person in people]) | Q(
            person_kind="", case_reference__in=cases
        )

    return link


DISCLOSURE_PERSONAL_DATA = PersonalData(
    kind="Disclosure",
    records=lambda: Disclosure.objects.all(),
    describe=lambda disclosure: (
        f"Disclosure of {timezone.localtime(disclosure.disclosed_at):%d/%m/%Y}"
    ),
    pack_fields=(
        ("disclosed_at", "Disclosed on"),
        ("recipient_type", "Kind of recipient"),
        ("recipient", "To"),
        ("what", "What"),
        ("basis_kind", "Lawful basis"),
        ("basis", "Details of the basis"),
        ("person_told", "You were told"),
    ),
    links={"adult": _disclosures_about("adult"), "child": _disclosures_about("child")},
    category="The disclosure log: who your records were shared with, when and why",
    purpose="To account for every disclosure of personal data outside the centre",
    lawful_basis="A legal obligation (UK GDPR Article 5(2), accountability)",
    source="Centre staff",
    retention=("contact-court", "contact-self"),
)


# Erasure ---------------------------------------------------------------------------------

# What a member of staff can ask to have erased: their file, once the law no longer
# requires the centre to keep it. HR records are kept for six years after employment or
# volunteering ends (a legal obligation), so until then the file is kept, with that
# reason recorded; holds keep it too (``retention.erasure``).

from core.declarations import Erasable  # noqa: E402


def _exemptions(member, periods):
    if member.ended_on is None:
        return ["They still work at the centre: their HR file is needed"]
    keep_until = add_months(member.ended_on, periods["hr-file"])

    if timezone.localdate() < keep_until:
        return [
            "A legal obligation: HR records are kept until "
            f"{keep_until:%d/%m/%Y}, six years after their last day"
        ]
    return []


STAFF_ERASABLE = Erasable(
    subject="staff-member",
    kind="staff",
    records=lambda: StaffMember.objects.all(),
    rule=lambda member: "hr-file",
    ref=lambda member: member.reference,
    summary="A staff member's HR file",
    held=lambda subjects: ids_in(subjects, "staff-member", "pk"),
    exemptions=_exemptions,
    dispose=staff_file_dispose,
    view_url=lambda member: reverse("centre:staff_detail", args=[member.pk]),
)


# Records ---------------------------------------------------------------------------------
#
# Each model of centre declared once (``core.declarations.Record``). Centre owns accounts
# and signing in, so it also declares the models of the third-party apps behind them
# (auth, contenttypes, sessions, django-otp, django-axes), and those of the base layer,
# which imports no app and so declares nothing itself. The order matters: the access pack
# shows its sections in the order the personal data is declared.

from core.declarations import (  # noqa: E402
    Copy,
    Expires,
    GoesWith,
    NoPersonalData,
    Record,
    declare,
)

EVERYONE = ("manager", "staff", "volunteer")
DISCLOSURE_KEPT = "an entry kept for accountability names whose data left by reference only"

declare(
    Record(
        "centre.staffmember",
        retention=(STAFF_RETAINED,),
        personal_data=(STAFF_PERSONAL_DATA,),
        erasable=(STAFF_ERASABLE,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "centre.dbscheck",
        retention=(DBS_CHECK_RETAINED,),
        personal_data=(DBS_CHECK_PERSONAL_DATA,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "centre.staffdocument",
        retention=(STAFF_DOCUMENT_RETAINED,),
        personal_data=(STAFF_DOCUMENT_PERSONAL_DATA,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "centre.parentalleave",
        retention=(PARENTAL_LEAVE_RETAINED,),
        personal_data=(PARENTAL_LEAVE_PERSONAL_DATA,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "centre.user",
        retention=GoesWith(
            "centre.staffmember",
            "switched off the night after the staff member's last day, and anonymised, not "
            "deleted, when their HR file is disposed of (user_anonymise): the centre's "
            "records of what they did point to it",
        ),
        personal_data=(ACCOUNT_PERSONAL_DATA,),
        # The manager's staff access page, and everyone's own account page.
        read_by=EVERYONE,
    )
)
declare(
    Record(
        "centre.financerecord",
        retention=(FINANCE_RECORD_RETAINED,),
        read_by=("manager",),
    )
)
declare(
    Record(
        "centre.disclosure",
        retention=Expires(
            "An entry goes with its case or person: a case's disposal takes every entry "
            "about it, by its references and its sent reports, whatever made it (attendance's "
            "CASE_RECORDS, centre.disclosures.disclosures_leaving), and an adult's or "
            "child's erasure the entries about them (the PURGED hook below). An entry of a "
            "disclosure to the police, a court, Cafcass or a local authority is kept for "
            "accountability instead, stripped to the references of what was disclosed, the "
            "date, the kind of recipient and the lawful basis (details_removed_on). Those, "
            "and entries about no case or person, are deleted seven years after the "
            "disclosure, as the proofs of disposal, by the nightly centre.tasks."
            "expire_disclosures"
        ),
        personal_data=(DISCLOSURE_PERSONAL_DATA,),
        read_by=("manager", "staff"),
        # An entry kept for accountability (to the police, a court, Cafcass or a local
        # authority) outlives the case, naming whose data left by reference only.
        copies=(
            Copy("case_reference", of="referrals.case", kept=DISCLOSURE_KEPT),
            Copy("person_label", of="referrals.case", holds="mention", kept=DISCLOSURE_KEPT),
            Copy("person_label", of="referrals.adult", holds="mention", kept=DISCLOSURE_KEPT),
            Copy("person_label", of="referrals.child", holds="mention", kept=DISCLOSURE_KEPT),
        ),
    )
)
declare(
    Record(
        "centre.centreprofile",
        retention=Expires(
            "The data controller's name, a person's, printed in the privacy notice: the "
            "profile holds the current one while it is current; in its history an earlier "
            "name is blanked seven years after another replaced it, by the nightly "
            "centre.tasks.forget_replaced_controller_names"
        ),
        # The privacy notice, which anyone may read, prints it.
        read_by=EVERYONE,
    )
)
declare(
    Record(
        "centre.privacynoticeversion",
        retention=NoPersonalData(
            "Each version of the privacy notice: its number, date and what changed. Who "
            "published it is a link to their account, anonymised with their HR file"
        ),
        read_by=EVERYONE,
    )
)
# The base layer's own records (core imports no app, so they are declared here).
declare(
    Record(
        "core.pendingfiledeletion",
        retention=NoPersonalData(
            "The generated name of a stored file whose record was disposed of, deleted "
            "once the file is removed from storage"
        ),
    )
)
declare(
    Record(
        "core.auditevent",
        retention=Expires(
            "The audit trail: which account did what and when, in which role and from which "
            "network address. Kept seven years from the event, so that it outlives what it "
            "describes, then removed nightly by retention.tasks.expire_audit_trail_and_proofs "
            "through the database function handover_expire_audit_trail(), the only way the "
            "application's database role can delete a row of it"
        ),
        read_by=("manager",),
        copies=(
            Copy(
                "object_id",
                holds="key",
                type_field="kind",
                kept="the audit trail keeps the id of what each event was about, never content",
            ),
        ),
    )
)
declare(
    Record(
        "centre.signedinsession",
        retention=GoesWith(
            "sessions.session",
            "deleted with its session: at sign-out, when a person's sessions are ended, "
            "and nightly once the session is gone (forget_expired_sign_in_records); it "
            "cascades from the account",
        ),
        # Everyone's account page lists their own sessions; the manager ends anyone's.
        read_by=EVERYONE,
    )
)

declare(
    Record(
        "centre.passwordresetask",
        retention=Expires(
            "A request for a password-reset link (the address typed, as a keyed digest, and "
            "the network address): counted for an hour towards the limit on links sent, "
            "then deleted nightly (forget_expired_sign_in_records)"
        ),
    )
)

# Django's, django-otp's and django-axes' records.

declare(
    Record(
        "auth.permission",
        retention=NoPersonalData("What a role may do: a code and a name for each permission"),
    )
)
declare(
    Record(
        "auth.group",
        retention=NoPersonalData(
            "The three roles (centre.roles); who holds one is on their account"
        ),
        # The manager's staff access page gives an account its role.
        read_by=("manager",),
    )
)
declare(
    Record(
        "contenttypes.contenttype",
        retention=NoPersonalData("The name of each kind of record"),
    )
)
declare(
    Record(
        "sessions.session",
        retention=Expires(
            "Deleted at sign-out. A session ends after 30 minutes without a request or 12 "
            "hours after the password was given, and the nightly "
            "forget_expired_sign_in_records deletes it; switching an account off ends "
            "all of its sessions at once (sessions_end)"
        ),
    )
)
declare(
    Record(
        "otp_totp.totpdevice",
        retention=GoesWith(
            "centre.user",
            "cascades from the account; resetting a person's second factor deletes it. An "
            "account disposed of with its HR file is anonymised, not deleted, so the "
            "device stays with an account that names no one",
        ),
        # Setting up the authenticator app shows a person their own device's key.
        read_by=EVERYONE,
    )
)
declare(
    Record(
        "otp_static.staticdevice",
        retention=GoesWith(
            "centre.user",
            "cascades from the account; new recovery codes or a second factor reset "
            "replace or delete it. An account disposed of with its HR file is anonymised, "
            "not deleted, so the device stays with an account that names no one",
        ),
        read_by=EVERYONE,
    )
)
declare(
    Record(
        "otp_static.statictoken",
        retention=GoesWith(
            "otp_static.staticdevice",
            "cascades from its device; a recovery code is deleted once used",
        ),
        # A person is shown their own new recovery codes once.
        read_by=EVERYONE,
    )
)
declare(
    Record(
        "axes.accessattempt",
        retention=Expires(
            "A count of failed sign-ins for a typed name from one address: a right password "
            "clears it (AXES_RESET_ON_SUCCESS), and the nightly "
            "forget_expired_sign_in_records deletes any older than the 15-minute lockout "
            "(AXES_COOLOFF_TIME)"
        ),
    )
)
declare(
    Record(
        "axes.accessattemptexpiration",
        retention=GoesWith(
            "axes.accessattempt",
            "cascades from its count of failed sign-ins (and is never written: "
            "AXES_USE_ATTEMPT_EXPIRATION is off)",
        ),
    )
)
declare(
    Record(
        "axes.accesslog",
        retention=NoPersonalData(
            "Never written: AXES_DISABLE_ACCESS_LOG is on, as the audit trail records sign-ins"
        ),
    )
)
declare(
    Record(
        "axes.accessfailurelog",
        retention=NoPersonalData(
            "Never written: AXES_ENABLE_ACCESS_FAILURE_LOG is off (django-axes' default)"
        ),
    )
)


# When an adult or child goes (with their case, or erased on their own), the disclosure
# log's entries about them go too, or are kept for accountability with references only.

from core.declarations import PURGED, declarations  # noqa: E402

from .disclosures import disclosures_about_people, disclosures_leaving  # noqa: E402

PERSON_KINDS = {"referrals.adult": "adult", "referrals.child": "child"}


def _disclosures_of_purged_people(doomed):
    for model, ids in doomed.items():
        person_kind = PERSON_KINDS.get(model._meta.label_lower)
        if person_kind and ids:
            leaving = disclosures_leaving(disclosures_about_people(person_kind, ids))
            Disclosure.objects.filter(pk__in=[entry.pk for entry in leaving]).delete()


declarations.add(PURGED, _disclosures_of_purged_people)


# Home cards
# The manager's: whether the centre's details are filled in, and the people who work here.
from core.cards import Card  # noqa: E402
from core.declarations import HOME_CARD, declarations  # noqa: E402

from . import cards  # noqa: E402

declarations.add(
    HOME_CARD,
    Card(
        "centre-details",
        roles=("manager",),
        order=20,
        template="home/cards/centre_details.html",
        figures=cards.centre_details,
    ),
)
declarations.add(
    HOME_CARD,
    Card(
        "people",
        roles=("manager",),
        order=80,
        template="home/cards/people.html",
        figures=cards.people,
        counts=cards.people_counts,
    ),
)


# The person picker finds staff members by name, date of birth or reference.
from core.declarations import PEOPLE_SEARCH  # noqa: E402

from . import people_search  # noqa: E402

declarations.add(PEOPLE_SEARCH, people_search.SOURCE)
