"""The records on a case: its people, protective orders, pre-visits, consents,
communications and documents. Each form page saves through a service and returns to its
section of the case page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from centre.access import requires
from centre.downloads import file_download
from centre.services import record_save
from core.pages import form_page

from .. import services
from ..forms import (
    AdultForm,
    CaseDocumentForm,
    ChildForm,
    CommunicationForm,
    ConsentForm,
    ConsentWithdrawForm,
    PreVisitForm,
    ProtectiveOrderForm,
)
from ..models import (
    Adult,
    Case,
    CaseDocument,
    Child,
    Communication,
    Consent,
    PreVisit,
    ProtectiveOrder,
)
from .common import CASE_FORM, case_url, refuse_while_restricted


def _bound(request):
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _record_page(request, *, case, form, title, section, saved, save=None, intro=""):
    """Save the form's record through ``save`` (``record_save`` unless the record has a
    service of its own) and go back to the record's section of the case page. Nothing
    is written while the case's records are restricted."""
    if refused := refuse_while_restricted(request, case):
        return refused

    def on_valid(form):
        record = form.save(commit=False)
        (save or _save_record)(record, form, request.user)
        messages.success(request, saved)
        return case_url(case, section)

    return form_page(
        request,
        form=form,
        title=title,
        intro=intro,
        template=CASE_FORM,
        case=case,
        back_url=case_url(case, section),
        on_valid=on_valid,
    )


def _save_record(record, form, actor):
    return record_save(record=record, actor=actor)


# The people.


@requires("referrals.add_adult")
@require_http_methods(["GET", "POST"])
def adult_create(request, pk):
    case = get_object_or_404(Case, pk=pk)
    return _record_page(
        request,
        case=case,
        form=AdultForm(*_bound(request), instance=Adult(case=case)),
        title=f"Add an adult to {case}",
        intro="A parent, carer or other adult who may attend. Each adult is kept apart "
        "from the other party: tick 'confidential' where one must not learn where the "
        "other lives.",
        section="adults",
        saved="The adult is added to the case.",
    )


@requires("referrals.change_adult")
@require_http_methods(["GET", "POST"])
def adult_edit(request, pk):
    adult = get_object_or_404(Adult.objects.select_related("case"), pk=pk)
    return _record_page(
        request,
        case=adult.case,
        form=AdultForm(*_bound(request), instance=adult),
        title=f"Edit {adult.full_name} ({adult.case})",
        section="adults",
        saved="The changes are saved.",
    )


@requires("referrals.add_child")
@require_http_methods(["GET", "POST"])
def child_create(request, pk):
    case = get_object_or_404(Case, pk=pk)
    return _record_page(
        request,
        case=case,
        form=ChildForm(*_bound(request), instance=Child(case=case)),
        title=f"Add a child to {case}",
        intro="Medical needs are not recorded here: they go on the pre-visit, and only "
        "with explicit consent.",
        section="children",
        saved="The child is added to the case.",
    )


@requires("referrals.change_child")
@require_http_methods(["GET", "POST"])
def child_edit(request, pk):
    child = get_object_or_404(Child.objects.select_related("case"), pk=pk)
    return _record_page(
        request,
        case=child.case,
        form=ChildForm(*_bound(request), instance=child),
        title=f"Edit {child.full_name} ({child.case})",
        section="children",
        saved="The changes are saved.",
    )


# Protective orders.


@requires("referrals.add_protectiveorder")
@require_http_methods(["GET", "POST"])
def protective_order_create(request, pk):
    case = get_object_or_404(Case, pk=pk)
    return _record_page(
        request,
        case=case,
        form=ProtectiveOrderForm(*_bound(request), instance=ProtectiveOrder(case=case)),
        title=f"Add a protective order to {case}",
        section="protective-orders",
        saved="The protective order is recorded.",
    )


@requires("referrals.change_protectiveorder")
@require_http_methods(["GET", "POST"])
def protective_order_edit(request, pk):
    order = get_object_or_404(ProtectiveOrder.objects.select_related("case"), pk=pk)
    return _record_page(
        request,
        case=order.case,
        form=ProtectiveOrderForm(*_bound(request), instance=order),
        title=f"Edit the protective order ({order.case})",
        section="protective-orders",
        saved="The changes are saved.",
    )


# Pre-visits.


def _save_pre_visit(record, form, actor):
    return services.pre_visit_save(
        pre_visit=record, children=form.cleaned_data["children"], actor=actor
    )


@requires("referrals.add_previsit")
@require_http_methods(["GET", "POST"])
def pre_visit_create(request, pk):
    case = get_object_or_404(Case, pk=pk)
    form = PreVisitForm(
        *_bound(request),
        case=case,
        instance=PreVisit(case=case),
        initial={"conducted_by": request.user.pk},
    )
    return _record_page(
        request,
        case=case,
        form=form,
        title=f"Record a pre-visit for {case}",
        intro="One pre-visit for each adult, on their own. The case can become active once "
        "each parent's pre-visit is complete: ground rules agreed and witnessed, and "
        "arrival and departure arrangements agreed.",
        section="pre-visits",
        saved="The pre-visit is recorded.",
        save=_save_pre_visit,
    )


@requires("referrals.change_previsit")
@require_http_methods(["GET", "POST"])
def pre_visit_edit(request, pk):
    visit = get_object_or_404(PreVisit.objects.select_related("case", "adult"), pk=pk)
    return _record_page(
        request,
        case=visit.case,
        form=PreVisitForm(*_bound(request), case=visit.case, instance=visit),
        title=f"Edit the pre-visit with {visit.adult.full_name} ({visit.case})",
        section="pre-visits",
        saved="The changes are saved.",
        save=_save_pre_visit,
    )


@requires("referrals.view_previsit")
def pre_visit_photograph(request, pk):
    return file_download(request, get_object_or_404(PreVisit, pk=pk), "photograph", "photograph")


# Consents.


@requires("referrals.add_consent")
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    case = get_object_or_404(Case, pk=pk)

    def save(record, form, actor):
        record.recorded_by = actor
        return record_save(record=record, actor=actor)

    return _record_page(
        request,
        case=case,
        form=ConsentForm(*_bound(request), case=case, instance=Consent(case=case)),
        title=f"Record a consent for {case}",
        intro="Explicit consent to record special category information, such as a "
        "child's medical needs. Say exactly what it covers and why.",
        section="consents",
        saved="The consent is recorded.",
        save=save,
    )


@requires("referrals.change_consent")
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk):
    consent = get_object_or_404(Consent.objects.select_related("case", "given_by"), pk=pk)
    case = consent.case
    if refused := refuse_while_restricted(request, case):
        return refused
    if not consent.is_active:
        messages.info(
            request, f"This consent was already withdrawn on {consent.withdrawn_on:%d/%m/%Y}."
        )
        return redirect(case_url(case, "consents"))
    form = ConsentWithdrawForm(request.POST or None, consent=consent)

    def on_valid(form):
        services.consent_withdraw(
            consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], actor=request.user
        )
        messages.success(
            request,
            "The consent is withdrawn, and the information it covered is erased from the "
            "records and their history.",
        )
        return case_url(case, "consents")

    return form_page(
        request,
        form=form,
        title=f"Withdraw consent from {consent.given_by.full_name} ({case})",
        intro=f"Consent to record {consent.scope}, given on {consent.given_on:%d/%m/%Y}. "
        "Withdrawing it erases the medical needs recorded under it, from the pre-visits and "
        "from their history. This cannot be undone.",
        template=CASE_FORM,
        case=case,
        back_url=case_url(case, "consents"),
        on_valid=on_valid,
        submit_label="Withdraw the consent",
    )


# Communications and documents.


@requires("referrals.add_communication")
@require_http_methods(["GET", "POST"])
def communication_create(request, pk):
    case = get_object_or_404(Case, pk=pk)

    def save(record, form, actor):
        record.recorded_by = actor
        return record_save(record=record, actor=actor)

    return _record_page(
        request,
        case=case,
        form=CommunicationForm(*_bound(request), instance=Communication(case=case)),
        title=f"Log a communication on {case}",
        section="communications",
        saved="The communication is logged.",
        save=save,
    )


@requires("referrals.add_casedocument")
@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    case = get_object_or_404(Case, pk=pk)

    def save(record, form, actor):
        record.uploaded_by = actor
        return record_save(record=record, actor=actor)

    return _record_page(
        request,
        case=case,
        form=CaseDocumentForm(*_bound(request), instance=CaseDocument(case=case)),
        title=f"Upload a document to {case}",
        section="documents",
        saved="The document is uploaded.",
        save=save,
    )


@requires("referrals.view_casedocument")
def document_download(request, pk):
    return file_download(request, get_object_or_404(CaseDocument, pk=pk), "file", "case-document")
