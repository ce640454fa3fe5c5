import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=16)),
                ("object_id", models.PositiveBigIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True)),
                ("url", models.CharField(max_length=300)),
                ("region", models.CharField(blank=True, max_length=9)),
                ("region_path", models.CharField(blank=True, max_length=64)),
                ("industry", models.CharField(blank=True, max_length=40)),
                ("stage", models.CharField(blank=True, max_length=20)),
                ("acl", models.TextField()),
                ("until", models.DateTimeField(blank=True, null=True)),
                ("title_tokens", models.TextField(blank=True)),
                ("body_tokens", models.TextField(blank=True)),
                ("digest", models.CharField(max_length=32)),
                ("indexed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "region"], name="search_doc_kind_region"),
                    models.Index(fields=["region_path"], name="search_doc_region_path"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="searchdocument_unique")
                ],
            },
        ),
    ]
