from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_migrate


class CentreConfig(AppConfig):
    name = "centre"
    verbose_name = "The centre"

    def ready(self):
        from core import audit

        from . import sessions, two_factor
        from .roles import sync_role_groups_after_migrate

        audit.connect_signals()
        user_logged_in.connect(sessions.on_logged_in, dispatch_uid="centre.sessions.logged_in")
        user_logged_in.connect(two_factor.on_logged_in, dispatch_uid="centre.two_factor")
        user_logged_out.connect(sessions.on_logged_out, dispatch_uid="centre.sessions.logged_out")

        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="centre.sync_roles")
