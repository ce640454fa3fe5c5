"""Candidates from the database: people (VolunteerProfile) and offers (JobPlacement, Programme)
read as PersonFacts / OfferFacts in a fixed number of queries.

Candidate generation never scans every volunteer: the SQL starts from the regions a group's
judicial office lies in (its path prefixes: province, city, county, office), through the
indexed region link table, and keeps only people with a skill serving one of the needs.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from matching.facts import OfferFacts, PersonFacts
from matching.read import DEAD_REFERRALS, slots_from_bits

QUALIFICATION = {"assistant": 1, "social_worker": 2, "senior": 3}
# What each offer answers among the group needs (groups.reference.NEEDS).
JOB_SERVES = ("employment",)
JOB_BENEFIT_SERVES = {"training": "vocational_skills", "housing": "housing"}
PROGRAMME_SERVES = {
    "legal_aid": ("legal_aid", "debt"),
    "counselling": ("psychological_support", "addiction"),
    "vocational": ("vocational_skills", "employment"),
    "academic": ("education",),
    "family": ("family_relations",),
    "research": (),
}


@dataclass
class Pool:
    """Candidates with what the page shows beside the facts."""

    people: list[PersonFacts] = field(default_factory=list)
    offers: list[OfferFacts] = field(default_factory=list)
    region_names: dict[str, str] = field(default_factory=dict)  # path -> name
    organisation: dict[tuple[str, int], str] = field(default_factory=dict)  # offer -> org name


def _load():
    """Active places in active groups: a person's current load."""
    from groups.models import Membership

    return Coalesce(
        Subquery(
            Membership.objects.filter(
                user_id=OuterRef("user_id"), left_at__isnull=True, group__status="active"
            )
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def people_queryset(*, office_paths):
    """Approved people with spare capacity serving one of the offices (needs: person_facts)."""
    from portal.models import Region
    from volunteers.models import VolunteerProfile

    # Two steps, both driven by an index: who serves these regions (the region link table's
    # region_id index, the status read by primary key), then those profiles by primary key.
    # Status is compared here, not in SQL: SQLite, which keeps no statistics, would otherwise
    # start from the status index, i.e. from every approved profile.
    approved = VolunteerProfile.Status.APPROVED
    in_region = {
        pid
        for pid, status in VolunteerProfile.regions.through.objects.filter(
            region_id__in=Region.objects.filter(
                path__in=Region.paths_above_all(office_paths)
            ).values("pk")
        ).values_list("volunteerprofile_id", "volunteerprofile__status")
        if status == approved
    }
    # Whether their skills serve one of the needs is checked in person_facts(needs=...), from the
    # skills it reads anyway: as an EXISTS here PostgreSQL turns it into a semi-join over every
    # profile holding one of those skills.
    return (
        VolunteerProfile.objects.filter(pk__in=sorted(in_region), user__isnull=False)
        .annotate(load=_load())
        .filter(load__lt=F("max_groups"))
        .order_by()
    )


def person_facts(profiles, pool: Pool | None = None, *, needs=None, languages=True) -> Pool:
    """PersonFacts of the given profiles (a queryset), 4 queries whatever their number; with
    `needs`, only those whose skills serve at least one of them. Without `languages` (no group
    in question states one, so none can score), their languages are not read."""
    from portal.models import User
    from volunteers.models import VolunteerProfile

    pool = pool or Pool()
    english = (get_language() or "").startswith("en")
    if "load" not in profiles.query.annotations:
        profiles = profiles.annotate(load=_load())
    # The name by a correlated look-up, not a join: PostgreSQL would hash-join the whole user
    # table for a thousand candidates.
    profiles = profiles.annotate(
        name=Subquery(User.objects.filter(pk=OuterRef("user_id")).values("display_name")[:1])
    )
    rows = list(
        profiles.order_by().values_list(
            "pk", "user_id", "name", "kind", "status", "availability",
            "max_groups", "qualification", "cleared_for_juveniles", "load",
        )
    )  # fmt: skip
    ids = [r[0] for r in rows]
    serves, skill_names = defaultdict(set), defaultdict(dict)
    for pid, zh, en, need in VolunteerProfile.skills.through.objects.filter(
        volunteerprofile_id__in=ids, skill__serves__isnull=False
    ).values_list("volunteerprofile_id", "skill__name_zh", "skill__name_en", "skill__serves__code"):
        serves[pid].add(need)
        skill_names[pid].setdefault(need, en if english else zh)
    if needs is not None:
        needs = set(needs)
        rows = [r for r in rows if serves[r[0]] & needs]
        ids = [r[0] for r in rows]
    paths = defaultdict(list)
    for pid, path, name in VolunteerProfile.regions.through.objects.filter(
        volunteerprofile_id__in=ids
    ).values_list("volunteerprofile_id", "region__path", "region__name"):
        paths[pid].append(path)
        pool.region_names[path] = name
    spoken = defaultdict(set)
    for pid, zh, en in VolunteerProfile.languages.through.objects.filter(
        volunteerprofile_id__in=ids if languages else []
    ).values_list("volunteerprofile_id", "language__name_zh", "language__name_en"):
        spoken[pid].add(en if english else zh)
    status = VolunteerProfile.Status
    for pid, user_id, name, kind, state, bits, most, qual, cleared, load in rows:
        pool.people.append(
            PersonFacts(
                id=user_id,
                kind=kind,
                name=name,
                serves=frozenset(serves[pid]),
                skill_names=skill_names[pid],
                region_paths=tuple(sorted(paths[pid])),
                slots=slots_from_bits(bits),
                languages=frozenset(spoken[pid]),
                qualification=QUALIFICATION.get(qual, 0),
                load=load,
                max_groups=most,
                cleared_for_juveniles=cleared,
                vetted=state in (status.APPROVED, status.SUSPENDED),
                suspended=state == status.SUSPENDED,
            )
        )
    return pool


def _live_referrals(column: str):
    from partners.models import Referral

    return Coalesce(
        Subquery(
            Referral.objects.filter(**{column: OuterRef("pk")})
            .exclude(status__in=DEAD_REFERRALS)
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def jobs_queryset(*, area_paths=None):
    """Open jobs of verified organisations with places left, working inside the areas given."""
    from partners.models import JobPlacement

    today = timezone.localdate()
    jobs = JobPlacement.objects.filter(
        status="open", opens_on__lte=today, closes_on__gte=today, organisation__status="verified"
    )
    if area_paths is not None:
        jobs = jobs.filter(pk__in=_located(JobPlacement.work_locations.through, area_paths))
    return jobs.annotate(taken=_live_referrals("job")).filter(taken__lt=F("positions"))


def programmes_queryset(*, area_paths=None, need_codes=None):
    from partners.models import Programme

    today = timezone.localdate()
    programmes = Programme.objects.filter(
        status="open", opens_on__lte=today, closes_on__gte=today, organisation__status="verified"
    )
    if area_paths is not None:
        programmes = programmes.filter(pk__in=_located(Programme.regions.through, area_paths))
    if need_codes is not None:
        kinds = [k for k, serves in PROGRAMME_SERVES.items() if set(serves) & set(need_codes)]
        programmes = programmes.filter(kind__in=kinds)
    return programmes.annotate(taken=_live_referrals("programme")).filter(taken__lt=F("capacity"))


def _located(through, area_paths):
    from portal.models import Region

    inside = Q()
    for path in sorted(set(area_paths)):
        inside |= Q(path__startswith=path)
    return through.objects.filter(region_id__in=Region.objects.filter(inside).values("pk")).values(
        f"{through._meta.model_name.split('_')[0]}_id"
    )


def offer_facts(jobs, programmes, pool: Pool | None = None) -> Pool:
    """OfferFacts of the given jobs and programmes (querysets), 5 queries."""
    from partners.models import JobPlacement, Programme

    pool = pool or Pool()
    if "taken" not in jobs.query.annotations:
        jobs = jobs.annotate(taken=_live_referrals("job"))
    if "taken" not in programmes.query.annotations:
        programmes = programmes.annotate(taken=_live_referrals("programme"))
    today = timezone.localdate()
    job_rows = list(
        jobs.order_by().values_list(
            "pk", "title", "organisation__name", "organisation__status", "industry__code",
            "salary_min", "housing", "meals", "training", "status", "opens_on", "closes_on",
            "positions", "taken",
        )
    )  # fmt: skip
    job_ids = [r[0] for r in job_rows]
    places = defaultdict(list)
    for jid, path, name in JobPlacement.work_locations.through.objects.filter(
        jobplacement_id__in=job_ids
    ).values_list("jobplacement_id", "region__path", "region__name"):
        places[jid].append(path)
        pool.region_names[path] = name
    offences = defaultdict(set)
    for jid, code in JobPlacement.excluded_offences.through.objects.filter(
        jobplacement_id__in=job_ids
    ).values_list("jobplacement_id", "offencecategory__code"):
        offences[jid].add(code)
    for (jid, title, org, org_status, industry, salary, housing, meals, training, state,
         opens, closes, positions, taken) in job_rows:  # fmt: skip
        benefits = {b for b, on in (("housing", housing), ("meals", meals),
                                    ("training", training)) if on}  # fmt: skip
        serves = set(JOB_SERVES) | {JOB_BENEFIT_SERVES[b] for b in benefits
                                    if b in JOB_BENEFIT_SERVES}  # fmt: skip
        pool.offers.append(
            OfferFacts(
                id=jid,
                kind="job",
                title=title,
                serves=frozenset(serves),
                region_paths=tuple(sorted(places[jid])),
                industry=industry,
                excluded_offences=frozenset(offences[jid]),
                salary_min=salary,
                benefits=frozenset(benefits),
                open=state == "open" and opens <= today <= closes,
                places_left=positions - taken,
                verified=org_status == "verified",
            )
        )
        pool.organisation[("job", jid)] = org
    programme_rows = list(
        programmes.order_by().values_list(
            "pk", "title", "organisation__name", "organisation__status", "kind", "status",
            "opens_on", "closes_on", "capacity", "taken",
        )
    )  # fmt: skip
    areas = defaultdict(list)
    for pid, path, name in Programme.regions.through.objects.filter(
        programme_id__in=[r[0] for r in programme_rows]
    ).values_list("programme_id", "region__path", "region__name"):
        areas[pid].append(path)
        pool.region_names[path] = name
    for pid, title, org, org_status, kind, state, opens, closes, capacity, taken in programme_rows:
        pool.offers.append(
            OfferFacts(
                id=pid,
                kind="programme",
                title=title,
                serves=frozenset(PROGRAMME_SERVES.get(kind, ())),
                region_paths=tuple(sorted(areas[pid])),
                open=state == "open" and opens <= today <= closes,
                places_left=capacity - taken,
                verified=org_status == "verified",
            )
        )
        pool.organisation[("programme", pid)] = org
    return pool
