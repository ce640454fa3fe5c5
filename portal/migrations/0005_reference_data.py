from django.db import migrations

from portal import reference


def load(apps, schema_editor):
    for model_name, rows in (
        ("OffenceCategory", reference.OFFENCE_CATEGORIES),
        ("Industry", reference.INDUSTRIES),
    ):
        model = apps.get_model("portal", model_name)
        existing = set(model.objects.values_list("code", flat=True))
        model.objects.bulk_create(
            model(code=code, name_zh=zh, name_en=en, position=i)
            for i, (code, zh, en) in enumerate(rows)
            if code not in existing
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_taxonomy")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
