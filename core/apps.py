from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Base layer"

    def ready(self):
        # Each app declares its records and the hooks it fills in its own declarations.py
        # (see core.declarations); every app's models are loaded by now.
        autodiscover_modules("declarations")
