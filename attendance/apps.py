from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Sessions and attendance"

    def ready(self):
        # A case's sessions travel with it in the records interchange format; referrals
        # imports and exports them through this handler, knowing nothing of attendance.
        from . import interchange

        interchange.register()
