"""The curriculum's few numbers, each overridable in settings."""

from datetime import timedelta

from django.conf import settings


def required_minutes() -> int:
    """Monthly learning a group must reach: 8 hours, as the implementing rules of community
    corrections have long asked for education and learning."""
    return getattr(settings, "CURRICULUM_REQUIRED_MINUTES", 8 * 60)


def study_time(duration_minutes: int) -> timedelta:
    """How long a lesson must stay open before it can be completed: its duration. A minute is
    60 seconds; a browser test sets CURRICULUM_SECONDS_PER_STUDY_MINUTE low so that the learner
    spends the time for real, in seconds, instead of anyone moving timestamps."""
    return timedelta(seconds=duration_minutes * seconds_per_study_minute())


def seconds_per_study_minute() -> int:
    return getattr(settings, "CURRICULUM_SECONDS_PER_STUDY_MINUTE", 60)
