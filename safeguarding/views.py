"""Raising a safeguarding concern, and the designated safeguarding lead's and the
manager's list and page of concerns.

Anyone at the centre may raise a concern; nobody but the lead and the manager may read
one afterwards, not even the person who raised it: there is no page for them to do so."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from attendance.models import Booking
from centre.access import requires, requires_or_safeguarding_lead
from core.pages import add_service_errors
from referrals.models import Case

from .access_log import Kind as AccessKind
from .access_log import record_access
from .forms import ConcernForm
from .models import Concern
from .services import concern_mark_seen, concern_raise

CONCERNS_PER_PAGE = 50

# The reference of the concern just raised, for the confirmation page to show once.
RAISED_SESSION_KEY = "safeguarding_concern_raised"

read_concerns = requires_or_safeguarding_lead("safeguarding.view_concern")


def _booking_for(request):
    """The register booking the concern is raised from (``?booking=<pk>``), if the user
    may raise one from it. Someone who cannot open cases (a volunteer) may use only a
    booking of today's sessions, the ones the register shows them; anything else is
    ignored and the form asks for the child to be described in words."""
    pk = request.GET.get("booking", "")
    if not pk.isdigit():
        return None
    booking = Booking.objects.select_related("case", "session").filter(pk=pk).first()
    if booking is None:
        return None
    if not request.user.has_perm("referrals.view_case") and (
        booking.session.date != timezone.localdate()
    ):
        return None
    return booking


def _case_for(request):
    """A case picked before the form (``?case=<pk>``): only for those who may open cases."""
    pk = request.GET.get("case", "")
    if not pk.isdigit() or not request.user.has_perm("referrals.view_case"):
        return None
    return Case.objects.filter(pk=pk).first()


@requires("safeguarding.add_concern")
@require_http_methods(["GET", "POST"])
def concern_create(request):
    user = request.user
    booking = _booking_for(request)
    case = booking.case if booking else _case_for(request)
    concern = Concern(case=case, booking=booking)
    initial = {"where": booking.session.room} if booking else {}
    form = ConcernForm(
        request.POST if request.method == "POST" else None,
        instance=concern,
        initial=initial,
        case=case,
        can_choose_case=user.has_perm("referrals.view_case"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            concern = concern_raise(
                concern=form.save(commit=False),
                children=form.cleaned_data.get("children") or [],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[RAISED_SESSION_KEY] = concern.reference
            return redirect("safeguarding:concern_raised")
    # Volunteers use the tablet; so does anyone raising it from a register card: the
    # form then looks like the register it came from (its header, its large targets).
    tablet = booking is not None or not user.has_perm("referrals.view_case")
    if booking is not None:
        back_url = (
            f"{reverse('attendance:register', args=[booking.session_id])}#booking-{booking.pk}"
        )
    elif tablet:
        back_url = reverse("attendance:register_today")
    else:
        back_url = reverse("home")
    return render(
        request,
        "safeguarding/concern_form_tablet.html" if tablet else "safeguarding/concern_form.html",
        {"form": form, "case": case, "booking": booking, "tablet": tablet, "back_url": back_url},
    )


@requires("safeguarding.add_concern")
@require_safe
def concern_raised(request):
    """The confirmation, once: the reference and nothing of what was written."""
    reference = request.session.pop(RAISED_SESSION_KEY, None)
    if reference is None:
        return redirect("home")
    # A volunteer raised it on the tablet: the answer is in the register's look too.
    tablet = not request.user.has_perm("referrals.view_case")
    return render(
        request,
        "safeguarding/concern_raised_tablet.html" if tablet else "safeguarding/concern_raised.html",
        {"reference": reference, "tablet": tablet},
    )


@read_concerns
@require_safe
def concern_list(request):
    concerns = Concern.objects.select_related("raised_by")
    page = Paginator(concerns, CONCERNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "safeguarding/concern_list.html", {"page": page})


def concern_for_page(pk):
    """A concern for its page. The view's rule admits only those who may read every
    concern (the lead and the manager), so there is nothing more to check here yet."""
    return get_object_or_404(
        Concern.objects.select_related("raised_by", "case", "booking__session"), pk=pk
    )


@read_concerns
@require_safe
def concern_detail(request, pk):
    concern = concern_for_page(pk)
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    record_access(user=request.user, kind=AccessKind.CONCERN, record_id=concern.pk)
    concern_mark_seen(concern=concern, actor=request.user)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {"concern": concern, "children": concern.children.all()},
    )
