"""People the gate into a group lets in (groups.gate): bench accounts get an approved profile
serving a region, as vetting would have given them (written directly, like the rest of the
seed)."""

from portal.models import Region
from volunteers import serving
from volunteers.models import VolunteerProfile


def vetted(users, region: Region, *, max_groups: int = 2) -> None:
    profiles = VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            user=user,
            kind=user.kind,
            status=VolunteerProfile.Status.APPROVED,
            real_name=user.display_name,
            max_groups=max_groups,
        )
        for user in users
    )
    VolunteerProfile.regions.through.objects.bulk_create(
        VolunteerProfile.regions.through(volunteerprofile_id=p.pk, region_id=region.pk)
        for p in profiles
    )
    serving.refresh(p.pk for p in profiles)  # bulk_create sends no signal
