from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_rules(sender, using="default", apps=None, **kwargs):
    """After ``migrate`` and after a test's ``flush``: the policy's rules are always there.
    (``flush`` sends no ``apps``: the project's own models are the current ones.)"""
    from django.apps import apps as installed_apps

    from .seed import seed_rules

    apps = apps or installed_apps
    try:
        apps.get_model("retention", "HistoricalRule")
    except LookupError:  # migrated back before the rules existed
        return
    seed_rules(apps, using=using)


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention"

    def ready(self):
        # Each app declares its records in its own declarations.py (core.declarations);
        # the schedule checks that every rule they name is one of its own.
        from . import checks  # noqa: F401

        post_migrate.connect(_restore_rules, sender=self)
