"""What a request does when PostgreSQL cannot be reached: a plain 503 page, no stack trace.

Nothing can be half written when this happens. ``ATOMIC_REQUESTS`` is off, but every write
goes through a service under ``@transaction.atomic``: a lost connection in the middle of
one rolls that whole transaction back, and a write that had committed before the failure
is complete on its own.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers, patch_cache_control

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


class RecordGone(Exception):
    """A write found the record it is about deleted meanwhile (a disposal committed while
    it waited for the record's lock). Raised by services, answered by the retention
    engine's middleware with a page naming the proof of disposal, never a server error.
    Carries the record's type (``app_label.model``) and id only."""

    def __init__(self, record_type: str, object_id: int):
        super().__init__(f"{record_type} {object_id} no longer exists")
        self.record_type = record_type
        self.object_id = object_id


RETRY_AFTER_SECONDS = 60
# Set on the request when the failure happened outside the view (in a middleware, such as
# the session being saved), where only Django's own 500 handling sees the exception.
_FLAG = "_handover_database_down"


def database_unavailable_response():
    """The 503 page, rendered without a request: no context processor runs, so nothing on
    the page can touch the database (or the cache) that has just failed."""
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _log(request, exception):
    # The path carries ids only (no personal data goes in a URL); the exception's message
    # is left out, since it may quote a query.
    logger.error(
        "database-unavailable error=%s method=%s path=%s",
        type(exception).__name__,
        request.method,
        request.path,
    )


def _mark_request(sender, request=None, **kwargs):
    """Django's 500 handling sends ``got_request_exception`` while the exception is being
    handled; note a database failure on the request so the middleware can answer 503."""
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_ERRORS):
        setattr(request, _FLAG, exception)


got_request_exception.connect(_mark_request, dispatch_uid="handover-database-down")


class DatabaseDownMiddleware:
    """Turns a lost database into a plain 503 with ``Retry-After``. It sits near the top
    of ``MIDDLEWARE``, outside the session, authentication and audit middleware, so a
    failure in any of those (they all read or write the database) is caught too: a view's
    exception through ``process_exception``, a middleware's through Django's 500 handling
    and the flag ``_mark_request`` leaves on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, _FLAG, None)
        if exception is not None and response.status_code == 500:
            _log(request, exception)
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            _log(request, exception)
            return database_unavailable_response()
        return None
