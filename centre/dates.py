"""Calendar arithmetic the whole project shares."""

import calendar
import datetime
import functools

import holidays


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier, for a negative number), or the month's
    last day where there is no such day: 31 August plus six months is 28 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.cache
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day``: five working days after Friday
    18 December 2026 is Tuesday 29 December (Christmas and Boxing Day's substitute left
    out)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
