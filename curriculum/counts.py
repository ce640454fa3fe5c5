from django.core.cache import cache

from curriculum.models import LessonPage

CACHE_KEY = "curriculum.counts.lessons"


def counts() -> dict[str, int]:
    """Lessons on the home page: the published ones. Cached for a minute: the home page is the
    busiest page and the figure need not be exact to the second."""
    lessons = cache.get(CACHE_KEY)
    if lessons is None:
        lessons = LessonPage.objects.live().count()
        cache.set(CACHE_KEY, lessons, 60)
    return {"lessons": lessons}
