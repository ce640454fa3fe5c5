from django.db import migrations

from volunteers.reference import LANGUAGES


def load(apps, schema_editor):
    Language = apps.get_model("volunteers", "Language")
    existing = set(Language.objects.values_list("code", flat=True))
    Language.objects.bulk_create(
        Language(code=code, name_zh=zh, name_en=en, position=position)
        for position, (code, zh, en) in enumerate(LANGUAGES)
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0003_profiles")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
