"""Each role's home page, built from the cards the apps declare for it (``core.cards``).

The home page imports no app: it reads ``declarations.get(HOME_CARD)`` and shows, on the
home of a person of each role, the cards declared for that role in their order."""

import datetime
from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone

from centre.access import signed_in
from centre.roles import Role
from core.cards import Card, cards_for, page_figures

PAGES = {
    Role.MANAGER: "home/manager.html",
    Role.STAFF: "home/staff.html",
    Role.VOLUNTEER: "home/volunteer.html",
}
NO_ROLE = "home/no_role.html"


@dataclass
class HomePage:
    """One person's home: today, and each card with the figures it computed for them.

    Every figure of the page is also an attribute (``page.cases``, ``page.attendance_chart``),
    looked up through the cards: which is why no two cards of a page may use one name."""

    today: datetime.date
    cards: list[tuple[Card, dict]]

    def __post_init__(self):
        seen = {}
        for card, figures in self.cards:
            for name in figures:
                if name in seen or name in ("today", "cards"):
                    raise ValueError(
                        f"Home cards {seen.get(name, 'home')!r} and {card.key!r} both give {name!r}"
                    )
                seen[name] = card.key

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        for _card, figures in self.__dict__.get("cards", ()):
            if name in figures:
                return figures[name]
        raise AttributeError(name)


def home_page(user, *, today: datetime.date | None = None) -> HomePage:
    """The cards of ``user``'s role, each with its figures for ``user`` on ``today``; a
    card whose figures are ``None`` (the person may not see it) is left out. What the
    cards count is counted in one query (``core.cards.page_figures``)."""
    today = today or timezone.localdate()
    cards = page_figures(cards_for(user.role), user, today) if user.role else []
    return HomePage(today=today, cards=cards)


@signed_in
def home(request):
    user = request.user
    page = home_page(user)
    context = {"role": user.role, "today": page.today, "cards": page.cards}
    if user.role == Role.MANAGER:
        # The manager's home is the centre's dashboard: its figures by name.
        context["dashboard"] = page
    return render(request, PAGES.get(user.role, NO_ROLE), context)
