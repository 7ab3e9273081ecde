"""Safeguarding's cards on the home pages (``core.cards``; declared in
``declarations.py``): the badge of new concerns, and the manager's safeguarding figures."""

from core.cards import SHOWN, counts

from .models import Concern, Hold, Incident

VIEW_CONCERN = "safeguarding.view_concern"


def new_concerns_badge(user, today):
    """How many concerns are new, for those who may open the list of concerns (the
    designated safeguarding lead, and holders of ``safeguarding.view_concern``: the
    manager), in one query; ``None`` for anyone else."""
    if not (user.is_safeguarding_lead or user.has_perm(VIEW_CONCERN)):
        return None
    return {"badge_new_concerns": Concern.objects.new().count()}


def safeguarding_figures(user, today):
    """Counts for everyone who sees the card, in one query; the concerns and incidents
    themselves only for the designated safeguarding lead, whose work they are, each list
    asked for only when its count is not 0."""
    standing = Hold.objects.standing()
    counted = counts(
        new_concerns=Concern.objects.new(),
        open_incidents=Incident.objects.open(),
        **{kind: standing.filter(kind=kind) for kind in Hold.Kind.values},
    )
    holds = [(label, counted[kind]) for kind, label in Hold.Kind.choices if counted[kind]]
    figures = {
        "new_concerns": counted["new_concerns"],
        "open_incidents": counted["open_incidents"],
        "holds_in_force": sum(n for _, n in holds),
        "holds_by_kind": holds,
        "concern_list": None,
        "incident_list": None,
    }
    if user.is_safeguarding_lead:  # each list asked for only when there is something in it
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
