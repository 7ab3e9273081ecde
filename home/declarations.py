"""The home pages' own cards (``core.cards``): what a role starts from its home that
belongs to no one app. The home app has no models, so it declares no records."""

from core.cards import Card
from core.declarations import HOME_CARD, declarations


def no_figures(user, today):
    """A card of links only: what each link needs is read from the person's permissions."""
    return {}


# Home cards
# Staff: raising a concern, the cases, the privacy notice, their password.
declarations.add(
    HOME_CARD,
    Card(
        "staff-actions",
        roles=("staff",),
        order=12,
        template="home/cards/staff_actions.html",
        figures=no_figures,
    ),
)
