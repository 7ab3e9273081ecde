from celery import shared_task

from .session_services import unbooked_sessions_expire


@shared_task
def expire_unbooked_sessions():
    """Nightly: a past session no family was booked on goes a year after its date."""
    return unbooked_sessions_expire()
