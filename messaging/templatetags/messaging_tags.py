from datetime import datetime

from django import template
from django.utils import timezone

from messaging.presentation import body_html, state_label

register = template.Library()


@register.filter
def chat_html(body: str):
    """A message body, escaped, with safe links."""
    return body_html(body)


@register.filter(name="state_label")
def state_label_filter(state: str) -> str:
    return state_label(state)


@register.filter
def iso_time(value: str) -> str:
    """The local time of an ISO timestamp, as the chat shows it."""
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%m-%d %H:%M")
