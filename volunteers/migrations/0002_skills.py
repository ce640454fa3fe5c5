from django.db import migrations

from volunteers.reference import SKILLS


def load(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    Need = apps.get_model("groups", "Need")
    needs = {n.code: n for n in Need.objects.all()}
    existing = set(Skill.objects.values_list("code", flat=True))
    for position, (code, zh, en, serves) in enumerate(SKILLS):
        if code in existing:
            continue
        skill = Skill.objects.create(code=code, name_zh=zh, name_en=en, position=position)
        skill.serves.set([needs[c] for c in serves if c in needs])


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial"), ("groups", "0002_needs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
