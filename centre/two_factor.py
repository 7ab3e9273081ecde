"""Two-factor sign-in: who must give a second factor, and the devices that give it.

A person first gives their password (``LoginView``, watched by django-axes). If their role
needs a second factor, every page but the second-factor pages then sends them on to give
one (``centre.access``): a six-digit code from an authenticator app (a django-otp TOTP
device) or one of ten recovery codes (a django-otp static device), each of which works
once. The first time, they set the app up instead. Staff and the manager always need it;
volunteers only where the centre's profile says so.

Codes are checked with the device's row locked, so the same code sent twice at once is
still accepted once, and each device throttles wrong codes (1, 2, 4, 8… seconds).

Recovery codes are stored hashed (``recovery_code_digest``): each code is 80 random bits,
shown once, and the database keeps only a keyed digest of it, so a copy of the database
signs no one in. (Changing ``SECRET_KEY`` therefore retires every recovery code.)
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import CentreProfile
from .roles import Role

REQUIRED_KEY = "second_factor_required"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_required_for(user) -> bool:
    """Everyone gives a second factor but a volunteer at a centre that has not asked
    volunteers for one."""
    if user.role == Role.VOLUNTEER and not user.is_superuser:
        return CentreProfile.load().volunteers_use_two_factor
    return True


def on_logged_in(sender, request, user, **kwargs):
    """Decide once, when the password is given, whether this session needs a second
    factor; a change of role or of the centre's setting applies from the next sign-in."""
    request.session[REQUIRED_KEY] = is_required_for(user)


def is_pending(request) -> bool:
    """Signed in with a password, but the second factor this session needs not yet given."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    required = request.session.get(REQUIRED_KEY)
    if required is None:  # a session from before two-factor sign-in: decide now
        required = request.session[REQUIRED_KEY] = is_required_for(user)
    return required


def app_device_of(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_app_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device_to_set_up(user) -> TOTPDevice:
    """The unconfirmed authenticator-app device being set up, made on first asking (its
    secret stays the same until it is confirmed, so the QR code does not change on a
    reload)."""
    device = app_device_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


class CodeRefused(Exception):
    """A code was not accepted; ``str()`` says why, in words for the person."""


def _wait_message(devices):
    for device in devices:
        allowed, why = device.verify_is_allowed()
        if not allowed:
            seconds = max(1, int((why["locked_until"] - timezone.now()).total_seconds()) + 1)
            return (
                "Too many wrong codes. Wait "
                f"{seconds} second{'s' if seconds != 1 else ''} and try again."
            )
    return None


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed digest of it as typed (spaces, dashes
    and capitals aside), in the 16 characters django-otp's token column holds."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"recovery-code:" + _normalise(code).encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def _new_recovery_code() -> str:
    """80 random bits as 16 letters and digits, shown in four groups of four."""
    code = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def code_check(*, request, code: str):
    """Accept ``code`` from the signed-in user as their second factor: a code from their
    authenticator app, or one of their recovery codes (which is then used up). Marks the
    session as verified and returns the device, or raises ``CodeRefused``. (A wrong code is
    counted against the device even though the refusal is raised, which is why the
    transaction ends before it.)"""
    with transaction.atomic():
        user = request.user
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        wait = _wait_message(devices)
        if wait is None:
            code = _normalise(code)
            kind = TOTPDevice if code.isdigit() else StaticDevice
            candidates = [device for device in devices if isinstance(device, kind)]
            token = code if kind is TOTPDevice else recovery_code_digest(code)
            for device in candidates:
                if device.verify_token(token):
                    otp_login(request, device)
                    return device
            if not candidates:  # a code of a shape no device takes is still a wrong code
                for device in devices:
                    device.throttle_increment()
    raise CodeRefused(
        wait
        or "That code is not right, or it has been used already. Type the six-digit code "
        "your authenticator app shows now, or one of your recovery codes."
    )


def app_device_confirm(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Finish setting up ``device`` with the first code it shows: confirm it, give the
    person a fresh set of recovery codes (returned, to show once), and mark the session
    as verified. Raises ``CodeRefused`` when the code does not match."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        wait = _wait_message([device])
        if wait is None and device.verify_token(_normalise(code)):
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_replace(user=request.user)
            otp_login(request, device)
            return codes
    raise CodeRefused(
        wait
        or "That code does not match. Check the app shows Handover's entry and type the "
        "six digits it shows now."
    )


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """A new set of recovery codes for ``user``; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """Forget ``user``'s authenticator app and recovery codes (a lost phone): they set the
    app up again at their next sign-in. Their sessions are ended by the caller."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
