import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(verbose_name="kind", max_length=16)),
                (
                    "object_id",
                    models.PositiveBigIntegerField(
                        verbose_name="object",
                    ),
                ),
                ("title", models.CharField(verbose_name="title", max_length=200)),
                ("body", models.TextField(verbose_name="text", blank=True)),
                ("url", models.CharField(verbose_name="address", max_length=300)),
                ("region", models.CharField(verbose_name="region", blank=True, max_length=9)),
                (
                    "region_path",
                    models.CharField(verbose_name="region path", blank=True, max_length=64),
                ),
                ("industry", models.CharField(verbose_name="industry", blank=True, max_length=40)),
                ("stage", models.CharField(verbose_name="stage", blank=True, max_length=20)),
                (
                    "acl",
                    models.TextField(
                        verbose_name="who may see it",
                    ),
                ),
                (
                    "until",
                    models.DateTimeField(verbose_name="visible until", blank=True, null=True),
                ),
                ("title_tokens", models.TextField(verbose_name="title words", blank=True)),
                ("body_tokens", models.TextField(verbose_name="text words", blank=True)),
                ("digest", models.CharField(verbose_name="digest", max_length=32)),
                (
                    "indexed_at",
                    models.DateTimeField(
                        verbose_name="indexed at", default=django.utils.timezone.now
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "indexes": [
                    models.Index(fields=["kind", "region"], name="search_doc_kind_region"),
                    models.Index(fields=["region_path"], name="search_doc_region_path"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="searchdocument_unique"
                    )
                ],
            },
        ),
    ]
