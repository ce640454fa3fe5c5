from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0007_list_count_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="correctiongroup",
            name="group_stage_office",
        ),
        migrations.AddIndex(
            model_name="correctiongroup",
            index=models.Index(
                fields=["stage", "judicial_office", "-created_at", "-id"],
                name="group_stage_office_newest",
            ),
        ),
    ]
