from django.db.models import Count, Q

from volunteers.models import VolunteerProfile


def counts() -> dict[str, int]:
    """Approved (vetted) volunteers and social workers, for the home page."""
    approved = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPROVED)
    return approved.aggregate(
        volunteers=Count("pk", filter=Q(kind=VolunteerProfile.Kind.VOLUNTEER)),
        social_workers=Count("pk", filter=Q(kind=VolunteerProfile.Kind.SOCIAL_WORKER)),
    )
