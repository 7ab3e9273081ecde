"""Safeguarding's cards on the home pages (``core.cards``; declared in
``declarations.py``): the badge of new concerns, and the manager's safeguarding figures.
What each counts (``*_counts``) is counted with the page's other counts, in one query."""

from core.cards import SHOWN

from .models import Concern, Hold, Incident

VIEW_CONCERN = "safeguarding.view_concern"


def new_concerns_counts(user, today):
    """The new concerns, for those who may open the list of concerns (the designated
    safeguarding lead, and holders of ``safeguarding.view_concern``: the manager);
    ``None`` for anyone else."""
    if not (user.is_safeguarding_lead or user.has_perm(VIEW_CONCERN)):
        return None
    return {"new": Concern.objects.new()}


def new_concerns_badge(user, today, counted):
    return {"badge_new_concerns": counted["new"]}


def safeguarding_counts(user, today):
    standing = Hold.objects.standing()
    return {
        "new_concerns": Concern.objects.new(),
        "open_incidents": Incident.objects.open(),
        **{kind: standing.filter(kind=kind) for kind in Hold.Kind.values},
    }


def safeguarding_figures(user, today, counted):
    """Counts for everyone who sees the card (new concerns, open incidents, holds in
    force by kind); the concerns and incidents themselves only for the designated
    safeguarding lead, whose work they are, each list asked for only when its count is
    not 0."""
    holds = [(label, counted[kind]) for kind, label in Hold.Kind.choices if counted[kind]]
    figures = {
        "new_concerns": counted["new_concerns"],
        "open_incidents": counted["open_incidents"],
        "holds_in_force": sum(n for _, n in holds),
        "holds_by_kind": holds,
        "concern_list": None,
        "incident_list": None,
    }
    if user.is_safeguarding_lead:
        figures["concern_list"] = (
            list(Concern.objects.new().order_by("raised_at", "pk")[:SHOWN])
            if counted["new_concerns"]
            else []
        )
        figures["incident_list"] = (
            list(Incident.objects.open().order_by("occurred_on", "pk")[:SHOWN])
            if counted["open_incidents"]
            else []
        )
    return figures
