"""The register on the tablet: today's sessions, the register of one session (a card per
family with its handover plan, the warnings at the door and big buttons for the next
taps), and the posts those buttons send. Its routes are in ``urlpatterns`` below.

Volunteers see the least: first names, the handover plan, the names on a protective order
and a photograph to know a parent by. Nothing here needs JavaScript: each button is a
form that posts, then comes back to the family's card (Post/Redirect/Get), and each
carries a token made when the card was drawn, so a tap sent twice records once.
"""

import datetime
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from centre.access import public, requires
from centre.sessions import SIGNED_IN_AT_KEY
from core import audit
from referrals.models import Adult, Child, PreVisit, ProtectiveOrder

from .. import services
from ..models import Booking, ContactSession, Tap
from ..restrictions import hidden, on_register

USE_REGISTER = "attendance.use_register"
# Whoever holds this (staff, the manager) may open the register of any day; everyone
# else (volunteers) only today's.
ANY_DAY = "attendance.view_contactsession"

Kind = Tap.Kind

# The handover in the order the plan runs: the first of these a family can take next is
# the big button.
PLAN_ORDER = [
    Kind.RESIDENT_ARRIVED,
    Kind.RESIDENT_LEFT,
    Kind.VISITING_ARRIVED,
    Kind.VISITING_LEFT,
    Kind.RESIDENT_RETURNED,
    Kind.CHILD_COLLECTED,
]
BUTTON_LABELS = {
    Kind.RESIDENT_ARRIVED: "Resident arrived with child",
    Kind.RESIDENT_LEFT: "Resident left",
    Kind.VISITING_ARRIVED: "Visiting arrived",
    Kind.VISITING_LEFT: "Visiting left",
    Kind.RESIDENT_RETURNED: "Resident returned",
    Kind.CHILD_COLLECTED: "Child left",
}
ON_SITE_LABELS = {"resident": "resident parent", "child": "child", "visiting": "visiting parent"}
PHOTO_ROLES = {Adult.Role.RESIDENT: "resident", Adult.Role.VISITING: "visiting"}
SOMEONE_ELSE = "someone-else"
# Taps whose warning is only about keeping the parents apart: the card says that while
# both are on site ("Both parents are on site now"), and not after.
KEEP_APART = (Kind.VISITING_ARRIVED, Kind.RESIDENT_RETURNED)
# What a form sent with a mistake had chosen, until the card shows it again.
KEPT_KEY = "register_kept"
# What the photograph view serves inline; a photograph kept as a PDF is not shown.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _is_today(session) -> bool:
    return session.date == timezone.localdate()


def _session_for(request, pk) -> ContactSession:
    """The session, if this person may keep its register: volunteers only today's."""
    session = get_object_or_404(ContactSession, pk=pk)
    if not _is_today(session) and not request.user.has_perm(ANY_DAY):
        raise Http404("No session today has that number.")
    return session


def _booking_for(request, pk) -> Booking:
    """The booking, if this person may keep its register: volunteers only today's, and
    no one a family whose records are restricted (it is not on the register)."""
    booking = get_object_or_404(on_register(Booking.objects.select_related("session")), pk=pk)
    if not _is_today(booking.session) and not request.user.has_perm(ANY_DAY):
        raise Http404("No booking today has that number.")
    return booking


def _back_to_card(booking) -> str:
    return f"{reverse('attendance:register', args=[booking.session_id])}#booking-{booking.pk}"


def _card_tag(booking_pk) -> str:
    # Carried on a message so that it shows on the family's card, where the page lands.
    return f"booking-{booking_pk}"


def _concern_url():
    """Where "Raise a safeguarding concern" goes, or None while that page does not exist."""
    try:
        return reverse("safeguarding:concern_create")
    except NoReverseMatch:
        return None


def collect_names(who_may_collect: str) -> list[str]:
    """The names in a booking's "who may collect" ("Jane Doe, Sam Doe; Grandma Pat")."""
    names = []
    for name in re.split(r"[,;\n]|\band\b", who_may_collect):
        name = " ".join(name.split())
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names


# What the tablet may keep while the connection is down (static/js/register-offline.js).

KEEP_COPY_HEADER = "X-Register-Keep-Until"


def _epoch_ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _offline_terms(request, session) -> dict:
    """The times the script needs, in milliseconds since 1970 by the server's clock: now
    (so a tablet whose clock is wrong can tell by how much), the end of the register's
    day and the end of this sign-in (30 minutes idle, or 12 hours after the password),
    after which the tablet deletes what it keeps."""
    now = timezone.now()
    next_day = session.date + datetime.timedelta(days=1)
    day_ends = datetime.datetime.combine(
        next_day, datetime.time(0), tzinfo=timezone.get_current_timezone()
    )
    session_ends = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
    if signed_in_at is not None:
        lifetime_ends = datetime.datetime.fromtimestamp(
            signed_in_at + settings.SESSION_MAX_AGE_SECONDS, tz=datetime.UTC
        )
        session_ends = min(session_ends, lifetime_ends)
    starts = datetime.datetime.combine(
        session.date, session.starts_at or datetime.time(0), tzinfo=timezone.get_current_timezone()
    )
    return {
        "now": _epoch_ms(now),
        "day_ends": _epoch_ms(day_ends),
        "session_ends": _epoch_ms(session_ends),
        # Before this, an arrival is asked about first (services.EARLY_BEFORE).
        "early_until": _epoch_ms(starts - services.EARLY_BEFORE),
    }


# Today's sessions.


@requires(USE_REGISTER)
@require_GET
def register_today(request):
    today = timezone.localdate()
    restricted = hidden("bookings__case_id")
    sessions = list(
        ContactSession.objects.filter(date=today)
        .annotate(families=Count("bookings", filter=~restricted if restricted else None))
        .order_by("starts_at", "room")
    )
    if len(sessions) == 1:
        return redirect("attendance:register", pk=sessions[0].pk)
    return render(request, "attendance/register_today.html", {"sessions": sessions, "today": today})


# The register of one session.


@dataclass
class Card:
    """What the card of one booked family shows: only what a volunteer needs at the door."""

    booking: Booking
    residents: list[str] = field(default_factory=list)
    visitors: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    order_names: list[str] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)
    photo_kept_as_pdf: bool = False
    taps: list[Tap] = field(default_factory=list)
    history: list[Tap] = field(default_factory=list)
    undo: dict | None = None
    kept: dict = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    actions: list[dict] = field(default_factory=list)
    collect: dict | None = None
    notices: list = field(default_factory=list)

    @property
    def pk(self):
        return self.booking.pk

    @property
    def is_absent(self):
        return self.booking.status == Booking.Status.ABSENT

    @property
    def can_mark_absent(self):
        return not self.taps and not self.is_absent

    @property
    def title(self):
        return ", ".join(self.children) or "Family"

    @property
    def on_site(self):
        return [label for key, label in ON_SITE_LABELS.items() if key in self.present]

    @property
    def both_parents_on_site(self):
        return {"resident", "visiting"} <= self.present

    @property
    def warnings(self) -> list[tuple[datetime.datetime | None, str]]:
        """Each warning once, and only while its reason stands: keeping the parents apart
        matters while both are on site, not once either (or the family) has left."""
        said = []
        if self.both_parents_on_site:
            # The tap that brought them together says it best, with its time.
            apart = [tap for tap in self.taps if tap.warning and tap.kind in KEEP_APART]
            if apart:
                said.append((apart[-1].recorded_at, apart[-1].warning))
            else:
                said.append((None, "Both parents are on site now: keep them apart."))
        if self.booking.not_to_collect:
            said.append((None, f"Must NOT collect: {self.booking.not_to_collect}"))
        for names in self.order_names:
            said.append((None, f"An order names: {names}"))
        for tap in self.taps:
            if tap.warning and tap.kind not in KEEP_APART:
                said.append((tap.recorded_at, tap.warning))
        # A warning just given as the tap's alert at the top of the card is not repeated.
        seen, once = {str(notice) for notice in self.notices}, []
        for when, words in said:
            if words not in seen:
                seen.add(words)
                once.append((when, words))
        return once

    @property
    def all_left(self):
        return bool(self.taps) and not self.present

    @property
    def collect_choices(self):
        """Who may collect, for the script to offer "Child left" once an arrival waits
        to be sent ("|" separates them there)."""
        return [name.replace("|", " ") for name in collect_names(self.booking.who_may_collect)]


def _next_actions(taps, present) -> list[Kind]:
    """The taps that make sense now, in the order the plan runs."""
    done = {tap.kind for tap in taps}
    sensible = {
        Kind.RESIDENT_ARRIVED: Kind.RESIDENT_ARRIVED not in done,
        # Once back, the resident parent leaves with the child: "Child left".
        Kind.RESIDENT_LEFT: "resident" in present and Kind.RESIDENT_RETURNED not in done,
        Kind.VISITING_ARRIVED: "visiting" not in present and Kind.VISITING_ARRIVED not in done,
        Kind.VISITING_LEFT: "visiting" in present,
        Kind.RESIDENT_RETURNED: (
            Kind.RESIDENT_ARRIVED in done and "resident" not in present and "child" in present
        ),
        Kind.CHILD_COLLECTED: "child" in present,
    }
    return [kind for kind in PLAN_ORDER if sensible[kind]]


def _card(booking, notices, kept=None) -> Card:
    case = booking.case
    card = Card(
        booking=booking,
        notices=notices.get(_card_tag(booking.pk), []),
        kept=(kept or {}).get(str(booking.pk), {}),
    )
    adults = {adult.pk: adult for adult in case.adults.all()}
    for adult in adults.values():
        if adult.role == Adult.Role.RESIDENT:
            card.residents.append(adult.first_name)
        elif adult.role == Adult.Role.VISITING:
            card.visitors.append(adult.first_name)
        else:
            card.others.append(adult.first_name)
    card.children = [child.first_name for child in case.children.all()]
    card.order_names = [order.names for order in case.protective_orders.all()]
    for visit in case.pre_visits.all():
        extension = PurePosixPath(visit.photograph.name).suffix.lower()
        if extension not in IMAGE_TYPES:
            card.photo_kept_as_pdf = True
            continue
        adult = adults.get(visit.adult_id)
        who = f"{adult.first_name}, {PHOTO_ROLES.get(adult.role, 'adult')}" if adult else "family"
        card.photos.append(
            {"url": reverse("attendance:register_photo", args=[visit.pk]), "alt": who}
        )
    card.history = list(booking.taps.all())
    card.taps = [tap for tap in card.history if tap.undone_at is None]
    card.present = services.on_site(card.taps)
    last = card.taps[-1] if card.taps else None
    if last is not None and timezone.now() <= services.tap_undo_ends(last):
        what = last.get_kind_display()
        at = timezone.localtime(last.recorded_at)
        card.undo = {
            "tap": last,
            "token": uuid.uuid4(),
            "label": f"Undo: {what[0].lower()}{what[1:]} {at:%H:%M}",
        }
    if not card.is_absent:
        for kind in _next_actions(card.taps, card.present):
            action = {"kind": kind, "label": BUTTON_LABELS[kind], "token": uuid.uuid4()}
            if kind == Kind.CHILD_COLLECTED:
                action["names"] = collect_names(booking.who_may_collect)
                card.collect = action
            else:
                card.actions.append(action)
        returned = any(tap.kind == Kind.RESIDENT_RETURNED for tap in card.taps)
        if card.collect and (returned or not card.actions):
            card.collect["primary"] = True
        elif card.actions:
            card.actions[0]["primary"] = True
    return card


def register_bookings(session):
    """The session's bookings with everything their cards show, in a fixed number of
    queries however many families there are, and no column a volunteer must not see.
    Families whose records are restricted are not on the register at all."""
    today = timezone.localdate()
    return (
        on_register(session.bookings.select_related("case"))
        .only(
            "id",
            "session_id",
            "case_id",
            "case__id",
            "resident_arrives_at",
            "resident_collects_at",
            "visiting_arrives_at",
            "visiting_leaves_at",
            "resident_entrance",
            "visiting_entrance",
            "who_may_collect",
            "not_to_collect",
            "status",
            "absence_reason",
        )
        .prefetch_related(
            Prefetch(
                "case__adults",
                queryset=Adult.objects.only("id", "case_id", "role", "first_name"),
            ),
            Prefetch("case__children", queryset=Child.objects.only("id", "case_id", "first_name")),
            Prefetch(
                "case__protective_orders",
                queryset=ProtectiveOrder.objects.filter(
                    Q(expires_on__isnull=True) | Q(expires_on__gte=today)
                ).only("id", "case_id", "names"),
            ),
            Prefetch(
                "case__pre_visits",
                queryset=PreVisit.objects.exclude(photograph="").only(
                    "id", "case_id", "adult_id", "photograph"
                ),
            ),
            "taps",
        )
        .order_by("resident_arrives_at", "pk")
    )


@requires(USE_REGISTER)
@require_GET
def register(request, pk):
    session = _session_for(request, pk)
    notices = defaultdict(list)
    for message in messages.get_messages(request):
        notices[message.extra_tags or ""].append(message)
    kept = request.session.pop(KEPT_KEY, {})
    cards = [_card(booking, notices, kept) for booking in register_bookings(session)]
    on_cards = {_card_tag(card.pk) for card in cards}
    # Anything else (a family on another register, another page's message) shows on top.
    page_notices = [m for tag, found in notices.items() if tag not in on_cards for m in found]
    counts = {
        "absent": sum(card.is_absent for card in cards),
        "arrived": sum(bool(card.taps) for card in cards),
    }
    counts["expected"] = len(cards) - counts["absent"] - counts["arrived"]
    is_today = _is_today(session)
    offline = _offline_terms(request, session) if is_today else None
    response = render(
        request,
        "attendance/register.html",
        {
            "session": session,
            "is_today": is_today,
            "offline": offline,
            "cards": cards,
            "counts": counts,
            "page_notices": page_notices,
            "concern_url": _concern_url(),
            "absence_reasons": Booking.AbsenceReason.choices,
            "someone_else": SOMEONE_ELSE,
        },
    )
    if offline:
        # The tablet's service worker keeps a copy of this page, today's only, until this
        # moment (the end of the day or of the session, whichever is first).
        response[KEEP_COPY_HEADER] = str(min(offline["day_ends"], offline["session_ends"]))
    return response


# What the buttons post.


def _refused(request, booking, error: ValidationError, kept: dict | None = None):
    """Back to the card with what went wrong; ``kept`` is what the form had chosen, so
    that it comes back chosen (the reason, who collected) and only the mistake is to
    put right."""
    messages.error(request, " ".join(error.messages), extra_tags=_card_tag(booking.pk))
    if kept:
        request.session[KEPT_KEY] = {str(booking.pk): kept}
    return redirect(_back_to_card(booking))


def _collected_by(post) -> str:
    choice = post.get("collected_by", "").strip()
    someone_else = " ".join(post.get("someone_else", "").split())
    if choice and choice != SOMEONE_ELSE:
        return choice
    if not someone_else:
        raise ValidationError(
            "Say who the child left with: choose a name, or type it under Someone else."
        )
    return someone_else


def _wants_json(request) -> bool:
    """The tablet's script sends queued taps asking for JSON; a form post asks for HTML."""
    return request.headers.get("Accept", "").startswith("application/json")


def _answer(request, booking, outcome: str, message: str, status: int = 200):
    """A queued tap's answer: the script shows ``message`` on the card."""
    return JsonResponse(
        {"outcome": outcome, "message": message, "booking": booking.pk if booking else None},
        status=status,
    )


def _queued_booking(request, pk):
    """The booking a queued tap is for, or why the tap cannot be recorded. A tap sent
    late may find its family's booking cancelled or its day over."""
    try:
        return _booking_for(request, pk), ""
    except Http404:
        pass
    booking = on_register(Booking.objects.select_related("session")).filter(pk=pk).first()
    if booking is None:
        return None, (
            "This family's booking was cancelled, or they are no longer on the register. "
            "Nothing was recorded: tell the staff member on duty."
        )
    return None, (
        f"The register of {booking.session.date:%A %-d %B} is closed: the day is over. "
        "Nothing was recorded: tell the staff member on duty."
    )


def _tapped_at(post) -> datetime.datetime | None:
    """The tablet's time of a queued tap, sent as milliseconds since 1970."""
    value = post.get("tapped_at", "")
    if not value:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise ValidationError(
            "The time of that tap could not be read. Nothing was recorded."
        ) from error
    return moment


def _collected_by_choice(post, booking) -> str | None:
    """A queued "Child left" names the person by their place on the booking's list (the
    tablet keeps no names); the list must be the one the tablet showed."""
    if "collect" not in post:
        return None
    names = collect_names(booking.who_may_collect)
    try:
        index, shown = int(post.get("collect", "")), int(post.get("collect_count", ""))
    except ValueError as error:
        raise ValidationError("Say who the child left with. Nothing was recorded.") from error
    if shown != len(names) or not 0 <= index < len(names):
        raise ValidationError(
            "The list of who may collect the child changed since the tap. Nothing was "
            "recorded: record who collected the child again."
        )
    return names[index]


@requires(USE_REGISTER)
@require_POST
def register_tap(request, pk):
    as_json = _wants_json(request)
    if as_json:
        booking, refusal = _queued_booking(request, pk)
        if refusal:
            return _answer(request, None, "refused", refusal, status=409)
    else:
        booking = _booking_for(request, pk)
    tag = _card_tag(booking.pk)
    try:
        kind = Kind(request.POST.get("kind", ""))
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        error = ValidationError("That button was out of date. Nothing was recorded.")
        if as_json:
            return _answer(request, booking, "refused", error.messages[0], status=400)
        return _refused(request, booking, error)
    try:
        tapped_at = _tapped_at(request.POST)
        collected_by = ""
        if kind == Kind.CHILD_COLLECTED:
            collected_by = _collected_by_choice(request.POST, booking)
            if collected_by is None:
                collected_by = _collected_by(request.POST)
        if len(collected_by) > Tap._meta.get_field("collected_by").max_length:
            raise ValidationError("That name is too long: 150 letters at most.")
        already = Tap.objects.filter(token=token).exists()
        tap = services.tap_record(
            booking=booking,
            kind=kind,
            token=token,
            actor=request.user,
            collected_by=collected_by,
            tapped_at=tapped_at,
            tapped_offline=request.POST.get("offline") == "1",
            confirmed=request.POST.get("confirmed") == "1",
        )
    except services.ArrivalToConfirm as question:
        if as_json:
            said = f"{question.messages[0]} Nothing was recorded: tap the arrival again to confirm."
            return _answer(request, booking, "refused", said, status=409)
        return _confirm_arrival(request, booking, kind, token, question.messages[0])
    except ValidationError as error:
        if as_json:
            return _answer(request, booking, "refused", " ".join(error.messages), status=409)
        kept = {}
        if kind == Kind.CHILD_COLLECTED:
            kept = {
                "form": "collect",
                "collected_by": request.POST.get("collected_by", ""),
                "someone_else": request.POST.get("someone_else", "")[:150],
            }
        return _refused(request, booking, error, kept)
    if tap.warning:
        # Said once as an alert now; the card's warnings keep it while it stands.
        messages.warning(request, tap.warning, extra_tags=tag)
    at = f"{timezone.localtime(tap.recorded_at):%H:%M}"
    if already:
        said = f"Already recorded at {at}: {tap.get_kind_display()}."
        messages.info(request, said, tag)
    else:
        said = f"Recorded at {at}: {tap.get_kind_display()}."
        messages.success(request, said, tag)
    if as_json:
        return _answer(request, booking, "already" if already else "recorded", said)
    return redirect(_back_to_card(booking))


@requires(USE_REGISTER)
@require_POST
def register_absent(request, pk):
    as_json = _wants_json(request)
    if as_json:
        booking, refusal = _queued_booking(request, pk)
        if refusal:
            return _answer(request, None, "refused", refusal, status=409)
    else:
        booking = _booking_for(request, pk)
    reason = request.POST.get("reason", "")
    note = " ".join(request.POST.get("note", "").split())
    key = None
    try:
        if request.POST.get("token"):
            try:
                key = uuid.UUID(request.POST["token"])
            except ValueError as error:
                raise ValidationError("That button was out of date. Nothing was saved.") from error
        if reason not in Booking.AbsenceReason.values:
            raise ValidationError("Choose the reason the family did not come. Nothing was saved.")
        if reason == Booking.AbsenceReason.OTHER and not note:
            raise ValidationError(
                "Say what happened in the note: it is needed when the reason is Other. "
                "Nothing was saved."
            )
        if len(note) > Booking._meta.get_field("absence_note").max_length:
            raise ValidationError("The note is too long: 300 letters at most.")
        already = key is not None and booking.absence_key == key
        booking = services.booking_mark_absent(
            booking=booking, reason=reason, note=note, actor=request.user, key=key
        )
    except ValidationError as error:
        if as_json:
            return _answer(request, booking, "refused", " ".join(error.messages), status=409)
        kept = {"form": "absent", "reason": reason, "note": note[:300]}
        return _refused(request, booking, error, kept)
    said = f"Marked absent: {booking.get_absence_reason_display()}."
    if already:
        said = f"Already recorded: {said}"
    messages.success(request, said, _card_tag(booking.pk))
    if as_json:
        return _answer(request, booking, "already" if already else "recorded", said)
    return redirect(_back_to_card(booking))


def _confirm_arrival(request, booking, kind, token, question):
    """The second, deliberate tap an early arrival (or one on another day's register)
    needs: nothing was recorded by the first."""
    card = _card(register_bookings(booking.session).get(pk=booking.pk), {})
    return render(
        request,
        "attendance/register_confirm.html",
        {
            "session": booking.session,
            "card": card,
            "kind": kind,
            "label": BUTTON_LABELS[kind],
            "token": token,
            "question": question,
            "back_url": _back_to_card(booking),
        },
    )


@requires(USE_REGISTER)
@require_POST
def register_undo_tap(request, pk):
    """Undo the last tap on the card, within minutes of it: a button sent twice undoes
    once. It needs the connection (the tablet's script says so rather than queue it):
    an undo replayed later could undo a tap recorded since on another tablet."""
    booking = _booking_for(request, pk)
    try:
        tap_id = int(request.POST.get("tap", ""))
        key = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return _refused(
            request, booking, ValidationError("That button was out of date. Nothing was undone.")
        )
    already = Tap.objects.filter(undo_key=key).exists()
    try:
        tap = services.tap_undo(booking=booking, tap_id=tap_id, key=key, actor=request.user)
    except ValidationError as error:
        return _refused(request, booking, error)
    what = f"{tap.get_kind_display()} at {timezone.localtime(tap.recorded_at):%H:%M}"
    if already:
        messages.info(request, f"Already undone: {what}.", _card_tag(booking.pk))
    else:
        messages.success(
            request, f"Undone: {what}. It stays in the history, crossed out.", _card_tag(booking.pk)
        )
    return redirect(_back_to_card(booking))


@requires(USE_REGISTER)
@require_POST
def register_undo_absent(request, pk):
    booking = _booking_for(request, pk)
    if booking.status != Booking.Status.ABSENT:
        # The service would set any booking back to "booked", even one that attended.
        return _refused(request, booking, ValidationError("This family is not marked absent."))
    try:
        services.booking_undo_absence(booking=booking, actor=request.user)
    except ValidationError as error:
        return _refused(request, booking, error)
    messages.success(request, "No longer absent: the family is expected.", _card_tag(booking.pk))
    return redirect(_back_to_card(booking))


@requires(USE_REGISTER)
@require_GET
def register_token(request):
    """A fresh CSRF token for the tablet's queue, with the server's time and when this
    sign-in ends. Signed out, the access rule sends the script to the sign-in page, and
    the script keeps its queue until the volunteer signs in again."""
    session_ends = _offline_terms(request, ContactSession(date=timezone.localdate()))
    return JsonResponse(
        {
            "csrf": get_token(request),
            "now": session_ends["now"],
            "session_ends": session_ends["session_ends"],
        }
    )


# A parent's photograph, to know them by at the door.


def _photo_is_on_a_register_they_may_open(request, visit) -> bool:
    bookings = on_register(Booking.objects.filter(case_id=visit.case_id))
    if not request.user.has_perm(ANY_DAY):
        bookings = bookings.filter(session__date=timezone.localdate())
    return bookings.exists()


@requires(USE_REGISTER)
@require_GET
def register_photo(request, pk):
    """A pre-visit photograph, shown in the page (never as a download), only while the
    family is on a register this person may open: for a volunteer, one of today's."""
    visit = get_object_or_404(PreVisit.objects.only("id", "case_id", "photograph"), pk=pk)
    extension = PurePosixPath(visit.photograph.name).suffix.lower()
    if extension not in IMAGE_TYPES or not _photo_is_on_a_register_they_may_open(request, visit):
        raise Http404("There is no photograph to show.")
    # Sensitive read: in the audit trail and its log by ids only, never by name.
    audit.sensitive_read(
        request,
        "photograph",
        visit.pk,
        line="file-view kind={kind} id={id} user={user}",
        detail="on the register",
    )
    response = FileResponse(
        visit.photograph.open("rb"),
        content_type=IMAGE_TYPES[extension],
        as_attachment=False,
        filename=f"photograph-{visit.pk}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
@require_GET
def register_worker(request):
    """The service worker that keeps the copy of today's register for a reload with no
    connection. Served from here, not /static/, so that its scope is the register's
    pages (/sessions/); it holds no data, so anyone may fetch it."""
    worker = finders.find("js/register-worker.js")
    with open(worker, "rb") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("today/", register_today, name="register_today"),
    path("<int:pk>/register/", register, name="register"),
    path("bookings/<int:pk>/tap/", register_tap, name="register_tap"),
    path("bookings/<int:pk>/absent/", register_absent, name="register_absent"),
    path("bookings/<int:pk>/undo-tap/", register_undo_tap, name="register_undo_tap"),
    path("bookings/<int:pk>/undo-absent/", register_undo_absent, name="register_undo_absent"),
    path("photographs/<int:pk>/", register_photo, name="register_photo"),
    path("register/token/", register_token, name="register_token"),
    path("register-worker.js", register_worker, name="register_worker"),
]
