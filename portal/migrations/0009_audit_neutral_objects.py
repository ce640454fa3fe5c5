"""The audit log's object column held str(target): a message's first words, a person's chosen
name. Existing rows get what new rows get (portal.services.audit_description): kind and id."""

from django.apps import apps as live_apps
from django.conf import settings
from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import translation


def _kind(content_type) -> str:
    try:
        model = live_apps.get_model(content_type.app_label, content_type.model)
    except LookupError:
        return content_type.model
    return str(model._meta.verbose_name)


def neutral_descriptions(apps, schema_editor):
    AuditEvent = apps.get_model("portal", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    used = ContentType.objects.filter(
        pk__in=AuditEvent.objects.exclude(object_type=None).values("object_type")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for content_type in used:
            AuditEvent.objects.filter(object_type=content_type).update(
                object_repr=Concat(Value(f"{_kind(content_type)} #"), "object_id")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0008_region_import"),
    ]

    operations = [migrations.RunPython(neutral_descriptions, migrations.RunPython.noop)]
