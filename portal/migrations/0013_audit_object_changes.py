from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0012_user_email_optional_mobile_unique"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("action", "group.viewed"), _negated=True),
                fields=["object_type", "object_id", "-created_at", "-id"],
                name="audit_object_changes",
            ),
        ),
    ]
