"""``{% kept seconds "name" value ... %}...{% endkept %}``: Django's ``{% cache %}``, kept
through ``core.kept``, so a page whose cache does not answer draws the fragment afresh
instead of failing (the home page's charts, drawn once a day)."""

from django import template
from django.core.cache.utils import make_template_fragment_key

from core.kept import kept as kept_value

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, nodelist, seconds, name, vary_on):
        self.nodelist = nodelist
        self.seconds = seconds
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        seconds = self.seconds.resolve(context)
        name = self.name.resolve(context)
        key = make_template_fragment_key(name, [var.resolve(context) for var in self.vary_on])
        return kept_value(key, lambda: self.nodelist.render(context), int(seconds))


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes at least two arguments.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
