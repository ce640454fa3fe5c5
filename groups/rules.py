"""The hard rules between a correction group and whoever may help it, written once: the group's
restriction order (禁止令: forbidden industries) and approved execution area (执行地), the
offences an employer excludes, and the standing of the person or offer (vetted, not suspended,
cleared for juveniles, places left, organisation verified, not already in or declined).

Pure functions of plain values (region paths, codes, flags, counts), no database, so every
caller asks the same question however it holds the facts: the referral service
(partners.eligibility, from rows), the matching engine (matching.constraints, from its facts;
matching.matrix is the vectorised copy, tested against these) and the gate into a group.

Each rule returns None when it passes, or the reason as a short clause in the active language
("suspended", "已被暂停"); callers frame it ("This suggestion can no longer be accepted: ...").
A reason that names places, an industry or an offence shows the names the caller passes, and
the codes when it has none.
"""

from collections.abc import Collection, Iterable, Mapping

from django.utils.translation import gettext as _

from portal.models import Region  # its path helpers only: plain string functions


def covers(region_path: str, path: str) -> bool:
    """Whether `path` is the region at `region_path` or lies beneath it."""
    return path.startswith(region_path)


def _listed(paths: Iterable[str], names: Mapping[str, str] | None) -> str:
    return "、".join((names or {}).get(p, p) for p in paths)


# --- the group's restriction order and execution area -------------------------------------------


def execution_area(approved_paths: Iterable[str], office_path: str) -> tuple[str, ...]:
    """The approved execution area; without one, the county of the judicial office (for an
    office straight under a city without counties, such as a town of 东莞, that city)."""
    county = Region.path_at_level(office_path, Region.Level.COUNTY) or office_path
    return tuple(approved_paths) or (county,)


def place_refusal(
    places: Collection[str], area: Collection[str], names: Mapping[str, str] | None = None
) -> str | None:
    """Refused unless one of the places of work (or where a programme runs) lies inside the
    execution area. A place wider than the area (a city-wide job for a county) is not inside."""
    if any(covers(a, p) for a in area for p in places):
        return None
    return _(
        "the place of work (%(places)s) is outside the group's approved execution area (%(area)s)"
    ) % {"places": _listed(places, names) or _("none given"), "area": _listed(area, names)}


def industry_refusal(industry: str, forbidden: Collection[str], *, name: str = "") -> str | None:
    """Refused when the restriction order forbids the posting's industry (codes)."""
    if not industry or industry not in forbidden:
        return None
    return _("the industry %(industry)s is forbidden to this group by a restriction order") % {
        "industry": name or industry
    }


def offence_refusal(offence: str, excluded: Collection[str], *, name: str = "") -> str | None:
    """Refused when the employer excludes the group's offence category (codes)."""
    if not offence or offence not in excluded:
        return None
    return _("the employer cannot accept the offence category %(offence)s") % {
        "offence": name or offence
    }


def closed_group_refusal(closed: bool) -> str | None:
    return _("the group is closed") if closed else None


# --- any account, in any role --------------------------------------------------------------------


def role_refusal(*, fits: bool, role: str) -> str | None:
    """Each role is held by the kinds of account made for it (a partner is never a volunteer)."""
    return None if fits else _("an account of this kind cannot be %(role)s") % {"role": role}


def account_refusal(active: bool) -> str | None:
    return None if active else _("the account is deactivated")


# --- a volunteer or social worker ---------------------------------------------------------------


def vetting_refusal(*, vetted: bool, suspended: bool) -> str | None:
    """Only a person whose profile was approved, and is not suspended now, may help a group."""
    if not vetted:
        return _("not vetted yet")
    if suspended:
        return _("suspended")
    return None


def capacity_refusal(*, load: int, max_groups: int) -> str | None:
    """A person takes at most `max_groups` active groups at once."""
    return _("already at their maximum number of groups") if load >= max_groups else None


def region_refusal(served_paths: Iterable[str], office_path: str) -> str | None:
    """A person helps only where they serve: a region served must hold the group's office."""
    if any(covers(path, office_path) for path in served_paths):
        return None
    return _("does not serve this region")


def juvenile_refusal(*, is_juvenile: bool, cleared: bool) -> str | None:
    """A juvenile group takes only people a coordinator cleared to work with juveniles."""
    return _("not cleared to work with juveniles") if is_juvenile and not cleared else None


def member_or_declined_refusal(excluded: bool) -> str | None:
    """A person already in the group (or who was), or declined for it, is not proposed again."""
    return _("already in or declined for this group") if excluded else None


def member_refusal(active: bool) -> str | None:
    """A person holds one place in a group at a time (a coordinator may add a past member
    again: leaving is not a refusal)."""
    return _("already in this group") if active else None


def declined_refusal(declined: bool) -> str | None:
    """A person a coordinator or lead declined for the group (a turned-down suggestion) does not
    join it by another way in."""
    return _("declined for this group") if declined else None


# --- a job placement or programme ---------------------------------------------------------------


def open_refusal(is_open: bool) -> str | None:
    """A posting takes referrals only while open (published, between its dates)."""
    return None if is_open else _("no longer open")


def places_refusal(places_left: int) -> str | None:
    return None if places_left > 0 else _("no places left")


def verification_refusal(verified: bool) -> str | None:
    """Only postings of a verified organisation reach a group."""
    return None if verified else _("the organisation is not verified")


def referred_or_declined_refusal(excluded: bool) -> str | None:
    """A posting the group is already referred to (live), or declined, is not proposed again."""
    return _("already referred or declined for this group") if excluded else None


def first(*reasons: str | None) -> str | None:
    """The first reason given, in the order the caller lists the rules."""
    return next((r for r in reasons if r), None)
