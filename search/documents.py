"""What is searchable, kind by kind: which objects, their text, facets and who may see them.

Each kind says which objects belong in the index (`queryset`, using the owning app's selectors
where one says what the public may see) and turns one object into a `Doc`. Both backends index
exactly these docs, so they return the same documents.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from functools import cached_property

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from search import access
from search.text import index_tokens, plain_text

BODY_CHARS = 1000


@dataclass
class Doc:
    kind: str
    object_id: int
    title: str
    body: str
    url: str
    region: str = ""
    region_path: str = ""
    industry: str = ""
    stage: str = ""
    acl: list[str] = field(default_factory=list)
    until: datetime | None = None

    @cached_property
    def title_tokens(self) -> str:
        return index_tokens(self.title)

    @cached_property
    def body_tokens(self) -> str:
        return index_tokens(self.body)

    @property
    def digest(self) -> str:
        """Changes whenever anything indexed changes (the consistency check compares it)."""
        data = asdict(self)
        data["until"] = self.until.isoformat() if self.until else None
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


class Regions:
    """Region codes by path, read once per batch: facets name a document's city."""

    def __init__(self):
        self.codes = dict(Region.objects.values_list("path", "code"))

    def city_code(self, path: str) -> str:
        """The code of the city the path lies in (a province-wide document: the province's)."""
        if not path:
            return ""
        return self.codes.get(Region.path_at_level(path, Region.Level.CITY) or path, "")


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _join(*parts) -> str:
    return "\n".join(str(p) for p in parts if p)


def _stream_text(value) -> list[str]:
    """Every string in a StreamField's raw data (headings, paragraphs, quiz questions)."""
    if isinstance(value, str):
        return [plain_text(value)]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("type", "id") for t in _stream_text(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _stream_text(v)]
    return []


class Kind:
    name = ""
    label = ""
    model = None
    # The model labels whose announced changes (portal.changes) this kind indexes.
    labels: tuple[str, ...] = ()

    def queryset(self):
        """Every object that belongs in the index."""
        raise NotImplementedError

    def build(self, obj, regions: Regions) -> Doc:
        raise NotImplementedError

    def related(self, ids) -> dict[str, list[int]]:
        """Documents of other kinds whose content depends on these objects."""
        return {}


class LessonKind(Kind):
    """Curriculum pages: lessons, monthly themes and standing series, live and public only."""

    name = "lesson"
    label = _("Lesson")
    labels = (
        "curriculum.LessonPage",
        "curriculum.MonthlyThemePage",
        "curriculum.LessonSeriesPage",
    )

    def queryset(self):
        from wagtail.models import Page

        from curriculum.models import LessonPage, LessonSeriesPage, MonthlyThemePage

        return (
            Page.objects.type(LessonPage, MonthlyThemePage, LessonSeriesPage)
            .live()
            .public()
            .specific()
            .order_by("pk")
        )

    def build(self, page, regions) -> Doc:
        offences = (
            [str(o.name_zh) for o in page.offences.all()] if hasattr(page, "offences") else []
        )
        body = _join(
            getattr(page, "theme", ""),
            page.summary,
            getattr(page, "objectives", ""),
            " ".join(offences),
            " ".join(_stream_text(getattr(page, "body", None) and page.body.raw_data)),
        )
        return Doc(
            kind=self.name,
            object_id=page.pk,
            title=page.title,
            body=body[:BODY_CHARS],
            url=page.get_url() or "",
            stage=getattr(page, "stage", "") or "",
            acl=[access.PUBLIC],
        )


class _PostingKind(Kind):
    url_name = ""
    kind_words = ""

    def build(self, posting, regions) -> Doc:
        org = posting.organisation
        return Doc(
            kind=self.name,
            object_id=posting.pk,
            title=posting.title,
            # The kind's own words last: found by them, but the snippet starts with content.
            body=_join(
                plain_text(posting.description)[: BODY_CHARS // 2],
                org.name,
                self.details(posting),
                self.kind_words,
            )[:BODY_CHARS],
            url=reverse(self.url_name, args=[posting.pk]),
            region=regions.city_code(org.region.path),
            region_path=org.region.path,
            industry=getattr(posting, "industry", None) and posting.industry.code or "",
            acl=[access.PUBLIC],
            until=_end_of(posting.closes_on),
        )

    def details(self, posting) -> str:
        return ""


class JobKind(_PostingKind):
    """Open job placements of verified organisations (partners.selectors.public_jobs)."""

    name = "job"
    label = _("Job placement")
    labels = ("partners.JobPlacement",)
    url_name = "partners:job"
    kind_words = "就业岗位 招聘"

    def queryset(self):
        from partners.selectors import public_jobs

        return public_jobs().select_related("organisation__region").prefetch_related("requirements")

    def details(self, job) -> str:
        return _join(
            job.industry.name_zh,
            job.get_employment_type_display(),
            " ".join(s.name_zh for s in job.requirements.all()),
            " ".join(r.name for r in job.work_locations.all()),
            job.fair_chance_statement,
        )


class ProgrammeKind(_PostingKind):
    """Open programmes of verified organisations (partners.selectors.public_programmes)."""

    name = "programme"
    label = _("Programme")
    labels = ("partners.Programme",)
    url_name = "partners:programme"
    kind_words = "帮扶项目"

    def queryset(self):
        from partners.selectors import public_programmes

        return public_programmes().select_related("organisation__region")

    def details(self, programme) -> str:
        return _join(
            programme.get_kind_display(),
            programme.schedule,
            " ".join(r.name for r in programme.regions.all()),
        )


class OrganisationKind(Kind):
    """Verified organisations only."""

    name = "organisation"
    label = _("Organisation")
    labels = ("partners.Organisation",)

    def queryset(self):
        from partners.selectors import verified_organisations

        return verified_organisations().select_related("region").order_by("pk")

    def build(self, org, regions) -> Doc:
        return Doc(
            kind=self.name,
            object_id=org.pk,
            title=org.name,
            body=_join(org.get_kind_display(), org.region.name, org.address, org.description)[
                :BODY_CHARS
            ],
            url=reverse("partners:organisation", args=[org.pk]),
            region=regions.city_code(org.region.path),
            region_path=org.region.path,
            acl=[access.PUBLIC],
        )

    def related(self, ids):
        # Verifying (or rejecting) an organisation shows (or hides) its postings.
        from partners.models import JobPlacement, Programme

        return {
            "job": list(
                JobPlacement.objects.filter(organisation__in=ids).values_list("pk", flat=True)
            ),
            "programme": list(
                Programme.objects.filter(organisation__in=ids).values_list("pk", flat=True)
            ),
        }


class ActivityKind(Kind):
    """Volunteer activities: the region's coordinators, and approved volunteers serving the
    region until the activity ends (volunteers.selectors.activities_for)."""

    name = "activity"
    label = _("Activity")
    labels = ("volunteers.Activity",)

    def queryset(self):
        from volunteers.models import Activity

        return Activity.objects.select_related("region").prefetch_related("skills").order_by("pk")

    def build(self, activity, regions) -> Doc:
        path = activity.region.path
        return Doc(
            kind=self.name,
            object_id=activity.pk,
            title=activity.title,
            body=_join(
                "志愿活动",
                activity.region.name,
                activity.place,
                " ".join(s.name_zh for s in activity.skills.all()),
                activity.description,
            )[:BODY_CHARS],
            url=reverse("volunteers:activity_detail", args=[activity.pk]),
            region=regions.city_code(path),
            region_path=path,
            acl=access.staff_tokens([path]) + access.serving_tokens([path]),
            until=activity.ends_at,
        )


class VolunteerKind(Kind):
    """Volunteer and social-worker profiles, for the coordinators of a region they serve
    (volunteers.selectors.profiles_visible_to); volunteers never see one another here."""

    name = "volunteer"
    label = _("Volunteer")
    labels = ("volunteers.VolunteerProfile",)

    def queryset(self):
        from volunteers.models import VolunteerProfile

        return (
            VolunteerProfile.objects.exclude(status=VolunteerProfile.Status.LEFT)
            .select_related("user")
            .prefetch_related(
                Prefetch("regions", Region.objects.only("id", "name", "code", "path")), "skills"
            )
            .order_by("pk")
        )

    def build(self, profile, regions) -> Doc:
        paths = sorted(r.path for r in profile.regions.all())
        name = profile.user.display_name if profile.user_id else str(profile)
        return Doc(
            kind=self.name,
            object_id=profile.pk,
            title=name,
            body=_join(
                profile.real_name,
                profile.get_kind_display(),
                profile.get_status_display(),
                " ".join(s.name_zh for s in profile.skills.all()),
                " ".join(r.name for r in profile.regions.all()),
                profile.agency_name,
                profile.bio,
            )[:BODY_CHARS],
            url=reverse("volunteers:profile_detail", args=[profile.pk]),
            region=regions.city_code(paths[0]) if paths else "",
            region_path=paths[0] if paths else "",
            acl=access.staff_tokens(paths) or ["nobody"],
        )


class GroupKind(Kind):
    """Correction groups, for the coordinators of their region. A group has no identity to
    index: its code, offence, needs, stage and place are all there is."""

    name = "group"
    label = _("Correction group")
    labels = ("groups.CorrectionGroup",)

    def queryset(self):
        from groups.models import CorrectionGroup

        return (
            CorrectionGroup.objects.select_related("judicial_office", "offence")
            .prefetch_related("needs")
            .order_by("pk")
        )

    def build(self, group, regions) -> Doc:
        path = group.judicial_office.path
        return Doc(
            kind=self.name,
            object_id=group.pk,
            title=group.code,
            body=_join(
                "矫正小组",
                group.judicial_office.name,
                group.offence.name_zh,
                group.get_stage_display(),
                group.get_supervision_level_display(),
                group.get_sentence_type_display(),
                " ".join(n.name_zh for n in group.needs.all()),
            )[:BODY_CHARS],
            url=reverse("groups:detail", args=[group.code]),
            region=regions.city_code(path),
            region_path=path,
            stage=group.stage,
            acl=access.staff_tokens([path]),
        )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        LessonKind(),
        JobKind(),
        ProgrammeKind(),
        OrganisationKind(),
        ActivityKind(),
        VolunteerKind(),
        GroupKind(),
    )
}


def build_docs(kind: Kind, objects, regions: Regions | None = None) -> list[Doc]:
    regions = regions or Regions()
    return [kind.build(obj, regions) for obj in objects]
