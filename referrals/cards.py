"""Referrals' cards on the home pages (``core.cards``; declared in ``declarations.py``):
the cases waiting on the centre and the six-monthly reviews due, and the chart of where
referrals came from. Each is a fixed number of queries, however many cases there are."""

from dataclasses import dataclass

from django.db.models import Count, Q

from centre.charts import Chart, Series, month_window
from core.cards import SHOWN, counted_once_a_day

from .models import Adult, Case, Referral
from .selectors import cases_due_for_review

VIEW_CASE = "referrals.view_case"


@dataclass(frozen=True)
class CaseCounts:
    referrals_waiting: int
    pre_visits_due: int
    reviews_due: int


def case_counts(user, today):
    """Referrals received and not yet decided, accepted cases whose pre-visits are still
    to be done, and active cases whose six-monthly review is due, for the manager and
    staff (``None`` for anyone who may not read cases). Each is counted through the
    status indexes, with the page's other counts: the many active cases not yet due a
    review, and the closed, are never read."""
    if not user.has_perm(VIEW_CASE):
        return None
    Status = Case.Status
    return {
        "referrals_waiting": Case.objects.filter(status=Status.RECEIVED),
        "pre_visits_due": Case.objects.filter(status__in=[Status.ACCEPTED, Status.PRE_VISITS]),
        "reviews_due": Case.objects.due_for_review(today),
    }


def referrals_waiting():
    """The longest-waiting referrals first."""
    return list(
        Case.objects.filter(status=Case.Status.RECEIVED)
        .select_related("referral")
        .order_by("referral__received_on", "pk")[:SHOWN]
    )


def pre_visits_due():
    """Accepted cases still at their pre-visits, longest waiting first, each with how many
    parents it has (``parents``) and how many have completed a pre-visit (``visited``)."""
    parents = (Adult.Role.RESIDENT, Adult.Role.VISITING)
    return list(
        Case.objects.filter(status__in=[Case.Status.ACCEPTED, Case.Status.PRE_VISITS])
        .annotate(
            parents=Count("adults", filter=Q(adults__role__in=parents), distinct=True),
            visited=Count(
                "pre_visits__adult",
                filter=Q(
                    pre_visits__ground_rules_agreed_on__isnull=False,
                    pre_visits__arrangements_agreed=True,
                    pre_visits__adult__role__in=parents,
                ),
                distinct=True,
            ),
        )
        .order_by("status_changed_at", "pk")[:SHOWN]
    )


def reviews_due(today):
    """Up to ten active cases whose review is due, soonest first, with their parents'
    names, in two queries; whether there are more."""
    cases = list(cases_due_for_review(on=today)[: SHOWN + 1])
    return {"review_cases": cases[:SHOWN], "more_reviews_due": len(cases) > SHOWN}


REVIEWS_NONE_DUE = {"review_cases": [], "more_reviews_due": False}


def cases(user, today, counted):
    """What the cases ask of the centre: the three counts (``case_counts``), the referrals
    to decide, the cases whose pre-visits are to book and the reviews due, each list asked
    for only when its count is not 0."""
    counted = CaseCounts(**counted)
    return {
        "cases": counted,
        "referrals_waiting": referrals_waiting() if counted.referrals_waiting else [],
        "pre_visits_due": pre_visits_due() if counted.pre_visits_due else [],
        **(reviews_due(today) if counted.reviews_due else REVIEWS_NONE_DUE),
    }


def referrals_chart(user, today):
    """Referrals received in the charts' twelve months, by where they came from: one
    query, at the day's first look (``counted_once_a_day``)."""
    chart = counted_once_a_day("referrals-chart", today, lambda: _referrals(today))
    return {"referrals_chart": chart}


def _referrals(today):
    _months, window = month_window(today)
    counts = dict(
        Referral.objects.filter(received_on__gte=window[0], received_on__lt=window[1])
        .values_list("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
        .order_by()
    )
    sources = Referral.Source.choices
    chart = Chart(
        key="chart-referrals",
        title="Referrals by source, over the last 12 months",
        categories=tuple(label for _, label in sources),
        category_heading="Source",
        series=(Series("Referrals", tuple(counts.get(value, 0) for value, _ in sources)),),
    )
    return chart
