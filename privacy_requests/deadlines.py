"""The statutory clock for privacy requests, following the ICO's guidance.

A request is answered within one calendar month: count from the day it is received
(working day or not) to the same date in the next month; where that month has no such
date, its last day; where the day found is a weekend or a bank holiday in England and
Wales, the next working day. A complex request may be extended by two further months
(three months from the start). While the centre waits for identification or
clarification the clock stops: the deadline moves by the days paused.

Bank holidays come from the ``holidays`` package (England and Wales share one list).
"""

import datetime
import functools

import holidays

from centre.dates import add_months


@functools.cache
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def statutory_due_date(received_on: datetime.date) -> datetime.date:
    """The latest day a subject access request received on ``received_on`` may be
    answered: one calendar month, moved to the next working day."""
    return next_working_day(add_months(received_on, 1))


def due_date(
    received_on: datetime.date, *, extended: bool = False, paused_days: int = 0
) -> datetime.date:
    """The deadline of a request: one month (three when extended) from the day it was
    received, later by the days the clock was paused, on a working day."""
    months = 3 if extended else 1
    return next_working_day(add_months(received_on, months) + datetime.timedelta(days=paused_days))
