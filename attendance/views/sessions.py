"""The staff's session pages: the list of sessions, a session and its bookings, and the
forms that create and change sessions and book families into them with their handover
plans. Its routes are in ``urlpatterns`` below. Every write goes through a service; a
service's refusal is shown on the form and nothing is saved."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from centre.access import requires
from centre.forms import CentreModelForm, DateInput
from centre.models import User
from centre.roles import Role
from core.pages import form_page
from core.picker import PersonPickerField, PickerFormMixin
from referrals.models import Case
from referrals.restrictions import case_write_refusal
from referrals.views.common import CASE_FORM, case_url, refuse_while_restricted

from .. import selectors, session_services
from ..models import Booking, ContactSession
from ..services import booking_mark_absent

SESSIONS_PER_PAGE = 50


# Forms ----------------------------------------------------------------------------


class TimeInput(forms.TimeInput):
    """The browser's own time picker; it sends 24-hour times."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _people(*roles):
    return (
        User.objects.filter(is_active=True, groups__name__in=[role.value for role in roles])
        .distinct()
        .order_by("full_name")
    )


def _session_label(session):
    booked = getattr(session, "booked", None)
    room = f"{session.room}, {session.get_kind_display().split(' (')[0].lower()}"
    places = "" if booked is None else f" ({booked} of {session.capacity} booked)"
    when = f"{session.date:%a %d/%m/%Y} {session.starts_at:%H:%M}–{session.ends_at:%H:%M}"
    return f"{when}, {room}{places}"


class SessionForm(CentreModelForm):
    repeat_until = forms.DateField(
        label="Repeat every week until",
        required=False,
        widget=DateInput,
        help_text="Optional: the same session every week, up to and including this date.",
    )

    class Meta:
        model = ContactSession
        fields = [
            "date",
            "starts_at",
            "ends_at",
            "kind",
            "room",
            "capacity",
            "staff_on_duty",
            "volunteers_on_duty",
            "notes",
        ]
        labels = {"starts_at": "Starts at", "ends_at": "Ends at"}
        help_texts = {"capacity": "Supervised contact takes one family: capacity 1."}
        widgets = {
            "starts_at": TimeInput,
            "ends_at": TimeInput,
            "staff_on_duty": forms.CheckboxSelectMultiple,
            "volunteers_on_duty": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, repeatable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_on_duty"].queryset = _people(Role.STAFF, Role.MANAGER)
        self.fields["staff_on_duty"].help_text = "Staff members and the centre manager."
        self.fields["volunteers_on_duty"].queryset = _people(Role.VOLUNTEER)
        self.fields["volunteers_on_duty"].help_text = "They keep the register on the tablet."
        if not repeatable:
            del self.fields["repeat_until"]


PLAN_FIELDS = [
    "resident_arrives_at",
    "visiting_arrives_at",
    "visiting_leaves_at",
    "resident_collects_at",
    "resident_entrance",
    "visiting_entrance",
    "who_may_collect",
    "not_to_collect",
    "notes",
]
TIME_FIELDS = PLAN_FIELDS[:4]


class BookingPlanForm(CentreModelForm):
    """A booking's handover plan: the times and entrances that keep the parents apart,
    and who may (and may not) collect the child."""

    class Meta:
        model = Booking
        fields = PLAN_FIELDS
        widgets = {
            **dict.fromkeys(TIME_FIELDS, TimeInput),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        arrives, leaves = data.get("visiting_arrives_at"), data.get("visiting_leaves_at")
        if arrives and leaves and leaves <= arrives:
            self.add_error("visiting_leaves_at", "The visiting parent must leave after arriving.")
        return data


class NewBookingForm(PickerFormMixin, BookingPlanForm):
    """Book a case into a session, once or as a series. Booked from the session, the
    family is found by name, date of birth or reference among the cases the session can
    take (the person picker); from the case, the session is chosen, and the times left
    blank follow the session (the usual practice)."""

    repeat = forms.TypedChoiceField(
        label="Repeat",
        choices=[
            ("", "Just this session"),
            (session_services.WEEKLY, "Every week"),
            (session_services.FORTNIGHTLY, "Every fortnight"),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Each date needs a session at the same time in the same room.",
    )
    repeat_until = forms.DateField(label="Repeat until", required=False, widget=DateInput)

    class Meta(BookingPlanForm.Meta):
        fields = ["case", "session", *PLAN_FIELDS]
        labels = {"case": "Family", "session": "Session"}

    def __init__(self, *args, session=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session, self.case = session, case
        if session is not None:
            del self.fields["session"]
            bookable = selectors.bookable_cases(session=session).prefetch_related(None)
            self.fields["case"] = PersonPickerField(
                kinds=("case",),
                within={"case": list(bookable.values_list("pk", flat=True))},
                label="Family",
                help_text="Active cases not yet booked into this session: type a parent's or "
                "child's name, a date of birth (for example 3/4/2019) or the case reference, "
                "then Find, and choose the family.",
            )
            who = self.fields["who_may_collect"]
            who.required = False
            who.help_text = (
                "Names, as volunteers see them. Left blank, it is taken from the family's "
                "pre-visits."
            )
        else:
            del self.fields["case"]
            sessions = self.fields["session"]
            sessions.queryset = selectors.bookable_sessions(case=case)
            sessions.label_from_instance = _session_label
            sessions.help_text = "Sessions from today on that the family is not booked into."
            for name in TIME_FIELDS:
                self.fields[name].required = False
                self.fields[
                    name
                ].help_text = "Left blank, it follows the usual practice for the session's times."
        self.picker_set_up()

    def clean_case(self):
        chosen = self.cleaned_data.get("case")
        return chosen[1] if chosen else None

    def clean(self):
        data = self.cleaned_data
        session = self.session or data.get("session")
        case = self.case or data.get("case")
        if self.case is not None and session is not None:
            usual = session_services.plan_times(session)
            for name in TIME_FIELDS:
                if data.get(name) is None and name not in self.errors:
                    data[name] = usual[name]
        if self.session is not None and case is not None and not data.get("who_may_collect"):
            data["who_may_collect"] = session_services.who_may_collect_for(case)
            if not data["who_may_collect"]:
                self.add_error(
                    "who_may_collect",
                    "The family's pre-visits do not say who may collect the child: say here.",
                )
        if data.get("repeat") and not data.get("repeat_until"):
            self.add_error("repeat_until", "Say when the series ends.")
        if case is not None and (refusal := case_write_refusal(case)):
            self.add_error(None, refusal)
        return super().clean()


class AbsenceForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why the family will not come, or did not", choices=Booking.AbsenceReason.choices
    )
    note = forms.CharField(
        label="What happened",
        max_length=300,
        required=False,
        help_text="Needed when the reason is “Other”.",
    )


# Views ----------------------------------------------------------------------------


def _bound(request):
    return (request.POST,) if request.method == "POST" else ()


def session_url(session_or_pk, section=""):
    pk = getattr(session_or_pk, "pk", session_or_pk)
    url = reverse("attendance:session_detail", args=[pk])
    return f"{url}#{section}" if section else url


def _register_url(session):
    # The tablet register is another part of attendance; until it has a route, no link.
    try:
        return reverse("attendance:register", args=[session.pk])
    except NoReverseMatch:
        return ""


@requires("attendance.view_contactsession")
@require_http_methods(["GET"])
def session_list(request):
    """Sessions from today on, soonest first; ``?when=past`` for those before today."""
    past = request.GET.get("when") == "past"
    sessions = selectors.sessions_for_list(past=past, today=timezone.localdate())
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "attendance/session_list.html", {"page": page, "past": past})


@requires("attendance.add_contactsession")
@require_http_methods(["GET", "POST"])
def session_create(request):
    form = SessionForm(
        *_bound(request),
        initial={"date": timezone.localdate(), "staff_on_duty": [request.user.pk]},
    )

    def on_valid(form):
        session = form.save(commit=False)
        people = {
            "staff": list(form.cleaned_data["staff_on_duty"]),
            "volunteers": list(form.cleaned_data["volunteers_on_duty"]),
        }
        until = form.cleaned_data["repeat_until"]
        if until:
            created = session_services.sessions_create_weekly(
                session=session, until=until, actor=request.user, **people
            )
            messages.success(request, f"{len(created)} weekly sessions are set up.")
            return session_url(created[0])
        session_services.session_save(session=session, actor=request.user, **people)
        messages.success(request, "The session is set up.")
        return session_url(session)

    return form_page(
        request,
        form=form,
        title="Set up a session",
        intro="A time, a room and the people on duty. Families are booked in from the "
        "session's page.",
        back_url=reverse("attendance:session_list"),
        on_valid=on_valid,
        submit_label="Set up the session",
    )


@requires("attendance.change_contactsession")
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = get_object_or_404(ContactSession, pk=pk)
    form = SessionForm(*_bound(request), instance=session, repeatable=False)

    def on_valid(form):
        session_services.session_save(
            session=form.save(commit=False),
            staff=list(form.cleaned_data["staff_on_duty"]),
            volunteers=list(form.cleaned_data["volunteers_on_duty"]),
            actor=request.user,
        )
        messages.success(request, "The changes are saved.")
        return session_url(session)

    return form_page(
        request,
        form=form,
        title=f"Edit the session of {session}",
        back_url=session_url(session),
        on_valid=on_valid,
    )


@requires("attendance.view_contactsession")
@require_http_methods(["GET"])
def session_detail(request, pk):
    session = selectors.session_for_page(pk)
    return render(
        request,
        "attendance/session_detail.html",
        {
            "session": session,
            "bookings": session.booked_families,
            "places_left": max(session.capacity - len(session.booked_families), 0),
            "register_url": _register_url(session),
        },
    )


def _booked(request, bookings):
    first = bookings[0]
    if len(bookings) == 1:
        text = f"Case {first.case} is booked into the session of {first.session}."
    else:
        text = (
            f"Case {first.case} is booked into {len(bookings)} sessions, from "
            f"{first.session.date:%d/%m/%Y} to {bookings[-1].session.date:%d/%m/%Y}."
        )
    messages.success(request, text)


def _book(request, form):
    bookings = session_services.booking_book(
        booking=form.save(commit=False),
        repeat_every_days=form.cleaned_data["repeat"],
        until=form.cleaned_data["repeat_until"],
        actor=request.user,
    )
    _booked(request, bookings)
    return bookings


@requires("attendance.add_booking")
@require_http_methods(["GET", "POST"])
def booking_create(request, pk):
    """Book a family into this session. ``?case=`` picks the family and fills in who may
    collect from its pre-visits."""
    session = get_object_or_404(ContactSession, pk=pk)
    case = None
    if request.GET.get("case", "").isdigit():
        case = Case.objects.filter(pk=request.GET["case"], status=Case.Status.ACTIVE).first()
    initial = session_services.plan_defaults(session=session, case=case)
    if case is not None:
        initial["case"] = f"case:{case.pk}"
    form = NewBookingForm(
        *_bound(request), session=session, instance=Booking(session=session), initial=initial
    )

    def on_valid(form):
        _book(request, form)
        return session_url(session, "bookings")

    return form_page(
        request,
        form=form,
        title=f"Book a family into the session of {session}",
        intro="The times start from the centre's usual practice: the resident parent brings "
        "the child 15 minutes before the start and leaves; the visiting parent leaves 15 "
        "minutes before the resident parent returns; each uses their own entrance.",
        back_url=session_url(session),
        on_valid=on_valid,
        submit_label="Book the family",
    )


@requires("attendance.add_booking")
@require_http_methods(["GET", "POST"])
def case_booking_create(request, pk):
    """Book this case into a session."""
    case = get_object_or_404(Case, pk=pk)
    if refused := refuse_while_restricted(request, case):
        return refused
    initial = session_services.plan_defaults(case=case)
    form = NewBookingForm(*_bound(request), case=case, instance=Booking(case=case), initial=initial)

    def on_valid(form):
        _book(request, form)
        return case_url(case, "sessions")

    return form_page(
        request,
        form=form,
        title=f"Book case {case} into a session",
        intro="Leave the times blank for the usual practice: the resident parent brings the "
        "child 15 minutes before the start and leaves; the visiting parent arrives at the "
        "start and leaves 15 minutes before the resident parent returns at the end.",
        template=CASE_FORM,
        case=case,
        back_url=case_url(case, "sessions"),
        on_valid=on_valid,
        submit_label="Book the family",
    )


@requires("attendance.change_booking")
@require_http_methods(["GET", "POST"])
def booking_edit(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("session", "case"), pk=pk)
    if refused := refuse_while_restricted(request, booking.case):
        return refused
    form = BookingPlanForm(*_bound(request), instance=booking)

    def on_valid(form):
        session_services.booking_plan_update(booking=form.save(commit=False), actor=request.user)
        messages.success(request, "The handover plan is saved.")
        return session_url(booking.session, "bookings")

    return form_page(
        request,
        form=form,
        title=f"Handover plan: case {booking.case}, session of {booking.session}",
        back_url=session_url(booking.session, "bookings"),
        on_valid=on_valid,
    )


@requires("attendance.change_booking")
@require_http_methods(["GET", "POST"])
def booking_absence(request, pk):
    """Record that a family will not come (a cancellation ahead of the day) or did not."""
    booking = get_object_or_404(Booking.objects.select_related("session", "case"), pk=pk)
    if refused := refuse_while_restricted(request, booking.case):
        return refused
    initial = {"reason": booking.absence_reason, "note": booking.absence_note}
    form = AbsenceForm(*_bound(request), initial=initial)

    def on_valid(form):
        try:
            booking_mark_absent(
                booking=booking,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            # The service speaks of the booking's fields; this form calls them otherwise.
            if not hasattr(error, "error_dict"):
                raise
            names = {"absence_reason": "reason", "absence_note": "note"}
            raise ValidationError(
                {names.get(name, name): errors for name, errors in error.error_dict.items()}
            ) from None
        messages.success(request, f"Case {booking.case} is recorded as absent.")
        return session_url(booking.session, "bookings")

    return form_page(
        request,
        form=form,
        title=f"Record an absence: case {booking.case}, session of {booking.session}",
        back_url=session_url(booking.session, "bookings"),
        on_valid=on_valid,
        submit_label="Record the absence",
    )


urlpatterns = [
    path("", session_list, name="session_list"),
    path("new/", session_create, name="session_create"),
    path("<int:pk>/", session_detail, name="session_detail"),
    path("<int:pk>/edit/", session_edit, name="session_edit"),
    path("<int:pk>/book/", booking_create, name="booking_create"),
    path("cases/<int:pk>/book/", case_booking_create, name="case_booking_create"),
    path("bookings/<int:pk>/edit/", booking_edit, name="booking_edit"),
    path("bookings/<int:pk>/absence/", booking_absence, name="booking_absence"),
]
