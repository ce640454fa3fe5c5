"""Each profile's serving facts (volunteers.models.ServingFacts), built from the links that
exist, and on PostgreSQL the two GIN indexes that find a group's candidates in them."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000
INDEXES = ("regions", "skills")


def build(apps, schema_editor):
    """The rows of the profiles that exist, as volunteers.serving.refresh writes them (that
    module reads the current models, a migration the historical ones)."""
    Profile = apps.get_model("volunteers", "VolunteerProfile")
    Facts = apps.get_model("volunteers", "ServingFacts")
    ids = list(Profile.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = {pid: Facts(profile_id=pid, regions={}, skills={}, languages={}) for pid in chunk}
        for pid, path in Profile.regions.through.objects.filter(
            volunteerprofile_id__in=chunk
        ).values_list("volunteerprofile_id", "region__path"):
            rows[pid].regions[path] = 1
        for pid, skill in Profile.skills.through.objects.filter(
            volunteerprofile_id__in=chunk
        ).values_list("volunteerprofile_id", "skill_id"):
            rows[pid].skills[str(skill)] = 1
        for pid, language in Profile.languages.through.objects.filter(
            volunteerprofile_id__in=chunk
        ).values_list("volunteerprofile_id", "language_id"):
            rows[pid].languages[str(language)] = 1
        Facts.objects.bulk_create(rows.values())


def _indexes(schema_editor, *, create):
    # GIN on jsonb answers `?|` (has_any_keys) from the index; SQLite has no such index and
    # needs none at the sizes it runs.
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in INDEXES:
        name = f"volunteers_servingfacts_{column}_gin"
        schema_editor.execute(
            f"CREATE INDEX {name} ON volunteers_servingfacts USING gin ({column})"
            if create
            else f"DROP INDEX IF EXISTS {name}"
        )


def create_indexes(apps, schema_editor):
    _indexes(schema_editor, create=True)


def drop_indexes(apps, schema_editor):
    _indexes(schema_editor, create=False)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0006_checkin_attempts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServingFacts",
            fields=[
                (
                    "profile",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="serving_facts",
                        serialize=False,
                        to="volunteers.volunteerprofile",
                    ),
                ),
                ("regions", models.JSONField(default=dict)),
                ("skills", models.JSONField(default=dict)),
                ("languages", models.JSONField(default=dict)),
            ],
        ),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
