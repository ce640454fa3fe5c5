"""Wagtail writes curriculum pages itself, so its publish signals tell the index; the handlers
only enqueue (search.services.index_later), the task decides what is searchable."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

LESSON_MODELS = ("lessonpage", "monthlythemepage", "lessonseriespage")


def _is_lesson(page) -> bool:
    return page._meta.app_label == "curriculum" and page._meta.model_name in LESSON_MODELS


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    if _is_lesson(instance):
        from search.services import index_later

        index_later("lesson", instance.pk)


def page_deleted(sender, instance, **kwargs):
    from search.services import index_later

    index_later("lesson", instance.pk)


for _model in LESSON_MODELS:
    post_delete.connect(page_deleted, sender=f"curriculum.{_model}", weak=False)
