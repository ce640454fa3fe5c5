"""Two years of what the dashboards count, in bulk, for the dashboards benchmark: learning hours,
online completions, offline sessions, confirmed service hours, activities with sign-ups, and
referrals with their steps and follow-ups. bulk_create in batches: no services, no history to
audit. Not a scenario itself (the underscore keeps the runner from loading it)."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from curriculum.models import (
    Attendance,
    LearningHours,
    LessonCompletion,
    LessonPage,
    LessonSession,
)
from dashboards import months as m
from groups.models import CorrectionGroup
from partners.models import FollowUp, JobPlacement, Programme, Referral, ReferralStep
from volunteers.models import Activity, ServiceRecord, SignUp, VolunteerProfile

BATCH = 5000


def _moment(rng: random.Random, month: date, now):
    """A random instant of `month`, never after now."""
    start, end = m.bounds(month)
    end = min(end, now)
    return start + (end - start) * rng.random()


def _groups_with_a_past(now) -> None:
    """Synthetic groups are all created today (groups.scale): give each the history its dates
    tell, created on its start date and closed on its planned end if that has passed. One
    UPDATE per date (a few hundred), not a CASE over 50,000 rows."""
    groups = CorrectionGroup.objects.all()
    for day in groups.order_by().values_list("start_date", flat=True).distinct():
        groups.filter(start_date=day).update(
            created_at=timezone.make_aware(datetime.combine(day, time(9)))
        )
    ended = groups.filter(planned_end_date__lt=now.date())
    for day in ended.order_by().values_list("planned_end_date", flat=True).distinct():
        ended.filter(planned_end_date=day).update(
            status="closed",
            stage="released",
            closed_at=timezone.make_aware(datetime.combine(day, time(17))),
        )


def create_history(*, months: int, per_month: dict, rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    _groups_with_a_past(now)
    current = m.this_month()
    span = m.months_ending(current, months)
    groups = list(
        CorrectionGroup.objects.values_list("pk", "judicial_office_id", "created_at", "closed_at")
    )
    people = list(
        VolunteerProfile.objects.filter(status="approved")
        .values_list("pk", "regions")
        .exclude(regions=None)
    )
    lessons = list(LessonPage.objects.live().values_list("pk", "duration_minutes"))
    jobs = list(JobPlacement.objects.values_list("pk", "organisation_id"))
    programmes = list(Programme.objects.values_list("pk", "organisation_id"))
    made = dict.fromkeys(
        ("hours", "completions", "sessions", "records", "activities", "referrals"), 0
    )
    # A group has one live referral per posting (a constraint): never make a second.
    used = set(Referral.objects.values_list("group_id", "job_id", "programme_id"))
    for month in span:
        start, end = m.bounds(month)
        open_then = [g for g in groups if g[2] < end and (g[3] is None or g[3] >= start)]
        with transaction.atomic():
            picked = rng.sample(open_then, min(len(open_then), per_month["hours"]))
            LearningHours.objects.bulk_create(
                (
                    LearningHours(
                        group_id=pk,
                        judicial_office_id=office,
                        month=month,
                        online_minutes=(on := rng.choice((0, 90, 180, 300, 480))),
                        offline_minutes=(off := rng.choice((0, 60, 120, 240))),
                        total_minutes=on + off,
                    )
                    for pk, office, _c, _e in picked
                ),
                batch_size=BATCH,
                ignore_conflicts=True,  # curriculum's own rows for the current month
            )
            made["hours"] += len(picked)
            if lessons and open_then:
                rows = {
                    (rng.choice(open_then)[0], lesson): minutes
                    for lesson, minutes in rng.choices(lessons, k=per_month["completions"])
                }
                LessonCompletion.objects.bulk_create(
                    (
                        LessonCompletion(
                            group_id=g,
                            lesson_id=lesson,
                            minutes=minutes,
                            score=100,
                            completed_at=_moment(rng, month, now),
                        )
                        for (g, lesson), minutes in rows.items()
                    ),
                    batch_size=BATCH,
                    ignore_conflicts=True,
                )
                made["completions"] += len(rows)
                sessions = []
                for _ in range(per_month["sessions"]):
                    at = _moment(rng, month, now)
                    group = rng.choice(open_then)
                    sessions.append(
                        LessonSession(
                            lesson_id=rng.choice(lessons)[0],
                            region_id=group[1],
                            starts_at=at,
                            ends_at=at + timedelta(hours=1),
                            place="社区矫正教育基地",
                            facilitator="教育矫正专员",
                        )
                    )
                LessonSession.objects.bulk_create(sessions)
                Attendance.objects.bulk_create(
                    (
                        Attendance(
                            session=s,
                            group_id=rng.choice(open_then)[0],
                            status="present",
                            minutes=60,
                        )
                        for s in sessions
                    ),
                    batch_size=BATCH,
                    ignore_conflicts=True,
                )
                made["sessions"] += len(sessions)
            served = rng.sample(people, min(len(people), per_month["records"]))
            ServiceRecord.objects.bulk_create(
                (
                    ServiceRecord(
                        profile_id=pk,
                        region_id=region,
                        hours=Decimal(rng.choice(("1.5", "2", "3"))),
                        date=_moment(rng, month, now).date(),
                        description="陪伴走访",
                        status="confirmed",
                    )
                    for pk, region in served
                ),
                batch_size=BATCH,
            )
            made["records"] += len(served)
            if people:
                activities = Activity.objects.bulk_create(
                    Activity(
                        title="社区公益活动",
                        region_id=rng.choice(people)[1],
                        place="社区服务中心",
                        starts_at=(at := _moment(rng, month, now)),
                        ends_at=at + timedelta(hours=3),
                        capacity=20,
                        checkin_code="135790",
                    )
                    for _ in range(per_month["activities"])
                )
                SignUp.objects.bulk_create(
                    (
                        SignUp(
                            activity=a,
                            profile_id=pk,
                            status="confirmed",
                            checked_in_at=a.starts_at if rng.random() < 0.7 else None,
                        )
                        for a in activities
                        for pk in {p[0] for p in rng.sample(people, min(10, len(people)))}
                    ),
                    batch_size=BATCH,
                    ignore_conflicts=True,
                )
                made["activities"] += len(activities)
            made["referrals"] += _referrals(
                rng, month, now, open_then, jobs, programmes, per_month, used
            )
    return made


def _referrals(rng, month, now, open_then, jobs, programmes, per_month, used) -> int:
    postings = [("job", p) for p in jobs] + [("programme", p) for p in programmes]
    if not postings or not open_then:
        return 0
    referrals = []
    for _ in range(per_month["referrals"]):
        kind, (posting, organisation) = rng.choice(postings)
        group = rng.choice(open_then)[0]
        pair = (group, posting, None) if kind == "job" else (group, None, posting)
        if pair in used:
            continue
        used.add(pair)
        at = _moment(rng, month, now)
        answered = at + timedelta(days=rng.randint(1, 12)) if rng.random() < 0.8 else None
        hired = rng.random() < 0.25 and answered is not None
        referrals.append(
            Referral(
                group_id=group,
                job_id=posting if kind == "job" else None,
                programme_id=posting if kind == "programme" else None,
                organisation_id=organisation,
                status="hired" if hired else ("viewed" if answered else "referred"),
                referred_at=at,
                respond_by=at + timedelta(days=7),
                responded_at=answered if answered and answered <= now else None,
                hired_on=(answered + timedelta(days=7)).date() if hired else None,
            )
        )
    saved = Referral.objects.bulk_create(referrals, batch_size=BATCH)
    ReferralStep.objects.bulk_create(
        (
            ReferralStep(referral=r, status="interview", at=r.responded_at)
            for r in saved
            if r.responded_at and rng.random() < 0.5
        ),
        batch_size=BATCH,
    )
    FollowUp.objects.bulk_create(
        (
            FollowUp(
                referral=r,
                days=days,
                due_on=r.hired_on + timedelta(days=days),
                outcome=rng.choice(("employed", "employed", "left")),
            )
            for r in saved
            if r.hired_on
            for days in (30, 90)
        ),
        batch_size=BATCH,
    )
    return len(saved)
