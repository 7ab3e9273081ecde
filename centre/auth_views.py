"""Signing in past the password: the second factor, setting it up, recovery codes, and
the person's own sign-in page (their password, their codes, their other sessions)."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core import audit

from . import sessions, two_factor
from .access import password_given, signed_in
from .forms import SecondFactorForm, SignInForm


def _next_url(request):
    """Where the person was going before the sign-in steps, if it is a path of ours (never
    a view name for ``redirect`` to look up, nor another site)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@password_given
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """The second step of signing in: a code from the authenticator app, or a recovery
    code."""
    if not two_factor.is_pending(request):
        return redirect(_next_url(request))
    if not two_factor.has_app_device(request.user):
        return redirect_to_login(_next_url(request), login_url=reverse("two_factor_setup"))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.code_check(request=request, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refusal:
            audit.record(request, audit.Action.SECOND_FACTOR_FAILED, detail="wrong code")
            form.add_error("code", str(refusal))
        else:
            audit.record(request, audit.Action.SECOND_FACTOR, kind=device._meta.label_lower)
            if device.name == two_factor.RECOVERY_DEVICE_NAME:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, "
                    "ask the centre manager to reset your two-factor sign-in.",
                )
            return redirect(_next_url(request))
    return render(
        request, "registration/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@password_given
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """The first sign-in: connect an authenticator app, then show the recovery codes."""
    if two_factor.has_app_device(request.user):
        return redirect_to_login(_next_url(request), login_url=reverse("two_factor"))
    device = two_factor.app_device_to_set_up(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.app_device_confirm(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except two_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            audit.record(request, audit.Action.SECOND_FACTOR, kind="otp_totp.totpdevice")
            return _recovery_codes_page(request, codes, first_time=True)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, dark="#000", light="#fff", omitsize=False
            ),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


def _recovery_codes_page(request, codes, *, first_time=False):
    """Shown once, in the answer to the POST that made the codes: they are not kept
    anywhere a later page could show them again."""
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


@signed_in
@require_POST
def recovery_codes_new(request):
    codes = two_factor.recovery_codes_replace(user=request.user)
    return _recovery_codes_page(request, codes)


@signed_in
def account(request):
    """The person's own sign-in: two-factor, recovery codes, password, other sessions."""
    user = request.user
    return render(
        request,
        "registration/account.html",
        {
            "has_app_device": two_factor.has_app_device(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "other_sessions": sessions.open_sessions_of(user)
            .exclude(session_key=request.session.session_key)
            .count(),
        },
    )


@signed_in
@require_POST
def other_sessions_end(request):
    ended = sessions.sessions_end(user=request.user, keep_session_key=request.session.session_key)
    audit.record(request, audit.Action.SESSIONS_ENDED, kind="centre.user", detail="own others")
    messages.success(
        request,
        f"Signed out of {ended} other session{'s' if ended != 1 else ''}."
        if ended
        else "You were not signed in anywhere else.",
    )
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one, so a password
    changed because it leaked also shuts out whoever used it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.sessions_end(user=form.user, keep_session_key=self.request.session.session_key)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A password set from an e-mailed link ends every session of the account."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.sessions_end(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """A reset link is sent at most a few times an hour for one address and from one
    network address (``sessions.password_reset_limited``). Past the limit the person is
    told to wait, in the same words whether or not the address is anyone's."""

    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        from axes.helpers import get_client_ip_address

        if sessions.password_reset_limited(
            email=form.cleaned_data["email"], ip_address=get_client_ip_address(self.request)
        ):
            form.add_error(None, RESET_LINKS_LIMITED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


RESET_LINKS_LIMITED_MESSAGE = (
    "Several links have been asked for in the last hour, for this address or from this "
    "network. Wait an hour and ask again, or ask the centre manager to reset your password."
)


# django-axes: whose failures count together, and what a locked-out person sees.


def lockout_name(request, credentials=None):
    """The name typed, as the account would match it (e-mail addresses are kept in lower
    case): "Alice@…" and "alice@…" are one name, so changing case gains no more tries."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "")
    return " ".join(str(typed).split()).lower()


def locked_out(request, original_response=None, credentials=None):
    """Five wrong passwords for one name from one address in 15 minutes lock that pair
    for 15 minutes: the sign-in page says so, and not whether the account exists. Other
    people on the same tablet, and the same person elsewhere, can still sign in."""
    form = SignInForm(request, initial={"username": lockout_name(request, credentials)})
    return render(
        request,
        "registration/login.html",
        {"form": form, "refusal": LOCKED_OUT_MESSAGE},
        status=429,
    )


LOCKED_OUT_MESSAGE = (
    "Too many wrong passwords: signing in with this e-mail address from this device is "
    "paused for 15 minutes. Wait, then try again, or ask the centre manager to check "
    "your account. Forgotten your password? Use the link below to choose a new one."
)
