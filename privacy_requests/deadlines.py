"""The statutory clock for privacy requests: UK GDPR Article 12A (inserted by the Data
(Use and Access) Act 2025) and the ICO's guidance.

- The month starts at the *relevant time*: the later of the day the request is received
  and the day the identity evidence the centre asked for arrives (Article 12A(5)). Asking
  for identity does not pause the clock: its arrival starts the month again.
- The period is one calendar month from that day (three months when a complex request is
  extended): the same date in the month it ends in, or that month's last day where it has
  no such date (the ICO's rule; ``centre.dates.add_months``).
- A request for clarification stops the clock (Article 12A(6)): the days from the day it
  was asked to the day the answer arrived, both included, do not count, so the date moves
  on by that many days. Only days inside the period can be taken out of it: the days of a
  pause before the month started change nothing, and a question asked after the deadline
  had passed does not stop a clock that has already run out.
- A date on a Saturday, a Sunday or a bank holiday in England and Wales moves to the next
  working day. Bank holidays come from the ``holidays`` package.

``statutory_due_date`` gives the date, ``deadline_steps`` the same reckoning in plain
words for the register and the request's page, and ``extension_notice_due_date`` the day
by which a requester must be told of an extension (the end of the first month, counted
the same way).
"""

import datetime
import functools
from collections.abc import Iterable

import holidays

from centre.dates import add_months

DAY = datetime.timedelta(days=1)


@functools.cache
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def bank_holiday_name(day: datetime.date) -> str | None:
    return _bank_holidays(day.year).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += DAY
    return day


def _long(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


def _short(day):
    return f"{day.day} {day:%B %Y}"


def _ordinal(number):
    return f"{number}{ {1: 'st', 21: 'st', 31: 'st', 22: 'nd', 23: 'rd'}.get(number, 'th') }"


def _days(count):
    return f"{count} day{'' if count == 1 else 's'}"


def _reckon(received_on, identity_received_on, pauses, extended, today=None):
    """The due date and the steps that reach it. A pause whose answer is None is still
    open: it counts up to ``today``."""
    if received_on is None:
        raise ValueError("The date the request was received is needed to work out its deadline.")
    if identity_received_on is not None and identity_received_on < received_on:
        raise ValueError(
            f"Identity evidence cannot have arrived ({_short(identity_received_on)}) before "
            f"the request itself ({_short(received_on)})."
        )
    checked = []
    for asked_on, answered_on in pauses:
        if asked_on < received_on:
            raise ValueError(
                f"Clarification cannot have been asked for ({_short(asked_on)}) before the "
                f"request was received ({_short(received_on)})."
            )
        if answered_on is None:
            if today is None:
                raise ValueError("A clarification not yet answered needs today's date.")
            checked.append((asked_on, max(today, asked_on), False))
        elif answered_on < asked_on:
            raise ValueError(
                f"A clarification cannot have been answered ({_short(answered_on)}) before "
                f"it was asked for ({_short(asked_on)})."
            )
        else:
            checked.append((asked_on, answered_on, True))

    steps = [f"Received on {_long(received_on)}."]
    start = received_on
    if identity_received_on is not None and identity_received_on > received_on:
        start = identity_received_on
        steps.append(
            f"The identity evidence asked for arrived on {_long(start)}: the month starts "
            "again from then."
        )
    months = 3 if extended else 1
    end = add_months(start, months)
    period = "Three months (the request is extended)" if extended else "One month"
    step = f"{period} from {_short(start)}: {_short(end)}"
    if end.day != start.day:
        step += f" ({end:%B} has no {_ordinal(start.day)}, so its last day)"
    steps.append(step + ".")

    counted = set()
    for asked_on, until, answered in sorted(checked):
        asked = f"Clarification asked for on {_short(asked_on)}"
        said = f"answered on {_short(until)}" if answered else "not yet answered"
        if asked_on > next_working_day(end):
            steps.append(
                f"{asked}, after the deadline of {_short(next_working_day(end))} had passed: "
                "it does not stop the clock."
            )
            continue
        first = max(asked_on, start)
        days = {first + n * DAY for n in range((until - first).days + 1)} - counted
        if first > until or not days:
            steps.append(f"{asked}, {said} before the month started: it changes nothing.")
            continue
        counted |= days
        end += len(days) * DAY
        count = "does not count" if len(days) == 1 else "do not count"
        if not answered:
            why = f"{_days(len(days))} so far, to today, {count}"
        elif first > asked_on:
            why = f"the {_days(len(days))} from {_short(first)}, when the month started, {count}"
        else:
            why = f"{_days(len(days))} {count}"
        steps.append(f"{asked}, {said}: {why}, so {_short(end)}.")

    due = next_working_day(end)
    if due == end:
        steps.append(f"{_long(end)} is a working day: due then.")
    else:
        name = bank_holiday_name(end)
        why = f"a bank holiday ({name})" if name else "a weekend"
        steps.append(f"{_long(end)} is {why}: due on the next working day, {_long(due)}.")
    return due, steps


def statutory_due_date(
    received_on: datetime.date,
    *,
    identity_received_on: datetime.date | None = None,
    pauses: Iterable[tuple[datetime.date, datetime.date]] = (),
    extended: bool = False,
) -> datetime.date:
    """The latest day a request may be answered under Article 12A: one month (three when
    ``extended``) from the later of ``received_on`` and ``identity_received_on``, later by
    the days of each clarification pause ``(asked_on, answered_on)``, both included, on a
    working day. Raises ValueError for identity evidence before the request, or a pause
    answered before it was asked or asked before the request."""
    pauses = list(pauses)
    if any(answered_on is None for _asked_on, answered_on in pauses):
        raise ValueError("Each clarification needs the date its answer arrived.")
    return _reckon(received_on, identity_received_on, pauses, extended)[0]


def deadline_steps(
    received_on: datetime.date,
    *,
    identity_received_on: datetime.date | None = None,
    pauses: Iterable[tuple[datetime.date, datetime.date | None]] = (),
    extended: bool = False,
    today: datetime.date | None = None,
) -> list[str]:
    """How ``statutory_due_date`` reaches its date, step by step in plain English. A
    pause still open (answered ``None``) is counted up to ``today``."""
    return _reckon(received_on, identity_received_on, list(pauses), extended, today)[1]


def extension_notice_due_date(
    received_on: datetime.date,
    *,
    identity_received_on: datetime.date | None = None,
    pauses: Iterable[tuple[datetime.date, datetime.date]] = (),
) -> datetime.date:
    """The last day a requester may be told their request is extended (Article 12A(4)):
    the end of the first month, counted from the same start and with the same pauses."""
    return statutory_due_date(received_on, identity_received_on=identity_received_on, pauses=pauses)
