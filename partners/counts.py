"""Home-page figures: universities and enterprises that have been verified."""

from django.db.models import Count, Q

from partners.models import Organisation


def counts() -> dict[str, int]:
    kind = Organisation.Kind
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED).aggregate(
        universities=Count("pk", filter=Q(kind=kind.UNIVERSITY)),
        enterprises=Count("pk", filter=Q(kind=kind.ENTERPRISE)),
    )
