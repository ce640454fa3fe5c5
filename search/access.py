"""Who may see a document, as tokens the query filters on (inside the query, never after it).

A document carries tokens; a user holds grants. Ordinary grants ("public", and for an approved
volunteer the regions they serve) see a document only until its end (`until`: a job's closing
day, an activity's end); staff grants (a coordinator's regions) see it whatever its end.
Region tokens are the treebeard paths of a region and of every region above it, so a
coordinator of 天河区 matches a document of 石牌街司法所 and nothing in 四川省.
"""

from dataclasses import dataclass

from portal.models import Region, StaffRole, User
from portal.prepared import Prepared
from portal.selectors import role_region_paths

PUBLIC = "public"


def staff_tokens(paths) -> list[str]:
    """A document a coordinator of any of these regions (or above them) may see."""
    return sorted({f"c{p}".lower() for p in Region.paths_above_all(paths)})


def serving_tokens(paths) -> list[str]:
    """A document a volunteer serving any of these regions (or above them) may see."""
    return sorted({f"v{p}".lower() for p in Region.paths_above_all(paths)})


@dataclass(frozen=True)
class Grants:
    everything: bool = False
    ordinary: tuple[str, ...] = (PUBLIC,)
    staff: tuple[str, ...] = ()


def grants_for(user: User | None) -> Grants:
    """What this user may see, in two queries at most."""
    if user is None or not user.is_authenticated:
        return Grants()
    if user.is_superuser:
        return Grants(everything=True)
    staff = [
        f"c{path}".lower()
        for path in role_region_paths(user, role=StaffRole.Role.COORDINATOR)  # the menu's read
    ]
    ordinary = [PUBLIC]
    ordinary += [f"v{path}".lower() for (path,) in _SERVING.rows(user_id=user.pk)]
    return Grants(ordinary=tuple(ordinary), staff=tuple(staff))


def _serving_query(user_id):
    from volunteers.models import VolunteerProfile

    return VolunteerProfile.regions.through.objects.filter(
        volunteerprofile__user_id=user_id,
        volunteerprofile__status=VolunteerProfile.Status.APPROVED,
    ).values_list("region__path")


# Every search by a signed-in person asks which regions they serve: compiled once per process
# (portal.prepared), as building the joined query cost more than running it.
_SERVING = Prepared(_serving_query, user_id=-7_204_951)
