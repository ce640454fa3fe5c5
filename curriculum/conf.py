"""The curriculum's few numbers, each overridable in settings."""

from django.conf import settings


def required_minutes() -> int:
    """Monthly learning a group must reach: 8 hours, as the implementing rules of community
    corrections have long asked for education and learning."""
    return getattr(settings, "CURRICULUM_REQUIRED_MINUTES", 8 * 60)
