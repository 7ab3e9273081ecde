"""The statutory clock of UK GDPR Article 12A: one calendar month (three when extended)
from the later of receipt and the identity evidence asked for, later by the days of each
clarification pause (both ends included), on the next working day in England and Wales."""

import datetime

import pytest

from centre.dates import add_months
from privacy_requests.deadlines import (
    deadline_steps,
    extension_notice_due_date,
    next_working_day,
    statutory_due_date,
)

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
        (D(2026, 5, 31), D(2026, 6, 30)),
        (D(2026, 10, 31), D(2026, 11, 30)),
        # Leap years.
        (D(2028, 1, 31), D(2028, 2, 29)),
        (D(2028, 1, 29), D(2028, 2, 29)),
        (D(2026, 1, 29), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
        (D(2028, 2, 29), D(2028, 3, 29)),
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
def test_it_gives_the_statutory_due_date_from_receipt(received_on, due_on):
    assert statutory_due_date(received_on) == due_on


def test_called_with_the_day_of_receipt_alone_it_answers_as_it_always_did():
    """The answer before Article 12A's identity and clarification rules, for every day of
    seven years: one month, then the next working day."""
    day = D(2024, 1, 1)
    while day < D(2031, 1, 1):
        assert statutory_due_date(day) == next_working_day(add_months(day, 1)), day
        day += datetime.timedelta(days=1)


def test_a_due_date_on_a_bank_holiday_moves_to_the_next_working_day():
    assert next_working_day(D(2026, 4, 3)) == D(2026, 4, 7)  # Good Friday to the Tuesday
    assert next_working_day(D(2026, 8, 31)) == D(2026, 9, 1)  # summer bank holiday
    assert next_working_day(D(2026, 12, 10)) == D(2026, 12, 10)


@pytest.mark.parametrize(
    ("received_on", "identity_received_on", "due_on"),
    [
        # The worked example: the month starts again, it is not paused.
        (D(2025, 1, 1), D(2025, 1, 31), D(2025, 2, 28)),
        (D(2025, 1, 1), None, D(2025, 2, 3)),  # 1 Feb 2025 is a Saturday
        (D(2025, 1, 1), D(2025, 1, 1), D(2025, 2, 3)),  # evidence the same day: no change
        (D(2026, 1, 10), D(2026, 1, 31), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
        (D(2028, 1, 5), D(2028, 1, 30), D(2028, 2, 29)),  # a leap year's last day
        (D(2026, 2, 20), D(2026, 3, 3), D(2026, 4, 7)),  # Good Friday to after Easter Monday
        (D(2026, 11, 30), D(2026, 12, 24), D(2027, 1, 25)),  # 24 Jan 2027 is a Sunday
        (D(2026, 12, 20), D(2026, 12, 25), D(2027, 1, 25)),  # evidence on Christmas Day
        (D(2026, 10, 31), D(2026, 11, 25), D(2026, 12, 29)),  # to Christmas, Boxing Day
    ],
)
def test_the_month_starts_again_when_the_identity_evidence_arrives(
    received_on, identity_received_on, due_on
):
    assert statutory_due_date(received_on, identity_received_on=identity_received_on) == due_on


# Received 10 November 2026: due Thursday 10 December 2026 without a pause.
NOV_10 = D(2026, 11, 10)


@pytest.mark.parametrize(
    ("received_on", "pauses", "due_on"),
    [
        (NOV_10, [], D(2026, 12, 10)),
        # Asked and answered the same day: that one day does not count.
        (NOV_10, [(D(2026, 12, 1), D(2026, 12, 1))], D(2026, 12, 11)),
        # Two days lands on Saturday 12 December: the next working day is Monday 14.
        (NOV_10, [(D(2026, 12, 1), D(2026, 12, 2))], D(2026, 12, 14)),
        (NOV_10, [(D(2026, 12, 1), D(2026, 12, 4))], D(2026, 12, 14)),
        (NOV_10, [(D(2026, 12, 1), D(2026, 12, 5))], D(2026, 12, 15)),
        # Several pauses add up: 2 days and 3 days.
        (
            NOV_10,
            [(D(2026, 11, 16), D(2026, 11, 17)), (D(2026, 12, 1), D(2026, 12, 3))],
            D(2026, 12, 15),
        ),
        # In any order.
        (
            NOV_10,
            [(D(2026, 12, 1), D(2026, 12, 3)), (D(2026, 11, 16), D(2026, 11, 17))],
            D(2026, 12, 15),
        ),
        # Overlapping pauses count each day once: 1 to 4 December.
        (
            NOV_10,
            [(D(2026, 12, 1), D(2026, 12, 3)), (D(2026, 12, 2), D(2026, 12, 4))],
            D(2026, 12, 14),
        ),
        # Asked on the last day: still inside the month.
        (NOV_10, [(D(2026, 12, 10), D(2026, 12, 10))], D(2026, 12, 11)),
        # Asked after the deadline had passed: a clock that has run out does not stop.
        (NOV_10, [(D(2026, 12, 11), D(2026, 12, 15))], D(2026, 12, 10)),
        # A pause that carries the date into Christmas Day, then Boxing Day (substitute).
        (D(2026, 11, 20), [(D(2026, 12, 1), D(2026, 12, 5))], D(2026, 12, 29)),
        # A pause across a month end and a leap day: 28 Feb to 1 Mar 2028 is 3 days.
        (D(2028, 2, 10), [(D(2028, 2, 28), D(2028, 3, 1))], D(2028, 3, 13)),
        # A long pause: 30 days, across Easter 2026 (due Thursday 2 April without it),
        # to Saturday 2 May, then the early May bank holiday on Monday 4 May.
        (D(2026, 3, 2), [(D(2026, 3, 10), D(2026, 4, 8))], D(2026, 5, 5)),
    ],
)
def test_each_clarification_pause_moves_the_date_by_its_days_both_included(
    received_on, pauses, due_on
):
    assert statutory_due_date(received_on, pauses=pauses) == due_on


@pytest.mark.parametrize(
    ("pause", "due_on"),
    [
        # Received 1 Jan 2025, identity 31 Jan 2025: the month runs to Friday 28 February.
        ((D(2025, 2, 3), D(2025, 2, 5)), D(2025, 3, 3)),  # 3 days: Monday 3 March
        # A pause entirely before the month started again changes nothing.
        ((D(2025, 1, 6), D(2025, 1, 10)), D(2025, 2, 28)),
        # Only its days from the new start count: 31 Jan to 3 Feb, 4 days.
        ((D(2025, 1, 20), D(2025, 2, 3)), D(2025, 3, 4)),
    ],
)
def test_pauses_count_from_the_day_the_month_starts_again(pause, due_on):
    assert (
        statutory_due_date(D(2025, 1, 1), identity_received_on=D(2025, 1, 31), pauses=[pause])
        == due_on
    )


@pytest.mark.parametrize(
    ("received_on", "identity_received_on", "pauses", "due_on"),
    [
        (D(2026, 11, 10), None, [], D(2027, 2, 10)),
        # 31 January to the end of April; 30 April 2027 is a Friday.
        (D(2027, 1, 31), None, [], D(2027, 4, 30)),
        # 28 May 2026 is a Thursday, after the spring bank holiday.
        (D(2026, 2, 28), None, [], D(2026, 5, 28)),
        # No 30 February 2026, and its last day is a Saturday.
        (D(2025, 11, 30), None, [], D(2026, 3, 2)),
        (D(2027, 11, 29), None, [], D(2028, 2, 29)),  # a leap day
        (D(2026, 1, 3), None, [], D(2026, 4, 7)),  # Good Friday, then Easter Monday
        (D(2026, 9, 25), None, [], D(2026, 12, 29)),  # Christmas, Boxing Day substitute
        # Three months from the day the identity evidence arrived.
        (D(2025, 1, 1), D(2025, 1, 31), [], D(2025, 4, 30)),
        # A 7-day pause in the first month, and a 2-day one in the extension.
        (D(2026, 11, 10), None, [(D(2026, 12, 1), D(2026, 12, 7))], D(2027, 2, 17)),
        (D(2026, 11, 10), None, [(D(2027, 1, 5), D(2027, 1, 6))], D(2027, 2, 12)),
    ],
)
def test_an_extension_gives_three_months_from_the_start(
    received_on, identity_received_on, pauses, due_on
):
    assert (
        statutory_due_date(
            received_on,
            identity_received_on=identity_received_on,
            pauses=pauses,
            extended=True,
        )
        == due_on
    )


@pytest.mark.parametrize(
    ("received_on", "identity_received_on", "pauses", "tell_by"),
    [
        (D(2026, 11, 10), None, [], D(2026, 12, 10)),
        (D(2025, 1, 1), D(2025, 1, 31), [], D(2025, 2, 28)),
        (D(2026, 11, 10), None, [(D(2026, 12, 1), D(2026, 12, 2))], D(2026, 12, 14)),
        # A pause after the first month ended does not reopen it.
        (D(2026, 11, 10), None, [(D(2027, 1, 5), D(2027, 1, 6))], D(2026, 12, 10)),
        (D(2026, 11, 25), None, [], D(2026, 12, 29)),
    ],
)
def test_an_extension_must_be_told_within_the_first_month_counted_the_same_way(
    received_on, identity_received_on, pauses, tell_by
):
    assert (
        extension_notice_due_date(
            received_on, identity_received_on=identity_received_on, pauses=pauses
        )
        == tell_by
    )
    unextended = statutory_due_date(
        received_on, identity_received_on=identity_received_on, pauses=pauses
    )
    assert tell_by == unextended


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"identity_received_on": D(2024, 12, 30)},
            r"Identity evidence cannot have arrived \(30 December 2024\) before the request "
            r"itself \(1 January 2025\)",
        ),
        (
            {"pauses": [(D(2025, 1, 8), D(2025, 1, 7))]},
            r"A clarification cannot have been answered \(7 January 2025\) before it was "
            r"asked for \(8 January 2025\)",
        ),
        (
            {"pauses": [(D(2024, 12, 31), D(2025, 1, 2))]},
            r"Clarification cannot have been asked for \(31 December 2024\) before the "
            r"request was received",
        ),
        (
            {"pauses": [(D(2025, 1, 8), None)]},
            "Each clarification needs the date its answer arrived",
        ),
    ],
)
def test_impossible_dates_are_refused_in_plain_words(arguments, message):
    with pytest.raises(ValueError, match=message):
        statutory_due_date(D(2025, 1, 1), **arguments)


def test_the_steps_explain_the_worked_example():
    assert deadline_steps(
        D(2025, 1, 1),
        identity_received_on=D(2025, 1, 31),
        pauses=[(D(2025, 2, 3), D(2025, 2, 5))],
    ) == [
        "Received on Wednesday 1 January 2025.",
        "The identity evidence asked for arrived on Friday 31 January 2025: the month "
        "starts again from then.",
        "One month from 31 January 2025: 28 February 2025 (February has no 31st, so its last day).",
        "Clarification asked for on 3 February 2025, answered on 5 February 2025: 3 days "
        "do not count, so 3 March 2025.",
        "Monday 3 March 2025 is a working day: due then.",
    ]


def test_the_steps_name_the_bank_holiday_or_weekend_that_moves_the_date():
    christmas = deadline_steps(D(2026, 11, 25))
    assert christmas[-1] == (
        "Friday 25 December 2026 is a bank holiday (Christmas Day): due on the next "
        "working day, Tuesday 29 December 2026."
    )
    weekend = deadline_steps(D(2026, 1, 29))
    assert weekend[-1] == (
        "Saturday 28 February 2026 is a weekend: due on the next working day, Monday 2 March 2026."
    )


def test_the_steps_of_an_extension_and_of_pauses_that_do_not_count():
    steps = deadline_steps(
        D(2025, 1, 1),
        identity_received_on=D(2025, 1, 31),
        pauses=[(D(2025, 1, 6), D(2025, 1, 10)), (D(2025, 6, 2), D(2025, 6, 3))],
        extended=True,
    )
    assert steps[2] == "Three months (the request is extended) from 31 January 2025: " + (
        "30 April 2025 (April has no 31st, so its last day)."
    )
    assert steps[3] == (
        "Clarification asked for on 6 January 2025, answered on 10 January 2025 before the "
        "month started: it changes nothing."
    )
    assert steps[4] == (
        "Clarification asked for on 2 June 2025, after the deadline of 30 April 2025 had "
        "passed: it does not stop the clock."
    )
    assert steps[-1] == "Wednesday 30 April 2025 is a working day: due then."


def test_an_open_pause_counts_to_today_in_the_steps():
    steps = deadline_steps(D(2026, 11, 10), pauses=[(D(2026, 12, 1), None)], today=D(2026, 12, 3))
    assert steps[-2] == (
        "Clarification asked for on 1 December 2026, not yet answered: 3 days so far, to "
        "today, do not count, so 13 December 2026."
    )
    assert steps[-1].endswith("due on the next working day, Monday 14 December 2026.")


def test_the_last_step_always_names_the_date_statutory_due_date_gives():
    cases = [
        {"received_on": D(2026, 3, 3)},
        {"received_on": D(2025, 1, 1), "identity_received_on": D(2025, 1, 31)},
        {"received_on": NOV_10, "pauses": [(D(2026, 12, 1), D(2026, 12, 5))], "extended": True},
    ]
    for arguments in cases:
        due_on = statutory_due_date(**arguments)
        assert f"{due_on.day} {due_on:%B %Y}" in deadline_steps(**arguments)[-1]


def test_a_single_day_does_not_count_in_the_singular():
    steps = deadline_steps(NOV_10, pauses=[(D(2026, 12, 1), D(2026, 12, 1))])
    assert steps[-2] == (
        "Clarification asked for on 1 December 2026, answered on 1 December 2026: 1 day "
        "does not count, so 11 December 2026."
    )


def test_the_services_by_their_former_names_ask_and_answer_a_clarification(db, manager):
    """``privacy_request_await`` and ``privacy_request_resume`` keep their names: waiting
    on the requester is a clarification, the days from asking to the answer not counted."""
    import time_machine

    from privacy_requests.models import PrivacyRequest
    from privacy_requests.services import (
        privacy_request_await,
        privacy_request_log,
        privacy_request_resume,
    )
    from tests.referrals.factories import AdultFactory

    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, 0), tick=False):
        request = privacy_request_log(
            privacy_request=PrivacyRequest(
                subject_adult=AdultFactory(),
                right=PrivacyRequest.Right.ACCESS,
                channel=PrivacyRequest.Channel.LETTER,
                received_on=datetime.date(2026, 11, 2),
            ),
            actor=manager,
        )
        privacy_request_await(
            privacy_request=request, asked_on=datetime.date(2026, 11, 3), actor=manager
        )
        assert request.status == PrivacyRequest.Status.AWAITING
        privacy_request_resume(
            privacy_request=request, received_on=datetime.date(2026, 11, 5), actor=manager
        )
    request.refresh_from_db()
    # 2 December plus the 3 days from 3 to 5 November: Saturday 5 December, so Monday 7th.
    assert request.due_on == datetime.date(2026, 12, 7)
    assert request.status == PrivacyRequest.Status.IN_PROGRESS
