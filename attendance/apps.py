from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    # What attendance declares and the hooks it fills are in declarations.py.
    name = "attendance"
    verbose_name = "Sessions and attendance"
