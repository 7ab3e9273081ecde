from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import audit
from core.pages import form_page

from . import two_factor
from .access import public, requires
from .downloads import file_download
from .forms import (
    CentreProfileForm,
    DBSCheckForm,
    FinanceRecordForm,
    ParentalLeaveForm,
    SignInAccessForm,
    StaffDocumentForm,
    StaffMemberForm,
)
from .models import (
    CentreProfile,
    DBSCheck,
    FinanceRecord,
    ParentalLeave,
    StaffDocument,
    StaffMember,
)
from .services import record_save, staff_member_save, staff_member_set_access
from .sessions import open_sessions_of, sessions_end


def _record_form_page(
    request, *, form_class, instance, title, back_url, saved, intro="", attach=None, save=None
):
    """Create or edit one record through ``form_class``; ``attach`` sets the fields the
    form does not show (the staff member a document belongs to); ``save`` is the service
    that writes it, ``record_save`` unless the record has more to keep in step."""
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = form_class(*data, instance=instance)

    def on_valid(form):
        record = form.save(commit=False)
        if attach:
            attach(record)
        (save or record_save)(record=record, actor=request.user)
        return back_url

    return form_page(
        request,
        form=form,
        title=title,
        on_valid=on_valid,
        back_url=back_url,
        intro=intro,
        success=saved,
    )


# The health check.


@public
def health(request):
    """For the load balancer and docker-compose: can we reach the database and the cache?
    Says nothing about any person or record. Only the database is vital: without Redis
    every page still works and every write is kept (the database holds what is pending),
    so that answers 200 and "degraded", and the server stays in service."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("health-check", "ok", timeout=5)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "unavailable"
    except Exception:  # any failure of the cache means it is unavailable
        checks["cache"] = "unavailable"
    if checks["database"] != "ok":
        return JsonResponse(checks, status=503)
    if checks["cache"] != "ok":
        return JsonResponse({**checks, "status": "degraded"})
    return JsonResponse(checks)


# The centre profile.


@requires("centre.change_centreprofile")
@require_http_methods(["GET", "POST"])
def centre_profile_edit(request):
    return _record_form_page(
        request,
        form_class=CentreProfileForm,
        instance=CentreProfile.load(),
        title="The centre's details",
        intro="These details appear on the public privacy notice.",
        back_url=reverse("home"),
        saved="The centre's details are saved.",
    )


# The staff register.


@requires("centre.view_staffmember")
def staff_list(request):
    showing_former = request.GET.get("show") == "former"
    people = StaffMember.objects.former() if showing_former else StaffMember.objects.current()
    people = people.select_related("user").annotate(last_dbs_check=Max("dbs_checks__checked_on"))
    return render(
        request,
        "centre/staff_list.html",
        {"people": people, "showing_former": showing_former},
    )


@requires("centre.add_staffmember")
@require_http_methods(["GET", "POST"])
def staff_create(request):
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = StaffMemberForm(*data)

    def on_valid(form):
        person = record_save(record=form.save(commit=False), actor=request.user)
        messages.success(
            request, f"Staff member {person.reference} is added to the staff register."
        )
        return reverse("centre:staff_detail", args=[person.pk])

    return form_page(
        request,
        form=form,
        title="Add someone to the staff register",
        on_valid=on_valid,
        back_url=reverse("centre:staff_list"),
    )


@requires("centre.view_staffmember")
def staff_detail(request, pk):
    person = get_object_or_404(StaffMember.objects.select_related("user"), pk=pk)
    return render(
        request,
        "centre/staff_detail.html",
        {
            "person": person,
            "dbs_checks": person.dbs_checks.all(),
            "documents": person.documents.all(),
            "parental_leave": person.parental_leave.all(),
            "open_sessions": open_sessions_of(person.user).count() if person.user else 0,
            "has_two_factor": person.user is not None and two_factor.has_app_device(person.user),
        },
    )


@requires("centre.change_staffmember")
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    person = get_object_or_404(StaffMember, pk=pk)
    return _record_form_page(
        request,
        form_class=StaffMemberForm,
        instance=person,
        title=f"Edit {person.full_name}",
        back_url=reverse("centre:staff_detail", args=[person.pk]),
        saved="The changes are saved.",
        save=lambda record, actor: staff_member_save(staff_member=record, actor=actor),
    )


@requires("centre.change_user")
@require_http_methods(["GET", "POST"])
def staff_access(request, pk):
    person = get_object_or_404(StaffMember.objects.select_related("user"), pk=pk)
    back_url = reverse("centre:staff_detail", args=[person.pk])
    user = person.user
    initial = {
        "is_active": True if user is None else user.is_active,
        "is_safeguarding_lead": user is not None and user.is_safeguarding_lead,
    }
    form = SignInAccessForm(request.POST or None, initial=initial)
    if request.method == "POST" and not person.email:
        form.add_error(
            None, "Add an e-mail address to this person's record first: it is their login."
        )

    def on_valid(form):
        staff_member_set_access(
            staff_member=person,
            is_active=form.cleaned_data["is_active"],
            is_safeguarding_lead=form.cleaned_data["is_safeguarding_lead"],
            actor=request.user,
            request=request,
        )
        if user is None:
            messages.success(
                request, "The account is created and a link to choose a password is sent."
            )
        else:
            messages.success(request, "The account is updated.")
        return back_url

    return form_page(
        request,
        form=form,
        title=f"Signing in: {person.full_name}",
        intro=(
            "Their role comes from the staff register. A new account has no password "
            "until the person chooses one from the link we e-mail them."
        ),
        on_valid=on_valid,
        back_url=back_url,
    )


def _with_an_account(pk):
    person = get_object_or_404(StaffMember.objects.select_related("user"), pk=pk)
    if person.user is None:
        raise Http404("This person has no account.")
    return person


@requires("centre.change_user")
@require_POST
def staff_sessions_end(request, pk):
    """The manager signs a person out everywhere at once (a tablet left signed in, a
    password that may have leaked)."""
    person = _with_an_account(pk)
    ended = sessions_end(user=person.user)
    audit.record(request, audit.Action.SESSIONS_ENDED, kind="centre.user", object_id=person.user.pk)
    messages.success(
        request,
        f"{person.reference} is signed out of {ended} session{'s' if ended != 1 else ''}."
        if ended
        else f"{person.reference} was not signed in anywhere.",
    )
    return redirect("centre:staff_detail", pk=person.pk)


@requires("centre.change_user")
@require_POST
def staff_two_factor_reset(request, pk):
    """A lost phone: the manager forgets the person's authenticator app and recovery
    codes and signs them out; they set the app up again when they next sign in."""
    person = _with_an_account(pk)
    with transaction.atomic():
        two_factor.two_factor_reset(user=person.user)
        sessions_end(user=person.user)
        audit.record(
            request, audit.Action.TWO_FACTOR_RESET, kind="centre.user", object_id=person.user.pk
        )
    messages.success(
        request,
        f"The two-factor sign-in of {person.reference} is reset. They set up their authenticator "
        "app again when they next sign in.",
    )
    return redirect("centre:staff_detail", pk=person.pk)


def _staff_record_views(model, form_class, *, noun, label, file_field, perm_name):
    """The create, edit and download views of one kind of record on a staff file."""

    @requires(f"centre.add_{perm_name}")
    @require_http_methods(["GET", "POST"])
    def create(request, pk):
        person = get_object_or_404(StaffMember, pk=pk)

        def attach(record):
            record.staff_member = person

        return _record_form_page(
            request,
            form_class=form_class,
            instance=model(staff_member=person),
            title=f"Add a {noun} for {person.full_name}",
            back_url=reverse("centre:staff_detail", args=[person.pk]),
            saved=f"The {noun} is saved.",
            attach=attach,
        )

    @requires(f"centre.change_{perm_name}")
    @require_http_methods(["GET", "POST"])
    def edit(request, pk):
        record = get_object_or_404(model.objects.select_related("staff_member"), pk=pk)
        return _record_form_page(
            request,
            form_class=form_class,
            instance=record,
            title=f"Edit {noun}: {record.staff_member.full_name}",
            back_url=reverse("centre:staff_detail", args=[record.staff_member_id]),
            saved="The changes are saved.",
        )

    download = None
    if file_field:

        @requires(f"centre.view_{perm_name}")
        def download(request, pk):
            return file_download(request, get_object_or_404(model, pk=pk), file_field, label)

    return create, edit, download


dbs_check_create, dbs_check_edit, dbs_certificate_download = _staff_record_views(
    DBSCheck,
    DBSCheckForm,
    noun="DBS check",
    label="dbs-certificate",
    file_field="certificate_copy",
    perm_name="dbscheck",
)
staff_document_create, staff_document_edit, staff_document_download = _staff_record_views(
    StaffDocument,
    StaffDocumentForm,
    noun="document",
    label="staff-document",
    file_field="file",
    perm_name="staffdocument",
)
parental_leave_create, parental_leave_edit, _ = _staff_record_views(
    ParentalLeave,
    ParentalLeaveForm,
    noun="parental leave record",
    label="parental-leave",
    file_field=None,
    perm_name="parentalleave",
)


# Finance records.


@requires("centre.view_financerecord")
def finance_list(request):
    return render(request, "centre/finance_list.html", {"records": FinanceRecord.objects.all()})


@requires("centre.add_financerecord")
@require_http_methods(["GET", "POST"])
def finance_create(request):
    return _record_form_page(
        request,
        form_class=FinanceRecordForm,
        instance=FinanceRecord(),
        title="Add a finance record",
        back_url=reverse("centre:finance_list"),
        saved="The finance record is saved.",
    )


@requires("centre.change_financerecord")
@require_http_methods(["GET", "POST"])
def finance_edit(request, pk):
    return _record_form_page(
        request,
        form_class=FinanceRecordForm,
        instance=get_object_or_404(FinanceRecord, pk=pk),
        title="Edit finance record",
        back_url=reverse("centre:finance_list"),
        saved="The changes are saved.",
    )


@requires("centre.view_financerecord")
def finance_download(request, pk):
    return file_download(request, get_object_or_404(FinanceRecord, pk=pk), "file", "finance-record")
