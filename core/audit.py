"""The audit trail: one append-only row per sign-in, failed sign-in, lockout, sign-out,
refusal, sensitive read, export, approval and disposal.

Every row is written by ``record``, and every read of sensitive data goes through
``sensitive_read``, which also logs it on ``handover.audit``. A row copies who (the
account's id and role), when, from where (the client's address) and what (a kind and an
id, and a short detail that names no one); never the content read or the words typed.
Rows are never changed or deleted (a PostgreSQL trigger refuses it, centre migration
0006), and they outlive the accounts and records they mention.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import F, QuerySet

from .models import AuditEvent

Action = AuditEvent.Action

DETAIL_LENGTH = AuditEvent._meta.get_field("detail").max_length
KIND_LENGTH = AuditEvent._meta.get_field("kind").max_length

# Every sensitive read is also a line here (sensitive_read), by ids only, never by name.
reads_log = logging.getLogger("handover.audit")


def _current_request():
    """The request being served on this thread, if any: simple_history's middleware keeps
    it, so writers deep in a service (a safeguarding read) still record where from."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _role_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    role = getattr(user, "role", None)
    return str(role) if role else ""


def record(
    request,
    action: str,
    *,
    kind: str = "",
    object_id: int | None = None,
    detail: str = "",
    user=None,
) -> AuditEvent:
    """Append one row to the audit trail. ``request`` may be None (a command, a task):
    the request being served, if any, is used instead. ``user`` defaults to the request's
    user; pass it when the request's user is not (yet, or any longer) the one acting."""
    if request is None:
        request = _current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent.objects.create(
        action=action,
        user_id=user.pk if user is not None else None,
        role=_role_of(user),
        ip_address=(request.META.get("REMOTE_ADDR") or None) if request is not None else None,
        kind=kind[:KIND_LENGTH],
        object_id=int(object_id) if object_id is not None else None,
        detail=detail[:DETAIL_LENGTH],
    )
    return event


def sensitive_read(
    request,
    kind: str,
    object_id: int | None,
    *,
    line: str,
    detail: str = "",
    user=None,
    **counts: int,
) -> AuditEvent:
    """Record one read of sensitive data, the one way every such read is recorded: a READ
    row of the trail (as ``record``) and one line on the ``handover.audit`` logger.

    ``line`` is the log line, with ``{kind}``, ``{id}`` and ``{user}`` standing for the
    kind, the record's id and the reader's account id, and ``{<name>}`` for each of
    ``counts`` (a search's number of results). Neither the line nor ``detail`` may name
    anyone or hold what was read or typed: kinds, ids and counts only."""
    event = record(request, Action.READ, kind=kind, object_id=object_id, detail=detail, user=user)
    reads_log.info(line.format(kind=kind, id=object_id, user=event.user_id, **counts))
    return event


def audit_events(
    *,
    action: str = "",
    user_id: int | None = None,
    since=None,
    until=None,
    kind: str = "",
    object_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """The trail newest first, filtered; the account joined so the page can show its
    current name (None once the account is deleted) in the same query."""
    events = AuditEvent.objects.select_related("user")
    if action:
        events = events.filter(action=action)
    if user_id is not None:
        # Through an alias of the column: ``user_id=`` would make Django join the account
        # with an INNER JOIN, and hide every row of an account since deleted.
        events = events.alias(actor=F("user_id")).filter(actor=user_id)
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    if kind:
        events = events.filter(kind=kind)
    if object_id is not None:
        events = events.filter(object_id=object_id)
    return events.order_by("-at", "-pk")


# Signal receivers, connected in CentreConfig.ready().


def on_logged_in(sender, request, user, **kwargs):
    record(request, Action.LOGIN, user=user)


def on_logged_out(sender, request, user, **kwargs):
    record(request, Action.LOGOUT, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Neither the password nor the name typed is kept: only the account's id (and role)
    when the name typed is an account's, which the trail itself does not reveal."""
    typed = credentials.get("username") or credentials.get("email") or ""
    account = (
        get_user_model()._default_manager.filter(email__iexact=typed).first() if typed else None
    )
    record(request, Action.LOGIN_FAILED, user=account, detail="failed sign-in")


def on_locked_out(sender, request=None, username=None, **kwargs):
    """django-axes' lockout signal, when axes is installed: no name typed is kept."""
    account = (
        get_user_model()._default_manager.filter(email__iexact=username).first()
        if username
        else None
    )
    record(request, Action.LOCKOUT, user=account, detail="locked out")


def connect_signals():
    user_logged_in.connect(on_logged_in, dispatch_uid="core.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="core.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="core.audit.login_failed")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # lockout is django-axes' job; without it there is none to record
        return
    user_locked_out.connect(on_locked_out, dispatch_uid="core.audit.locked_out")
