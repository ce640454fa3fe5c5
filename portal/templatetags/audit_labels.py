from django import template

from portal.audit_labels import action_label as label_of

register = template.Library()


@register.filter
def action_label(code):
    """An audit action code (group.member_added) in words."""
    return label_of(code)
