"""For ``seed_demo``: run the sweep once the other apps have seeded, so the manager's
disposal queue shows what the demo families' dates make due (and the held family
does not appear in it)."""

from .services import retention_sweep


def seed(*, actor, today):
    retention_sweep(as_of=today)
