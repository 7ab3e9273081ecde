from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention"

    def ready(self):
        # Each app declares its retainable records and holds in its own retention.py.
        autodiscover_modules("retention")
