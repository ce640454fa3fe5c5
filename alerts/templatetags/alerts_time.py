"""Moments kept in the after-action report (ISO text in Alert.report) shown as local times."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def moment(value):
    """ISO text (or a datetime) as an aware local datetime, for the date filter."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.localtime(value) if value else None


@register.filter
def share(value):
    """0.8333 → 83.3%"""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def duration(seconds):
    """Seconds as m:ss (or "—")."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
