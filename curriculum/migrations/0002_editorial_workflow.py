"""Education officers draft, reviewers approve: Wagtail's Editors and Moderators groups with
their permissions, and the review workflow (one group-approval task for the Moderators),
assigned to the curriculum's index pages as they appear (curriculum.services.editorial)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from curriculum.services.editorial import editorial_setup

    editorial_setup(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
