from django.apps import AppConfig


class PrivacyRequestsConfig(AppConfig):
    name = "privacy_requests"
    verbose_name = "Privacy requests"

    def ready(self):
        # A restriction makes a case read-only and hides its family from the register;
        # referrals and attendance own the hooks and know nothing of this app.
        from .restrictions import register_hooks

        register_hooks()
