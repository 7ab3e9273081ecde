from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        # A case's incidents (accidents and safeguarding incidents) travel with it in the
        # records interchange format; referrals imports and exports them through this
        # handler, knowing nothing of safeguarding.
        from . import interchange

        interchange.register()
