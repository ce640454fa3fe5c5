"""The alert banner on every page (included by the base template for logged-in people)."""

from django import template

from alerts import selectors, services

register = template.Library()


@register.simple_tag(takes_context=True)
def open_alerts(context) -> list:
    """The person's unacknowledged alerts, read once per request (one query on the partial
    index). Rendering them is the page load that marks them opened: the person has them on
    screen now, whether or not a socket ever delivered them."""
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return []
    if not hasattr(request, "_alerts_open"):
        recipients = selectors.open_recipients_of(user)
        unopened = [r for r in recipients if r.opened_at is None]
        if unopened:
            services.recipients_opened(recipients=unopened)
        request._alerts_open = recipients
    return request._alerts_open
