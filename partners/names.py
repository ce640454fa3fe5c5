"""Matching the free-text agency name of a volunteer profile to a registered organisation.

Before affiliations existed a profile held its agency as text (VolunteerProfile.agency_name).
The data migration turns each text that names a verified agency or university into a suggested
affiliation; the same function runs on the migration's historical models and in the tests.
"""

import unicodedata


def normalise_name(name: str) -> str:
    """The name without what people type differently: full-width forms (NFKC), case, spaces
    and punctuation. "广州市 启明社工（中心）" and "广州市启明社工(中心)" compare equal."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PSZC")


def suggest_from_agency_names(*, organisation_model, profile_model, affiliation_model) -> int:
    """Create a suggested affiliation for each profile whose agency text names a verified
    agency, university or other organisation exactly or once normalised; returns how many.

    A name shared by two organisations suggests both (the person chooses). Profiles that left
    and pairs that already have an affiliation are skipped, so running it again adds nothing.
    """
    open_statuses = ("suggested", "requested", "confirmed")
    by_name: dict[str, list[int]] = {}
    organisations = organisation_model.objects.filter(
        status="verified", kind__in=("agency", "university", "other")
    ).values_list("pk", "name")
    for pk, name in organisations:
        key = normalise_name(name)
        if key:
            by_name.setdefault(key, []).append(pk)
    if not by_name:
        return 0
    existing = set(
        affiliation_model.objects.filter(status__in=open_statuses).values_list(
            "organisation_id", "profile_id"
        )
    )
    profiles = (
        profile_model.objects.exclude(agency_name="")
        .exclude(status="left")
        .values_list("pk", "agency_name")
    )
    rows = [
        affiliation_model(
            organisation_id=organisation_id,
            profile_id=profile_id,
            status="suggested",
            suggested_from=text[:100],
        )
        for profile_id, text in profiles.iterator(chunk_size=2000)
        for organisation_id in by_name.get(normalise_name(text), ())
        if (organisation_id, profile_id) not in existing
    ]
    affiliation_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
