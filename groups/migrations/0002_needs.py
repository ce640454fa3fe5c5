from django.db import migrations

from groups.reference import NEEDS


def load(apps, schema_editor):
    Need = apps.get_model("groups", "Need")
    existing = set(Need.objects.values_list("code", flat=True))
    Need.objects.bulk_create(
        Need(code=code, name_zh=zh, name_en=en, position=i)
        for i, (code, zh, en) in enumerate(NEEDS)
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
