"""The statutory clock: one calendar month to the next working day (England and Wales),
three months when extended, later by the days the clock was paused."""

import datetime

import pytest

from privacy_requests.deadlines import due_date, next_working_day, statutory_due_date

D = datetime.date


@pytest.mark.parametrize(
    ("received_on", "due_on"),
    [
        # The ICO's own examples.
        (D(2027, 1, 1), D(2027, 2, 1)),  # received on a bank holiday: the clock still runs
        (D(2024, 11, 25), D(2024, 12, 27)),  # Christmas Day, Boxing Day
        (D(2027, 1, 31), D(2027, 3, 1)),  # no 31 Feb; 28 Feb is a Sunday
        # Month ends: the next month has no such date, so its last day.
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 8, 31), D(2026, 9, 30)),
        # Leap years.
        (D(2028, 1, 31), D(2028, 2, 29)),
        (D(2028, 1, 29), D(2028, 2, 29)),
        (D(2026, 1, 29), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
        # Easter: 3 April 2026 is Good Friday and 6 April Easter Monday.
        (D(2026, 3, 3), D(2026, 4, 7)),  # Good Friday, a weekend, Easter Monday
        (D(2026, 3, 6), D(2026, 4, 7)),  # Easter Monday
        # Christmas and the New Year.
        (D(2026, 12, 24), D(2027, 1, 25)),  # 24 Jan 2027 is a Sunday
        (D(2026, 12, 25), D(2027, 1, 25)),
        (D(2026, 12, 1), D(2027, 1, 4)),  # 1 Jan a bank holiday, then a weekend
        (D(2026, 11, 25), D(2026, 12, 29)),  # Christmas Day Friday, Boxing Day moved to Monday
        # An ordinary weekday to an ordinary weekday.
        (D(2026, 11, 10), D(2026, 12, 10)),
    ],
)
def test_it_gives_the_statutory_due_date(received_on, due_on):
    assert statutory_due_date(received_on) == due_on


def test_a_due_date_on_a_bank_holiday_moves_to_the_next_working_day():
    assert next_working_day(D(2026, 4, 3)) == D(2026, 4, 7)  # Good Friday to the Tuesday
    assert next_working_day(D(2026, 8, 31)) == D(2026, 9, 1)  # summer bank holiday
    assert next_working_day(D(2026, 12, 10)) == D(2026, 12, 10)


def test_an_extension_gives_three_months_from_receipt():
    assert due_date(D(2026, 11, 10), extended=True) == D(2027, 2, 10)
    # 31 January to the end of April; 30 April 2027 is a Friday.
    assert due_date(D(2027, 1, 31), extended=True) == D(2027, 4, 30)
    # 28 May 2026 is a Thursday, after the spring bank holiday.
    assert due_date(D(2026, 2, 28), extended=True) == D(2026, 5, 28)


def test_a_pause_moves_the_deadline_by_the_days_paused():
    received = D(2026, 11, 10)  # due 10 December, a Thursday
    assert due_date(received, paused_days=0) == D(2026, 12, 10)
    assert due_date(received, paused_days=1) == D(2026, 12, 11)
    # Two days lands on Saturday 12 December: the next working day is Monday 14.
    assert due_date(received, paused_days=2) == D(2026, 12, 14)
    assert due_date(received, paused_days=4) == D(2026, 12, 14)
    assert due_date(received, paused_days=5) == D(2026, 12, 15)


def test_a_pause_and_an_extension_add_up():
    assert due_date(D(2026, 11, 10), extended=True, paused_days=7) == D(2027, 2, 17)
