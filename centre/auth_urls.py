"""Signing in and out and managing one's own password, each with its access declared."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import auth_views as second_step
from .access import public, signed_in
from .forms import SignInForm


class LogoutView(auth_views.LogoutView):
    """Signing out also tells the browser to delete what Handover kept on it: on a shared
    tablet, the register's queue of taps and its copy of today's register."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


urlpatterns = [
    path(
        "login/",
        public(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", public(LogoutView.as_view()), name="logout"),
    path("two-factor/", second_step.second_factor, name="two_factor"),
    path("two-factor/set-up/", second_step.second_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        second_step.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("", second_step.account, name="account"),
    path("sessions/end-others/", second_step.other_sessions_end, name="other_sessions_end"),
    path(
        "password/change/",
        signed_in(second_step.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/change/done/",
        signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        public(second_step.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public(second_step.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
