"""Wagtail's tree root is created titled "Root", which editors then read in the admin's page
chooser and breadcrumbs beside Chinese titles. Named in Chinese here, once; a root an
administrator has renamed is left as it is."""

from django.db import migrations

TITLE = "全部页面"


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    Page.objects.filter(depth=1, title="Root").update(title=TITLE, draft_title=TITLE)


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    Page.objects.filter(depth=1, title=TITLE).update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_user_mobile_verified_sms_notices"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]
