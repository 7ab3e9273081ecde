"""The cards of the home pages: figures, a list or a chart that an app puts on a role's home.

The home page imports no app. Each app declares the cards it contributes in its own
``declarations.py``, with one call::

    declarations.add(HOME_CARD, Card("cases", roles=("manager",), order=40,
                                     template="home/cards/cases.html", figures=cards.cases))

and ``home.views.home`` shows, on the home of a person of each role, the cards declared for
that role, lowest ``order`` first, each rendered from its ``template`` with what its
``figures`` function returned. ``cards_for(role)`` is that list.

A card's figures are computed in a fixed number of queries (counts, and lists cut off at
``SHOWN`` rows), so the page costs the same however much the centre holds. A card that
counts declares what it counts (``counts``): the page counts every card's in one query
(``page_figures``) and gives each card its numbers.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

from .declarations import HOME_CARD, ROLES, declarations
from .kept import kept

SHOWN = 10  # rows in a card's list; a count beside it says how many there are
TEMPLATES = "home/cards/"


@dataclass(frozen=True)
class Card:
    """One card of the home pages.

    - ``key``: unique among the cards; it names the card in tests and in the page's HTML.
    - ``roles``: the roles (``core.declarations.ROLES``) whose home shows it.
    - ``order``: where it goes on those pages, lowest first.
    - ``template``: the partial that draws it, under ``templates/home/cards/``. It is
      rendered within the page, with the card's figures added to the page's context.
    - ``figures``: ``(user, today) -> dict`` of what the template shows, or ``None``
      where this person is not to see the card at all (a permission they lack). Its
      names are the card's own: no two cards on a page may use the same name.
    - ``counts`` (optional): ``(user, today) -> {name: queryset}``, what the card counts,
      or ``None`` where this person is not to see the card. Then ``figures`` is
      ``(user, today, counted)``, ``counted`` being ``{name: number}``: the page counts
      every card's querysets together, in one query (``page_figures``).
    """

    key: str
    roles: tuple[str, ...]
    order: int
    template: str
    figures: Callable[..., dict | None]
    counts: Callable[[object, datetime.date], dict[str, QuerySet] | None] | None = None

    def __post_init__(self):
        if not self.roles:
            raise ValueError(f"Card {self.key!r}: name the roles whose home shows it")
        for role in self.roles:
            if role not in ROLES:
                raise ValueError(f"Card {self.key!r}: no such role: {role!r}")
        if not self.template.startswith(TEMPLATES):
            raise ValueError(f"Card {self.key!r}: its template goes under {TEMPLATES}")

    def figures_for(self, user, today, counted=None):
        """The card's figures for ``user`` on ``today`` (``None``: not for them). A card
        that counts is given ``counted``, or counts its own here where no page did."""
        if self.counts is None:
            return self.figures(user, today)
        if counted is None:
            wanted = self.counts(user, today)
            if wanted is None:
                return None
            counted = counts(**wanted)
        return self.figures(user, today, counted)


def page_figures(cards, user, today) -> list[tuple[Card, dict]]:
    """Each of ``cards`` with its figures for ``user`` on ``today``, leaving out those not
    for them; what every card counts is counted in one query."""
    wanted, asked = {}, {}
    for card in cards:
        if card.counts is not None:
            asked[card.key] = card.counts(user, today)
            for name, queryset in (asked[card.key] or {}).items():
                wanted[f"{card.key}.{name}"] = queryset
    counted = counts(**wanted)
    shown = []
    for card in cards:
        own = None
        if card.counts is not None:
            if asked[card.key] is None:
                continue  # not for this person
            own = {name: counted[f"{card.key}.{name}"] for name in asked[card.key]}
        figures = card.figures_for(user, today, own)
        if figures is not None:
            shown.append((card, figures))
    return shown


DAY_SECONDS = 24 * 60 * 60


def counted_once_a_day(name: str, today: datetime.date, count: Callable[[], object]):
    """What ``count()`` returns, counted at the first look of ``today`` and then taken from
    Django's cache for the rest of the day: for figures over months (the charts of the
    last twelve months), where a day's change hardly shows and counting costs the page
    most of its time. ``name`` names the figure; the day is part of the key, so tomorrow's
    first look counts it afresh."""
    # The database's name too: two databases served by one Redis keep their own counts.
    key = f"home-card:{connection.settings_dict['NAME']}:{name}:{today.isoformat()}"
    return kept(key, count, DAY_SECONDS)


def counts(**querysets: QuerySet) -> dict[str, int]:
    """How many rows each of ``querysets`` holds, all counted in one query, one round trip
    to the database: a card's several counts over several tables cost one query however
    many there are. Each is a plain filtered queryset (no slicing, no grouping); all are
    read from one database."""
    if not querysets:
        return {}
    databases = {queryset.db for queryset in querysets.values()}
    if len(databases) != 1:
        raise ValueError(f"counts() reads one database, not {sorted(databases)}")
    database = connections[databases.pop()]
    columns, params = [], []
    for name, queryset in querysets.items():
        if queryset.query.is_sliced or queryset.query.group_by is not None:
            raise ValueError(f"counts(): {name} is sliced or grouped; count it on its own")
        query = queryset.order_by().values("pk").query
        try:
            sql, sql_params = query.get_compiler(connection=database).as_sql()
        except EmptyResultSet:  # a filter no row can match (``pk__in=[]``)
            sql, sql_params = "", ()
        # The SQL is Django's own, compiled from the queryset; values go as parameters.
        counted = f"(SELECT COUNT(*) FROM ({sql}) counted)" if sql else "0"  # noqa: S608
        columns.append(f"{counted} AS {database.ops.quote_name(name)}")
        params.extend(sql_params)
    with database.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def cards_for(role) -> list[Card]:
    """The cards declared for ``role``'s home, in their order (then by key)."""
    cards = [card for card in declarations.get(HOME_CARD) if role in card.roles]
    keys = [card.key for card in cards]
    if len(keys) != len(set(keys)):
        raise ValueError(f"Two home cards share a key: {sorted(keys)}")
    return sorted(cards, key=lambda card: (card.order, card.key))
