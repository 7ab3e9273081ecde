from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Sessions and attendance"

    def ready(self):
        # A case's sessions travel with it in the records interchange format; referrals
        # imports and exports them through this handler, knowing nothing of attendance.
        from referrals.services import PRE_VISIT_CHECKS

        from . import interchange
        from .services import pre_visit_not_on_a_session_day

        interchange.register()
        if pre_visit_not_on_a_session_day not in PRE_VISIT_CHECKS:
            PRE_VISIT_CHECKS.append(pre_visit_not_on_a_session_day)
