from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Base layer"

    def ready(self):
        from django.db.models import Field, ForeignObject

        from .lookups import AnyOf

        # Keys look their lookups up among ForeignObject's own, not Field's.
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
        # Each app declares its records and the hooks it fills in its own declarations.py
        # (see core.declarations); every app's models are loaded by now.
        autodiscover_modules("declarations")
