"""Second factors for tests: a confirmed authenticator app for a user, and the code it
would show now. Tests that are about signing in use these with the real sign-in pages;
every other test gets a session that has passed the second factor from ``client``
(tests/conftest.py), as a person who has signed in properly would have."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up on first asking."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def _totp(device: TOTPDevice, *, steps_ahead: int = 0) -> TOTP:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return totp


def code_now(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The six digits the app shows now (or ``steps_ahead`` 30-second steps later, which
    the device still accepts within its tolerance of one step)."""
    return f"{_totp(device, steps_ahead=steps_ahead).token():0{device.digits}d}"


def unused_code(device: TOTPDevice) -> str:
    """A code the device has not accepted before: now's, or the next step's when now's
    was used already (signing the same person in twice within 30 seconds)."""
    used_now = device.last_t >= _totp(device).t()
    return code_now(device, steps_ahead=1 if used_now else 0)
