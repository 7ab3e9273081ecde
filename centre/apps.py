from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CentreConfig(AppConfig):
    name = "centre"
    verbose_name = "The centre"

    def ready(self):
        from . import audit
        from .roles import sync_role_groups_after_migrate

        audit.connect_signals()

        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="centre.sync_roles")
