from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    # What safeguarding declares and the hooks it fills are in declarations.py.
    name = "safeguarding"
    verbose_name = "Safeguarding"
