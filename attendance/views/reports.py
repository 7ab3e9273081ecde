"""Supervised contact reports: the list, writing and changing a draft, its distribution
list, the quality check by someone other than the author, sending it (which records a
disclosure per recipient), and the printable page and PDF. Its routes are in
``urlpatterns`` below.

Every write goes through a service (``attendance.report_services`` for drafts and the
distribution list, ``attendance.services`` for the check and the send); a refusal is
shown in words and changes nothing."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centre.access import requires
from centre.models import CentreProfile, Disclosure
from core import audit
from core.pages import add_service_errors, form_page
from referrals.views.common import refuse_while_restricted

from .. import report_services, services
from ..models import Booking, ContactSession, ReportRecipient, SupervisedReport
from ..report_pdf import report_pdf

Status = SupervisedReport.Status
REPORTS_PER_PAGE = 50
AWAITING_SHOWN = 20
DISCLOSURE_LABEL = "supervised-report"  # what report_send writes as the record label

NO_CONTACT_DETAILS = "No addresses, postcodes, phone numbers or e-mail addresses."


# Forms.


class TimeInput(forms.TimeInput):
    """The browser's own time picker; it always sends 24-hour times."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any"),
            (Status.DRAFT, "Draft"),
            (Status.READY, "Ready for checking"),
            ("returned", "Returned to its author"),
            (Status.CHECKED, "Checked, to send"),
            (Status.SENT, "Sent"),
            ("overdue", "Overdue (not sent in time)"),
        ],
    )

    def filter(self, reports):
        if not self.is_valid() or not self.cleaned_data["status"]:
            return reports
        status = self.cleaned_data["status"]
        if status == "returned":
            return reports.filter(status=Status.DRAFT, returned_at__isnull=False).exclude(
                return_comments=""
            )
        if status == "overdue":
            latest = report_services.overdue_session_dates_before(timezone.localdate())
            return reports.exclude(status=Status.SENT).filter(booking__session__date__lte=latest)
        return reports.filter(status=status)


def _flag_overdue(reports, today):
    for report in reports:
        report.overdue = report_services.report_is_overdue(
            session_date=report.booking.session.date, status=report.status, today=today
        )
        report.due_on = report_services.report_due_on(report.booking.session.date)
    return reports


class ReportForm(forms.ModelForm):
    class Meta:
        model = SupervisedReport
        fields = report_services.CONTENT_FIELDS
        widgets = {
            "who_attended": forms.Textarea(attrs={"rows": 3}),
            "started_at": TimeInput(),
            "ended_at": TimeInput(),
            "observations": forms.Textarea(attrs={"rows": 10}),
            "concerns": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "who_attended": (
                "Who was there, by name and part: for example the visiting parent, the "
                f"children and you. {NO_CONTACT_DETAILS}"
            ),
            "observations": (
                "A summary of what happened, in your own words: not a verbatim record of "
                "what was said. Describe what you saw, not what you think it means. "
                f"{NO_CONTACT_DETAILS}"
            ),
            "concerns": f"Anything that worried you, and what you did. {NO_CONTACT_DETAILS}",
            "court_ordered": (
                "Tick if a court ordered this report: it may then go only to the people "
                "the order names."
            ),
        }


class _AdultChoice(forms.ModelChoiceField):
    def label_from_instance(self, adult):
        return f"{adult.full_name} ({adult.get_role_display()})"


class RecipientForm(forms.ModelForm):
    adult = _AdultChoice(
        label="Which parent",
        queryset=None,
        required=False,
        help_text=(
            "For a parent only: the adult of this family it goes to. Leave the name blank "
            "to use theirs."
        ),
    )

    class Meta:
        model = ReportRecipient
        fields = ["kind", "name", "adult", "named_in_order"]
        labels = {"kind": "Who they are", "name": "Name"}
        help_texts = {
            "name": "A person's name, or an organisation and the person in it. Never an address."
        }

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adult"].queryset = report.booking.case.adults.all()
        self.fields["name"].required = False
        if not report.court_ordered:
            named = self.fields["named_in_order"]
            named.help_text = "Only matters for a report ordered by a court."


class SendForm(forms.Form):
    basis = forms.CharField(
        label="On what basis is it shared?",
        max_length=300,
        help_text=(
            "For example \u201cCourt order of 01/10/2026\u201d or \u201cConsent of both "
            "parents\u201d. It is recorded with each disclosure."
        ),
        error_messages={"required": "Say on what basis the report is shared."},
    )


# Object access: every member of staff may see every report; volunteers none (the
# permission on each view decides that), so a report that does not exist is all a 404 hides.


def _report_or_404(pk):
    reports = SupervisedReport.objects.select_related(
        "booking__session", "booking__case", "author", "checked_by", "sent_by", "returned_by"
    )
    return get_object_or_404(reports, pk=pk)


def _report_url(report):
    return reverse("attendance:report_detail", args=[report.pk])


# The form pages of a report: the shared form page with the report and its session.
REPORT_FORM = "attendance/report_form.html"


# The list.


@requires("attendance.view_supervisedreport")
@require_GET
def report_list(request):
    filters = ReportFilterForm(request.GET)
    reports = filters.filter(
        SupervisedReport.objects.select_related(
            "booking__session", "booking__case", "author", "checked_by"
        ).order_by("-booking__session__date", "-booking__session__starts_at", "-pk")
    )
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    _flag_overdue(page.object_list, timezone.localdate())
    awaiting = []
    if request.user.has_perm("attendance.add_supervisedreport"):
        awaiting = list(
            Booking.objects.filter(
                session__kind=ContactSession.Kind.SUPERVISED,
                session__date__lte=timezone.localdate(),
                report__isnull=True,
            )
            .select_related("session", "case")
            .order_by("-session__date", "-session__starts_at")[:AWAITING_SHOWN]
        )
    return render(
        request,
        "attendance/report_list.html",
        {
            "page": page,
            "filters": filters,
            "awaiting": awaiting,
            "target_days": report_services.report_target_working_days(),
        },
    )


# Writing and changing a draft.


def _booking_refusal(booking):
    """Why no report can be written for ``booking``, or ``""``. The service says the same;
    the page says it before anyone has typed a report."""
    session = booking.session
    if session.kind != ContactSession.Kind.SUPERVISED:
        return (
            f"The session of {session} is {session.get_kind_display().lower()}: reports "
            "are written for supervised contact only."
        )
    if session.date > timezone.localdate():
        return (
            f"The session of {session.date:%d/%m/%Y} has not taken place yet: write its "
            "report afterwards."
        )
    return ""


def _who_attended_suggestion(booking):
    case = booking.case
    people = [f"{adult.full_name} ({adult.get_role_display()})" for adult in case.adults.all()]
    people += [f"{child.first_name} (child)" for child in case.children.all()]
    return "\n".join(people)


@requires("attendance.add_supervisedreport")
@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("session", "case"), pk=pk)
    existing = SupervisedReport.objects.filter(booking=booking).first()
    if existing is not None:
        messages.info(request, "This session already has a report: here it is.")
        return redirect(_report_url(existing))
    if refused := refuse_while_restricted(request, booking.case):
        return refused
    refusal = _booking_refusal(booking)
    if refusal:
        messages.error(request, refusal)
        return redirect("attendance:report_list")
    instance = SupervisedReport(booking=booking, author=request.user)
    if request.method == "POST":
        form = ReportForm(request.POST, instance=instance)
    else:
        form = ReportForm(
            instance=instance,
            initial={
                "who_attended": _who_attended_suggestion(booking),
                "started_at": booking.visiting_arrives_at,
                "ended_at": booking.visiting_leaves_at,
            },
        )

    def on_valid(form):
        report = report_services.report_create(report=form.save(commit=False), actor=request.user)
        messages.success(
            request,
            "The report is saved as a draft. Someone other than you must check it before "
            "it can be sent.",
        )
        return _report_url(report)

    return form_page(
        request,
        form=form,
        template=REPORT_FORM,
        submit_label="Save",
        title="Write the supervised contact report",
        intro=(
            "Write it soon after the session, while it is fresh. It is a draft until someone "
            "else has checked it."
        ),
        back_url=reverse("attendance:report_list"),
        on_valid=on_valid,
        booking=booking,
    )


@requires("attendance.change_supervisedreport")
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    if report.status != Status.DRAFT:
        messages.error(
            request,
            f"This report is {report.get_status_display().lower()}, so it can no longer be "
            "changed: it must stay as it was checked.",
        )
        return redirect(_report_url(report))
    form = ReportForm(request.POST or None, instance=report)

    def on_valid(form):
        report_services.report_update(report=form.save(commit=False), actor=request.user)
        messages.success(request, "The draft is saved.")
        return _report_url(report)

    return form_page(
        request,
        form=form,
        template=REPORT_FORM,
        submit_label="Save",
        title="Change the draft report",
        back_url=_report_url(report),
        on_valid=on_valid,
        report=report,
        booking=report.booking,
    )


# The report page, and its distribution list.


def _detail_context(request, report, *, send_form=None):
    recipients = list(report.recipients.select_related("adult"))
    disclosures = Disclosure.objects.filter(
        record_label=DISCLOSURE_LABEL, record_id=report.pk
    ).select_related("disclosed_by")
    not_named = [r.name for r in recipients if not r.named_in_order]
    return {
        "report": report,
        "booking": report.booking,
        "session": report.booking.session,
        "case": report.booking.case,
        "recipients": recipients,
        "not_named": not_named if report.court_ordered else [],
        "disclosures": disclosures,
        "is_author": report.author_id == request.user.pk,
        "overdue": report_services.report_is_overdue(
            session_date=report.booking.session.date,
            status=report.status,
            today=timezone.localdate(),
        ),
        "due_on": report_services.report_due_on(report.booking.session.date),
        "target_days": report_services.report_target_working_days(),
        "recipient_form": RecipientForm(report=report) if report.status != Status.SENT else None,
        "send_form": send_form or SendForm(),
    }


@requires("attendance.view_supervisedreport")
@require_GET
def report_detail(request, pk):
    report = _report_or_404(pk)
    audit.sensitive_read(
        request, "supervised report", report.pk, line="report-view id={id} user={user}"
    )
    return render(request, "attendance/report_detail.html", _detail_context(request, report))


@requires("attendance.add_reportrecipient")
@require_http_methods(["GET", "POST"])
def report_recipient_add(request, pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    if report.status == Status.SENT:
        messages.error(request, "This report has been sent: its distribution list is closed.")
        return redirect(_report_url(report))
    form = RecipientForm(
        request.POST or None, report=report, instance=ReportRecipient(report=report)
    )

    def on_valid(form):
        report_services.report_recipient_add(recipient=form.save(commit=False), actor=request.user)
        messages.success(request, "The recipient is on the distribution list.")
        return _report_url(report) + "#distribution"

    return form_page(
        request,
        form=form,
        template=REPORT_FORM,
        submit_label="Save",
        title="Add to the distribution list",
        back_url=_report_url(report) + "#distribution",
        on_valid=on_valid,
        report=report,
        booking=report.booking,
    )


@requires("attendance.change_reportrecipient")
@require_POST
def report_recipient_remove(request, pk, recipient_pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    recipient = get_object_or_404(ReportRecipient, pk=recipient_pk, report=report)
    try:
        report_services.report_recipient_remove(recipient=recipient, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The recipient is off the distribution list.")
    return redirect(_report_url(report) + "#distribution")


# The quality check and sending.


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label="What should the author change?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Your comments are shown to the author until they mark the report ready again. "
            f"{NO_CONTACT_DETAILS}"
        ),
        error_messages={"required": "Say what the author should change."},
    )


def _refuse_own(request, report, doing):
    """The author never checks or returns their own report: the button is not shown, and
    a request made anyway is refused."""
    if report.author_id == request.user.pk:
        return render(
            request,
            "attendance/report_refused.html",
            {"report": report, "doing": doing},
            status=403,
        )
    return None


def _service_errors_to_messages(request, error):
    for message in error.messages:
        messages.error(
            request, message if "Nothing" in message else f"{message} Nothing has changed."
        )


@requires("attendance.change_supervisedreport")
@require_POST
def report_mark_ready(request, pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    try:
        report_services.report_mark_ready(report=report, actor=request.user, request=request)
    except ValidationError as error:
        _service_errors_to_messages(request, error)
    else:
        messages.success(
            request,
            "The report is ready for checking. Those who may check it have been told by "
            "e-mail; until someone has, you may withdraw it to change it.",
        )
    return redirect(_report_url(report) + "#check")


@requires("attendance.change_supervisedreport")
@require_POST
def report_withdraw(request, pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    try:
        report_services.report_withdraw(report=report, actor=request.user)
    except ValidationError as error:
        _service_errors_to_messages(request, error)
    else:
        messages.success(request, "The report is a draft again: change it, then mark it ready.")
    return redirect(_report_url(report))


@requires("attendance.check_supervisedreport")
@require_http_methods(["GET", "POST"])
def report_return(request, pk):
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    if refused := _refuse_own(request, report, "check"):
        return refused
    if report.status != Status.READY:
        messages.error(
            request,
            f"This report is {report.get_status_display().lower()}: only a report marked "
            "ready for checking can be returned.",
        )
        return redirect(_report_url(report))
    form = ReturnForm(request.POST or None)

    def on_valid(form):
        report_services.report_return(
            report=report,
            comments=form.cleaned_data["comments"],
            actor=request.user,
            request=request,
        )
        messages.success(
            request, "The report is returned to its author with your comments. They are told."
        )
        return _report_url(report)

    return form_page(
        request,
        form=form,
        template=REPORT_FORM,
        submit_label="Return to the author",
        title="Return the report to its author",
        intro=(
            "The report becomes a draft again, which its author can change. They are told "
            "by e-mail, which names no one, and see your comments on the report."
        ),
        back_url=_report_url(report),
        on_valid=on_valid,
        report=report,
        booking=report.booking,
    )


@requires("attendance.check_supervisedreport")
@require_http_methods(["GET", "POST"])
def report_check(request, pk):
    """The first click (a GET, or a POST without ``confirm``) shows what checking does
    and changes nothing; only the POST from that page with ``confirm=yes`` checks."""
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    if refused := _refuse_own(request, report, "check"):
        return refused
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.report_check(report=report, actor=request.user, request=request)
        except ValidationError as error:
            _service_errors_to_messages(request, error)
        else:
            messages.success(
                request,
                "You have checked the report. It can no longer be changed and can now be sent.",
            )
        return redirect(_report_url(report) + "#check")
    if report.status != Status.READY:
        messages.error(
            request,
            f"This report is {report.get_status_display().lower()}: only a report marked "
            "ready for checking can be checked.",
        )
        return redirect(_report_url(report) + "#check")
    return render(request, "attendance/report_check_confirm.html", _detail_context(request, report))


@requires("attendance.send_supervisedreport")
@require_POST
def report_send(request, pk):
    """The first POST (from the report page, with the basis) shows to whom the report
    goes and what leaves, and sends nothing; only the POST from that page with
    ``confirm=yes`` sends. On a refusal the report page comes back with the basis as it
    was typed."""
    report = _report_or_404(pk)
    if refused := refuse_while_restricted(request, report.booking.case):
        return refused
    form = SendForm(request.POST)
    if form.is_valid():
        if request.POST.get("confirm") != "yes":
            if report.status == Status.CHECKED:
                context = _detail_context(request, report, send_form=form)
                return render(request, "attendance/report_send_confirm.html", context)
            form.add_error(None, "Only a checked report can be sent.")
        else:
            try:
                services.report_send(
                    report=report, basis=form.cleaned_data["basis"], actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = report.recipients.count()
                messages.success(
                    request,
                    f"The report is marked as sent, and its disclosure to {count} "
                    f"recipient{'s' if count != 1 else ''} is recorded.",
                )
                return redirect(_report_url(report) + "#disclosures")
    context = _detail_context(request, report, send_form=form)
    return render(request, "attendance/report_detail.html", context)


# The printable page and the PDF.


def _report_for_print(pk):
    report = _report_or_404(pk)
    # Names and kinds only: the printable report never shows anyone's contact details.
    report.printed_recipients = list(report.recipients.only("kind", "name", "named_in_order"))
    return report


@requires("attendance.view_supervisedreport")
@require_GET
def report_print(request, pk):
    report = _report_for_print(pk)
    audit.sensitive_read(
        request, "supervised report print", report.pk, line="report-print id={id} user={user}"
    )
    return render(
        request,
        "attendance/report_print.html",
        {
            "report": report,
            "session": report.booking.session,
            "case": report.booking.case,
            "centre": CentreProfile.load(),
        },
    )


@requires("attendance.view_supervisedreport")
@require_GET
def report_pdf_download(request, pk):
    report = _report_or_404(pk)
    audit.sensitive_read(
        request, "supervised report pdf", report.pk, line="report-pdf id={id} user={user}"
    )
    content = report_pdf(report=report, centre_name=CentreProfile.load().name)
    response = HttpResponse(content, content_type="application/pdf")
    # The file name says nothing about anyone.
    response["Content-Disposition"] = (
        f'attachment; filename="supervised-contact-report-{report.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("reports/", report_list, name="report_list"),
    path("bookings/<int:pk>/report/new/", report_create, name="report_create"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/<int:pk>/recipients/add/", report_recipient_add, name="report_recipient_add"),
    path(
        "reports/<int:pk>/recipients/<int:recipient_pk>/remove/",
        report_recipient_remove,
        name="report_recipient_remove",
    ),
    path("reports/<int:pk>/ready/", report_mark_ready, name="report_mark_ready"),
    path("reports/<int:pk>/withdraw/", report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/return/", report_return, name="report_return"),
    path("reports/<int:pk>/check/", report_check, name="report_check"),
    path("reports/<int:pk>/send/", report_send, name="report_send"),
    path("reports/<int:pk>/print/", report_print, name="report_print"),
    path("reports/<int:pk>/pdf/", report_pdf_download, name="report_pdf"),
]
