"""Candidates from the database: people (VolunteerProfile) and offers (JobPlacement, Programme)
read as PersonFacts / OfferFacts in a fixed number of queries.

Candidate generation never scans every volunteer: people are found in their stored serving
facts (volunteers.models.ServingFacts) by the regions a group's judicial office lies in (its
path prefixes: province, city, county, office) and by the skills serving one of the needs;
offers through the indexed region link tables.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from matching.facts import OfferFacts, PersonFacts
from matching.read import DEAD_REFERRALS, slots_from_bits, term_name

QUALIFICATION = {"assistant": 1, "social_worker": 2, "senior": 3}
# A profile's row as _person reads it (with the load and name annotated).
PROFILE_COLUMNS = (
    "pk", "user_id", "name", "kind", "status", "availability",
    "max_groups", "qualification", "cleared_for_juveniles", "load",
)  # fmt: skip
# The same without what is looked up in other tables (the name and the load).
STATIC_COLUMNS = tuple(c for c in PROFILE_COLUMNS if c not in ("name", "load"))
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


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the ids as ONE array parameter (PostgreSQL). An IN list of a few
    thousand ids costs more in Python than in the database: Django prepares each parameter and
    psycopg rewrites each placeholder."""

    lookup_name = "any_of"  # used as an expression, never registered on a field
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # The array as its text form ('{1,2,3}'): psycopg dumps a list of ints item by item in
        # Python, a few milliseconds for a few thousand.
        array = "{" + ",".join(str(int(i)) for i in self.rhs) + "}"
        return f"{lhs} = ANY(%s::bigint[])", [*params, array]


def ids_in(column: str, ids) -> Q | _AnyOf:
    """A filter keeping rows whose `column` is one of `ids` (a plain IN list but on PostgreSQL)."""
    ids = sorted(set(ids))
    if connection.vendor != "postgresql" or not ids:
        return Q(**{f"{column}__in": ids})
    return _AnyOf(F(column), ids)


def _load():
    """A person's current load (groups.selectors.places_counting_load), one row's worth."""
    from groups.selectors import places_counting_load

    return Coalesce(
        Subquery(
            places_counting_load()
            .filter(user_id=OuterRef("user_id"))
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _name():
    """The person's display name, by a correlated look-up rather than a join: PostgreSQL would
    hash-join the whole user table for a thousand candidates."""
    from portal.models import User

    return Subquery(User.objects.filter(pk=OuterRef("user_id")).values("display_name")[:1])


def _serving_here(office_paths):
    """The region link rows of the people serving one of the offices: a region of theirs is the
    office or above it (driven by the link table's region_id index)."""
    from portal.models import Region
    from volunteers.models import VolunteerProfile

    return VolunteerProfile.regions.through.objects.filter(
        region_id__in=Region.objects.filter(path__in=Region.paths_above_all(office_paths)).values(
            "pk"
        )
    )


def people_ids(*, office_paths) -> list[int]:
    """Ids of the approved profiles (of a user) serving one of the offices, in one query
    (spare capacity and needs: person_facts)."""
    from volunteers.models import VolunteerProfile

    # Driven by an index: who serves these regions (the region link table's region_id index,
    # the profile read by primary key). Status is compared here, not in SQL: SQLite, which
    # keeps no statistics, would otherwise start from the status index, i.e. from every
    # approved profile.
    approved = VolunteerProfile.Status.APPROVED
    return sorted(
        {
            pid
            for pid, status, user_id in _serving_here(office_paths).values_list(
                "volunteerprofile_id", "volunteerprofile__status", "volunteerprofile__user_id"
            )
            if status == approved and user_id is not None
        }
    )


def _read_skills(where, serves, skill_names) -> None:
    """Each profile's need codes its skills serve (into `serves`) and, per need, the name of a
    skill serving it in the active language (into `skill_names`): the skill link rows `where`
    keeps, with a need. Of two skills serving one need, the name first in order is shown, so
    the same is shown whichever order the rows come in."""
    from volunteers.models import VolunteerProfile

    english = (get_language() or "").startswith("en")
    for pid, zh, en, need in VolunteerProfile.skills.through.objects.filter(
        where, skill__serves__isnull=False
    ).values_list("volunteerprofile_id", "skill__name_zh", "skill__name_en", "skill__serves__code"):
        serves[pid].add(need)
        name, names = en if english else zh, skill_names[pid]
        if need not in names or name < names[need]:
            names[need] = name


class keys_text(Func):  # noqa: N801 - used like Django's functions (Lower, Coalesce)
    """The keys of a JSON object column as one space-separated text: split in Python, a row's
    key sets cost a few microseconds, where decoding its JSON columns cost ten times that (the
    keys are region paths and ids: no spaces)."""

    arity = 1
    output_field = TextField()
    template = "array_to_string(ARRAY(SELECT jsonb_object_keys(%(expressions)s)), ' ')"

    def as_sqlite(self, compiler, connection, **extra):
        template = "(SELECT group_concat(key, ' ') FROM json_each(%(expressions)s))"
        return self.as_sql(compiler, connection, template=template, **extra)


def serving_facts(
    *, office_paths, needs, pool: Pool | None = None, languages=True, spare=False, live=True
) -> Pool:
    """PersonFacts of the approved people (of a user) serving one of the offices whose skills
    serve one of `needs` (only those needs in their facts: nothing else can score), 5 queries
    whatever their number (4 without `languages`); with `spare`, only those with spare capacity.
    Without `live`, their load and name are not read (0 and ""), nor the names of their regions
    (4 queries, 3 without `languages`): live_people and region_names read them for the few a
    ranking needs (`spare` then does nothing).

    Found in the profiles' stored links (volunteers.models.ServingFacts, volunteers.serving):
    a region at or above one of the offices and a skill serving one of the needs, one look-up in
    two GIN indexes on PostgreSQL, where the link tables took three joins over everyone serving
    the offices' province, city and county. Then the profiles' rows by id (status, capacity,
    load, name: read live, so a vetting decision or a new membership counts at once): by id, not
    joined, since PostgreSQL's default costs would hash-join the whole profile table."""
    from portal.models import Region
    from volunteers.models import Language, ServingFacts, Skill, VolunteerProfile

    pool = pool or Pool()
    # The skills serving the needs (a stored key is the id as text): which needs, shown as what.
    serving = defaultdict(list)
    for skill, need, zh, en in Skill.serves.through.objects.filter(
        need__code__in=sorted(needs)
    ).values_list("skill_id", "need__code", "skill__name_zh", "skill__name_en"):
        serving[str(skill)].append((need, term_name(zh, en)))
    if not serving:
        return pool
    found = ServingFacts.objects.filter(
        regions__has_any_keys=sorted(Region.paths_above_all(office_paths)),
        skills__has_any_keys=sorted(serving),
    ).values_list(
        "profile_id",
        keys_text("regions"),
        keys_text("skills"),
        keys_text("languages") if languages else Value(""),
    )
    # People share a few hundred sets of skills, regions and languages: each distinct set is
    # worked out once (and its result shared, read-only, by everyone who has it).
    skills_of, paths_of, facts = {}, {}, {}
    for pid, regions, skills, langs in found:
        if skills not in skills_of:
            skills_of[skills] = _skill_facts(skills, serving)
        if regions not in paths_of:
            paths_of[regions] = tuple(sorted((regions or "").split()))
        facts[pid] = (*skills_of[skills], paths_of[regions], langs or "")
    # Only the approved (a fifth of those serving are still drafts or in vetting): their load
    # and name are not looked up. The load is compared here, for the reason _facts gives.
    approved = VolunteerProfile.objects.filter(
        ids_in("pk", facts), status=VolunteerProfile.Status.APPROVED, user__isnull=False
    ).order_by()
    if live:
        rows = [
            r
            for r in approved.annotate(load=_load(), name=_name()).values_list(*PROFILE_COLUMNS)
            if not (spare and r[9] >= r[6])
        ]
        region_names([facts[r[0]][2] for r in rows], pool)
    else:
        rows = [(*r[:2], "", *r[2:], 0) for r in approved.values_list(*STATIC_COLUMNS)]
    spoken = {"": frozenset()}  # a person's stored language keys -> the names shown
    if languages:
        kept = {facts[r[0]][3] for r in rows} - {""}
        ids = sorted({int(lang) for langs in kept for lang in langs.split()})
        names = {
            str(pk): term_name(zh, en)
            for pk, zh, en in Language.objects.filter(pk__in=ids).values_list(
                "pk", "name_zh", "name_en"
            )
        }
        for langs in kept:
            spoken[langs] = frozenset(names[x] for x in langs.split() if x in names)
    for row in rows:
        serves, skill_names, paths, langs = facts[row[0]]
        pool.people.append(_person(row, serves, skill_names, paths, spoken[langs]))
    return pool


def region_names(paths_of_people, pool: Pool) -> None:
    """The names of the regions the people serve (each a tuple of paths), into the pool: the
    region shown beside a person (suggest._nearest_region). One query."""
    from portal.models import Region

    kept = sorted({path for paths in paths_of_people for path in paths})
    pool.region_names.update(Region.objects.filter(path__in=kept).values_list("path", "name"))


def _skill_facts(skills: str, serving) -> tuple[frozenset, dict]:
    """The needs a person's skills (stored keys, space-separated) serve, and per need the name
    shown: of two skills serving one need, the name first in order, whatever the order read."""
    serves, names = set(), {}
    for skill in (skills or "").split():
        for need, name in serving.get(skill, ()):
            serves.add(need)
            if need not in names or name < names[need]:
                names[need] = name
    return frozenset(serves), names


def live_people(people: list[PersonFacts]) -> list[PersonFacts]:
    """The people read without their load and name (serving_facts(live=False)) with both read
    now, in one query; someone whose profile went meanwhile is left out."""
    from volunteers.models import VolunteerProfile

    if not people:
        return []
    read = {
        user_id: (load, name)
        for user_id, load, name in VolunteerProfile.objects.filter(
            ids_in("user_id", [p.id for p in people])
        )
        .annotate(load=_load(), name=_name())
        .order_by()
        .values_list("user_id", "load", "name")
    }
    return [replace(p, load=read[p.id][0], name=read[p.id][1]) for p in people if p.id in read]


def person_facts(
    profiles, pool: Pool | None = None, *, needs=None, languages=True, spare=False
) -> Pool:
    """PersonFacts of the given profiles (a queryset, or a list of profile ids), 4 queries
    whatever their number; with `needs`, only those whose skills serve at least one of them;
    with `spare`, only those with spare capacity. Without `languages` (no group in question
    states one, so none can score), their languages are not read."""
    from volunteers.models import VolunteerProfile

    known = None if isinstance(profiles, QuerySet) else list(profiles)
    if known is not None:
        profiles = VolunteerProfile.objects.filter(ids_in("pk", known))
    serves, skill_names = defaultdict(set), defaultdict(dict)
    if needs is not None:
        # Skills first, so the profile rows (with their name and load looked up one by one) are
        # read only for the people who serve one of the needs: often fewer than half.
        # By id when the ids are known: as a sub-select PostgreSQL hash-joins every skill row.
        _read_skills(
            ids_in("volunteerprofile_id", known)
            if known is not None
            else Q(volunteerprofile_id__in=profiles.values("pk")),
            serves,
            skill_names,
        )
        needs = set(needs)
        # Every id kept came from `profiles`: a filter on them alone (on both, PostgreSQL would
        # multiply the two selectivities and misjudge the plan).
        profiles = VolunteerProfile.objects.filter(
            ids_in("pk", [p for p, s in serves.items() if s & needs])
        )
    return _facts(
        profiles, pool or Pool(), serves, skill_names, languages=languages, spare=spare,
        read_skills=needs is None,
    )  # fmt: skip


def _facts(profiles, pool, serves, skill_names, *, languages, spare, read_skills=False) -> Pool:
    """The profiles' rows (name, load), regions and languages, with the skills already read
    (or read here), as PersonFacts added to `pool`; 3 queries (4 with `read_skills`)."""
    from volunteers.models import VolunteerProfile

    english = (get_language() or "").startswith("en")
    if "load" not in profiles.query.annotations:
        profiles = profiles.annotate(load=_load())
    profiles = profiles.annotate(name=_name())
    rows = list(profiles.order_by().values_list(*PROFILE_COLUMNS))
    if spare:
        # Compared here rather than in SQL, where the load's subquery would run twice a row.
        rows = [r for r in rows if r[9] < r[6]]
    if read_skills:
        _read_skills(ids_in("volunteerprofile_id", [r[0] for r in rows]), serves, skill_names)
    ids = [r[0] for r in rows]
    paths = defaultdict(list)
    for pid, path, name in VolunteerProfile.regions.through.objects.filter(
        ids_in("volunteerprofile_id", ids)
    ).values_list("volunteerprofile_id", "region__path", "region__name"):
        paths[pid].append(path)
        pool.region_names[path] = name
    spoken = defaultdict(set)
    for pid, zh, en in VolunteerProfile.languages.through.objects.filter(
        ids_in("volunteerprofile_id", ids if languages else [])
    ).values_list("volunteerprofile_id", "language__name_zh", "language__name_en"):
        spoken[pid].add(en if english else zh)
    for row in rows:
        pid = row[0]
        pool.people.append(_person(row, serves[pid], skill_names[pid], paths[pid], spoken[pid]))
    return pool


def _person(row, serves, skill_names, paths, spoken) -> PersonFacts:
    """A profile's row (pk, user id, name, kind, status, availability, max groups,
    qualification, juvenile clearance, load) and what its links give, as PersonFacts."""
    from volunteers.models import VolunteerProfile

    _pid, user_id, name, kind, state, bits, most, qual, cleared, load = row
    status = VolunteerProfile.Status
    return PersonFacts(
        id=user_id,
        kind=kind,
        name=name,
        serves=frozenset(serves),
        skill_names=skill_names,
        region_paths=tuple(sorted(paths)),
        slots=slots_from_bits(bits),
        languages=frozenset(spoken),
        qualification=QUALIFICATION.get(qual, 0),
        load=load,
        max_groups=most,
        cleared_for_juveniles=cleared,
        vetted=state in (status.APPROVED, status.SUSPENDED),
        suspended=state == status.SUSPENDED,
    )


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


def jobs_queryset(*, area_paths=None, need_codes=None):
    """Open jobs of verified organisations, working inside the areas given (places left:
    offer_facts(spare=True));
    with `need_codes`, only jobs serving one of them (none at all when no job can)."""
    from partners.models import JobPlacement

    if need_codes is not None:
        # A job serves employment, and housing or vocational skills through its benefits: a
        # job answering none of the needs can never score, so it is not read at all.
        need_codes = set(need_codes)
        if not need_codes & set(JOB_SERVES):
            benefits = [b for b, need in JOB_BENEFIT_SERVES.items() if need in need_codes]
            if not benefits:
                return JobPlacement.objects.none()
            serving = Q()
            for benefit in benefits:
                serving |= Q(**{benefit: True})
            return jobs_queryset(area_paths=area_paths).filter(serving)

    today = timezone.localdate()
    jobs = JobPlacement.objects.filter(
        status="open", opens_on__lte=today, closes_on__gte=today, organisation__status="verified"
    )
    if area_paths is not None:
        jobs = jobs.filter(pk__in=_located(JobPlacement.work_locations.through, area_paths))
    # Places left are compared in offer_facts(spare=True): as a filter here the live-referral
    # count would run twice a row (WHERE and SELECT).
    return jobs.annotate(taken=_live_referrals("job"))


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
    return programmes.annotate(taken=_live_referrals("programme"))


def _located(through, area_paths):
    from portal.models import Region

    inside = Q()
    for path in sorted(set(area_paths)):
        inside |= Q(path__startswith=path)
    return through.objects.filter(region_id__in=Region.objects.filter(inside).values("pk")).values(
        f"{through._meta.model_name.split('_')[0]}_id"
    )


def offer_facts(jobs, programmes, pool: Pool | None = None, *, spare=False) -> Pool:
    """OfferFacts of the given jobs and programmes (querysets), 5 queries; with `spare`, only
    those with places left."""
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
    if spare:
        job_rows = [r for r in job_rows if r[13] < r[12]]  # taken < positions
    job_ids = [r[0] for r in job_rows]
    places = defaultdict(list)
    for jid, path, name in JobPlacement.work_locations.through.objects.filter(
        ids_in("jobplacement_id", job_ids)
    ).values_list("jobplacement_id", "region__path", "region__name"):
        places[jid].append(path)
        pool.region_names[path] = name
    offences = defaultdict(set)
    for jid, code in JobPlacement.excluded_offences.through.objects.filter(
        ids_in("jobplacement_id", job_ids)
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
    if spare:
        programme_rows = [r for r in programme_rows if r[9] < r[8]]  # taken < capacity
    areas = defaultdict(list)
    for pid, path, name in Programme.regions.through.objects.filter(
        ids_in("programme_id", [r[0] for r in programme_rows])
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
