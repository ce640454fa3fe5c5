"""Tags for the page chrome (base.html and its includes), which every HTML page renders.

{% constant %}…{% endconstant %}: a part that is the same for every request in a language
(fixed text, {% translate %} of fixed strings, {% static %} and {% url %} of fixed names),
rendered once per process for each language, URL prefix and URL configuration and kept. The
chrome has some twenty such tags, each resolving the same answer on every page (a catalogue
lookup, a reverse(), the static storage's URL of a name). Nothing that reads the request, the
person or any variable may go inside: the tag refuses, when the template is compiled, any tag
it does not know to be fixed, so a later edit cannot make one person's page show another's.

{% nav_links nav_items %}: the menu's <li> items, written as the template wrote them (each
label and URL escaped as {{ }} escapes them) without a template loop over twenty-odd items.
"""

from django import template
from django.core.signals import setting_changed
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.utils.html import format_html_join
from django.utils.translation import get_language

from portal.tabs import reversing

register = template.Library()

# Bumped when a setting changes (tests override STATIC_URL, STORAGES, LANGUAGES, ROOT_URLCONF):
# every kept rendering is then rendered again.
_generation = 0


def _settings_changed(**kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_settings_changed, dispatch_uid="portal.templatetags.chrome")


def _fixed(expression) -> bool:
    """Whether a tag's argument is a literal without filters (reads no variable)."""
    if expression is None:
        return True
    if expression.filters:
        return False
    return not expression.is_var or expression.var.lookups is None


def _check(node) -> None:
    if isinstance(node, (template.base.TextNode, template.defaulttags.CommentNode)):
        return
    if isinstance(node, TranslateNode):
        fixed = node.asvar is None and _fixed(node.filter_expression)
        fixed = fixed and _fixed(node.message_context)
    elif isinstance(node, StaticNode):
        fixed = node.varname is None and _fixed(node.path)
    elif isinstance(node, template.defaulttags.URLNode):
        fixed = node.asvar is None and _fixed(node.view_name)
        fixed = fixed and all(_fixed(arg) for arg in node.args)
        fixed = fixed and all(_fixed(arg) for arg in node.kwargs.values())
    else:
        fixed = False
    if not fixed:
        raise template.TemplateSyntaxError(
            f"{{% constant %}} holds only text and {{% translate %}}, {{% static %}} and "
            f"{{% url %}} of fixed arguments (its rendering is shared by every request in a "
            f"language); found {node.token.contents if node.token else node!r}"
        )


class ConstantNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.kept: dict[tuple, str] = {}
        self.generation = _generation

    def render(self, context):
        if self.generation != _generation:
            self.kept = {}
            self.generation = _generation
        key = (get_language(), *reversing(), context.autoescape)
        output = self.kept.get(key)
        if output is None:
            output = self.kept[key] = self.nodelist.render(context)
        return output


@register.tag
def constant(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    for node in nodelist:
        _check(node)
    return ConstantNode(nodelist)


@register.simple_tag
def nav_links(items) -> str:
    """<li><a href="{{ url }}">{{ label }}</a></li> for each (label, url)."""
    return format_html_join("", '<li><a href="{1}">{0}</a></li>', items)
