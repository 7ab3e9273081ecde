from django.apps import AppConfig


class PrivacyRequestsConfig(AppConfig):
    name = "privacy_requests"
    verbose_name = "Privacy requests"
