"""Logs that cannot leak: a filter on every handler, Handover's own and third parties'.

A database error's message quotes what it refused: PostgreSQL's ``DETAIL: Failing row
contains (...)`` prints the whole row (a hold's free-text reason, an adult's reference),
``Key (email)=(...)`` the value, and a query logged with its parameters carries whatever
was typed. So every record leaves with:

- its message, with any exception's text (an argument that is an exception, or the text
  of the exception being logged, as Celery puts it in its "raised unexpected" line)
  replaced by the exception's class, and anything from ``DETAIL:``, ``HINT:`` or
  ``Failing row contains`` on cut off;
- its traceback reduced to the frames (file, line, function: code, never data) and the
  class of each exception in the chain, without the exception's message;
- for Django's query log, the time the query took and nothing of its text or parameters.

The event name and the ids a line carries (``retention-dispose-failed item=12``) stay.
It imports nothing from Django, so gunicorn's own loggers can use it before Django is
set up (config/gunicorn.py).
"""

import logging
import re
import traceback

WITHHELD = "[withheld]"
# From the first of these to the end of the text: PostgreSQL's detail lines, and
# psycopg's rendering of them.
_DATABASE_DETAIL = re.compile(
    r"(\\n|\s)*\b(DETAIL|HINT|CONTEXT|Failing row contains|Key \().*", re.DOTALL
)
_QUERY_LOGGERS = ("django.db.backends",)


def _chain(exception):
    """The exception and those it was raised from or during, newest first."""
    seen = []
    while exception is not None and all(exception is not e for e in seen):
        seen.append(exception)
        if exception.__cause__ is not None:
            exception = exception.__cause__
        elif not exception.__suppress_context__:
            exception = exception.__context__
        else:
            exception = None
    return seen


def _class_name(exception):
    kind = type(exception)
    module = kind.__module__
    if module in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{module}.{kind.__qualname__}"


def bare_traceback(exception) -> str:
    """The traceback Python would print, oldest exception first, with every exception's
    message left out: frames and classes only."""
    parts = []
    for position, error in enumerate(reversed(_chain(exception))):
        if position:
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if error.__cause__ is not None
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
        if error.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(f"{_class_name(error)}: (message withheld from the log)\n")
    return "".join(parts).rstrip("\n")


def scrub_text(text: str, exceptions=()) -> str:
    """``text`` with the messages of ``exceptions`` replaced by their classes, and
    database details cut off."""
    for error in exceptions:
        for shown in {repr(error), str(error)}:
            if shown and shown in text:
                text = text.replace(shown, type(error).__name__)
    return _DATABASE_DETAIL.sub(f" {WITHHELD}", text)


def _scrub_argument(value):
    if isinstance(value, BaseException):
        return type(value).__name__
    return value


class PersonalDataFilter(logging.Filter):
    """Rewrites each record as the module's docstring says; never drops one. It changes
    the record itself, so every handler after it sees the same safe record."""

    def filter(self, record):
        if getattr(record, "_handover_scrubbed", False):
            return True
        exceptions = _chain(record.exc_info[1]) if record.exc_info and record.exc_info[1] else []
        if record.name.startswith(_QUERY_LOGGERS) and "duration" in record.__dict__:
            message = f"({record.duration:.3f}) query {WITHHELD}"
            for name in ("sql", "params"):
                if name in record.__dict__:
                    setattr(record, name, WITHHELD)
        else:
            if isinstance(record.args, dict):
                # Rebuilt only when it holds an exception: gunicorn's access log passes a
                # dict of its own kind that answers for keys it does not hold.
                if any(isinstance(v, BaseException) for v in record.args.values()):
                    record.args = {key: _scrub_argument(v) for key, v in record.args.items()}
            elif isinstance(record.args, tuple):
                record.args = tuple(_scrub_argument(v) for v in record.args)
            try:
                message = record.getMessage()
            except Exception:  # a malformed record: keep its bare format string
                message = str(record.msg)
            message = scrub_text(message, exceptions)
        record.msg, record.args = message, None
        if exceptions:
            record.exc_text = bare_traceback(exceptions[0])
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        # Extra data some libraries attach for other handlers (Celery's ``data``).
        if isinstance(record.__dict__.get("data"), dict):
            record.data = {
                key: scrub_text(v, exceptions) if isinstance(v, str) else _scrub_argument(v)
                for key, v in record.data.items()
            }
        record._handover_scrubbed = True
        return True
