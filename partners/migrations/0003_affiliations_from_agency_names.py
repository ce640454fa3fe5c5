"""The free-text agency names of volunteer profiles become suggested affiliations where they
name a verified organisation (partners.names). The text field stays on the profile: its form,
the coordinator's profile page and search still read it, and it is the only record of agencies
not registered as organisations yet."""

from django.db import migrations

from partners.names import suggest_from_agency_names


def suggest(apps, schema_editor):
    suggest_from_agency_names(
        organisation_model=apps.get_model("partners", "Organisation"),
        profile_model=apps.get_model("volunteers", "VolunteerProfile"),
        affiliation_model=apps.get_model("partners", "Affiliation"),
    )


def unsuggest(apps, schema_editor):
    apps.get_model("partners", "Affiliation").objects.filter(status="suggested").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_affiliation"),
        ("volunteers", "0005_cleared_for_juveniles"),
    ]

    operations = [migrations.RunPython(suggest, unsuggest)]
