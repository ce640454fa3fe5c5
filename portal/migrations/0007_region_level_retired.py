"""Regions store their level (an office may sit straight under a city) and when they retired."""

import django.db.models
from django.db import migrations

import portal.models.regions

LEVELS = [(1, "Province"), (2, "City"), (3, "County"), (4, "Judicial office")]


def level_from_depth(apps, schema_editor):
    # Until now the level was the depth (offices at 4 and below).
    Region = apps.get_model("portal", "Region")
    for depth in (1, 2, 3):
        Region.objects.filter(depth=depth).update(level=depth)
    Region.objects.filter(depth__gte=4).update(level=4)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_staffrole_reviewer_observer"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="level",
            field=portal.models.regions.LevelField(
                choices=LEVELS, db_index=True, default=4, verbose_name="level"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(level_from_depth, migrations.RunPython.noop),
        migrations.AddField(
            model_name="region",
            name="retired_at",
            field=django.db.models.DateTimeField(blank=True, null=True, verbose_name="retired"),
        ),
    ]
