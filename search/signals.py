"""Wagtail writes curriculum pages itself, so its publish, unpublish and delete signals announce
the change (portal.changes) like any service of ours would; search hears it with every other
change of the transaction, after commit. No logic here: the index task decides what is
searchable."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from portal import changes
from search.documents import KINDS

LESSON_LABELS = KINDS["lesson"].labels


@receiver(page_published)
def page_published_announce(sender, instance, **kwargs):
    if instance._meta.label in LESSON_LABELS:
        changes.announce(instance, what={"published"})


@receiver(page_unpublished)
def page_unpublished_announce(sender, instance, **kwargs):
    if instance._meta.label in LESSON_LABELS:
        changes.announce(instance, what={"unpublished"})


def page_deleted_announce(sender, instance, **kwargs):
    changes.announce(instance, what={"deleted"})


for _label in LESSON_LABELS:
    post_delete.connect(page_deleted_announce, sender=_label, weak=False)
