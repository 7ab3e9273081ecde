"""How long a signed-in session lasts, and ending a person's sessions.

A session ends after 30 minutes without a request (``SESSION_COOKIE_AGE``, renewed on
every request) and, however busy, 12 hours after the password was given
(``SESSION_MAX_AGE_SECONDS``, checked by ``SessionLifetimeMiddleware``). Signing out
deletes the session on the server. Each session signed in with is noted in
``SignedInSession`` so that all of a person's sessions can be ended at once: when they
change their password (their other sessions), when their account is switched off, and when
the manager ends them.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import PasswordResetAsk, SignedInSession

SIGNED_IN_AT_KEY = "signed_in_at"


def _live_session_keys():
    return Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")


def on_logged_in(sender, request, user, **kwargs):
    """Note when the password was given, and the session it was given in (Django has
    already given the session a new key). Sessions of this person that have ended on their
    own are forgotten here, so the notes never outgrow the sessions that exist."""
    session = request.session
    session[SIGNED_IN_AT_KEY] = timezone.now().timestamp()
    if session.session_key is None:
        session.save()
    SignedInSession.objects.filter(user=user).exclude(
        session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    ).delete()
    SignedInSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user}
    )


def on_logged_out(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()


def open_sessions_of(user):
    """The sessions ``user`` is signed in with now, newest first."""
    return SignedInSession.objects.filter(user=user, session_key__in=_live_session_keys())


@transaction.atomic
def sessions_end(*, user, keep_session_key: str | None = None) -> int:
    """End every session ``user`` is signed in with, except ``keep_session_key`` (the one
    a person changing their own password is using). Returns how many were open."""
    notes = SignedInSession.objects.filter(user=user)
    if keep_session_key:
        notes = notes.exclude(session_key=keep_session_key)
    keys = list(notes.values_list("session_key", flat=True))
    ended, _ = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).delete()
    notes.delete()
    return ended


# How many password-reset links are sent in an hour: for one address typed (whether or not
# it is anyone's, so the answer never tells), and from one network address (a centre's
# tablets share one, hence more).
PASSWORD_RESETS_PER_ADDRESS = 3
PASSWORD_RESETS_PER_NETWORK = 10
PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)


def _address_digest(email: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def password_reset_limited(*, email: str, ip_address: str | None, now=None) -> bool:
    """Whether a reset link for ``email`` asked from ``ip_address`` is one too many for
    the hour; if not, the ask is counted. Two queries and an insert."""
    now = now or timezone.now()
    recent = PasswordResetAsk.objects.filter(asked_at__gt=now - PASSWORD_RESET_WINDOW)
    digest = _address_digest(email)
    if recent.filter(address_digest=digest).count() >= PASSWORD_RESETS_PER_ADDRESS:
        return True
    if ip_address and recent.filter(ip_address=ip_address).count() >= PASSWORD_RESETS_PER_NETWORK:
        return True
    PasswordResetAsk.objects.create(asked_at=now, address_digest=digest, ip_address=ip_address)
    return False


@transaction.atomic
def expired_sign_in_records_forget(*, now=None) -> dict[str, int]:
    """Nightly: delete what signing in left behind once it no longer serves: sessions
    past their end, the notes of sessions that no longer exist, and django-axes' counts
    of failed sign-ins (a typed e-mail address, a network address and a browser name)
    older than the 15-minute lockout they exist for."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lte=now).delete()
    notes, _ = SignedInSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()
    failures, _ = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    resets, _ = PasswordResetAsk.objects.filter(asked_at__lte=now - PASSWORD_RESET_WINDOW).delete()
    return {
        "sessions": sessions,
        "session_notes": notes,
        "failed_sign_ins": failures,
        "password_reset_asks": resets,
    }


class SessionLifetimeMiddleware:
    """Twelve hours after the password was given the session ends, however busy it has
    been: the person signs in again (and gives their second factor again)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._has_outlived_its_day(request.session):
            logout(request)
            messages.info(
                request,
                "You have been signed in for 12 hours, so Handover signed you out. "
                "Please sign in again.",
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _has_outlived_its_day(session):
        signed_in_at = session.get(SIGNED_IN_AT_KEY)
        if signed_in_at is None:  # signed in before lifetimes were noted: start it now
            session[SIGNED_IN_AT_KEY] = timezone.now().timestamp()
            return False
        age = timezone.now().timestamp() - signed_in_at
        return age > settings.SESSION_MAX_AGE_SECONDS
