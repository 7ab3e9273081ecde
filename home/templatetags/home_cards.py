"""``{% home_card card figures %}``: one card of a home page (``core.cards``)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_card(context, card, figures):
    """The card's template rendered within the page, its figures added to the page's
    context (the person, their permissions and ``today`` stay available to it)."""
    partial = context.template.engine.get_template(card.template)
    with context.push(figures):
        return partial.render(context)
