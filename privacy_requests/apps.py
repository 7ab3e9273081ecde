from django.apps import AppConfig


class PrivacyRequestsConfig(AppConfig):
    # What privacy requests declare and the hooks they fill (a restriction makes a case
    # read-only and keeps its family off the register) are in declarations.py.
    name = "privacy_requests"
    verbose_name = "Privacy requests"
