"""Safeguarding's cards on the home pages (``core.cards``; declared in
``declarations.py``): the badge of new concerns, and the manager's safeguarding figures."""

from django.db.models import Count, Q

from core.cards import SHOWN

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
    """Counts for everyone who sees the card; the concerns and incidents themselves only
    for the designated safeguarding lead, whose work they are (``None`` for anyone else)."""
    holds = dict(
        Hold.objects.standing().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    counts = Concern.objects.aggregate(
        new=Count("pk", filter=Q(status=Concern.Status.NEW)),
    )
    figures = {
        "new_concerns": counts["new"],
        "open_incidents": Incident.objects.open().count(),
        "holds_in_force": sum(holds.values()),
        "holds_by_kind": [
            (label, holds[kind]) for kind, label in Hold.Kind.choices if holds.get(kind)
        ],
        "concern_list": None,
        "incident_list": None,
    }
    if user.is_safeguarding_lead:
        figures["concern_list"] = list(Concern.objects.new().order_by("raised_at", "pk")[:SHOWN])
        figures["incident_list"] = list(
            Incident.objects.open().order_by("occurred_on", "pk")[:SHOWN]
        )
    return figures
