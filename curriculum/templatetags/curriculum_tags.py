from django import template

from curriculum import selectors

register = template.Library()


@register.inclusion_tag("curriculum/current_theme.html", takes_context=True)
def current_theme(context):
    """The current month's theme, for the home page:
    {% load curriculum_tags %}{% current_theme %}"""
    return {"theme": selectors.current_theme(), "request": context.get("request")}
