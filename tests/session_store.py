"""What the session store (``django_session``) holds: the flash messages waiting to be shown
are kept there (``MESSAGE_STORAGE``), so a message naming a person would put their name in
a table no retention rule reads."""

from django.contrib.sessions.models import Session


def session_text() -> str:
    """Every session's data, decoded, as one string to search."""
    return "\n".join(str(session.get_decoded()) for session in Session.objects.all())
