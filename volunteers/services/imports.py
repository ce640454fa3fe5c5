"""Bulk import of existing, already vetted volunteers from .xlsx or .csv by a coordinator.

A dry run checks every row and reports each bad one with its reason. The import checks again
and writes all rows or none (one transaction). It is idempotent: a row whose e-mail already has
a profile with the same ID number is counted as already there, so re-running creates nothing.
The new profiles are announced like any other vetted person (one announcement for the file), so
they are searchable and suggested at once.
"""

import csv
import io
from dataclasses import dataclass, field

import filetype
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import changes
from portal import services as portal_services
from portal.models import AccountKind, Region, StaffRole, User
from portal.selectors import regions_covered_by
from volunteers import identity, listing, serving
from volunteers.models import Skill, VolunteerProfile

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
BATCH = 2000
# The header row, exactly; 手机号码 may be left empty.
HEADERS = ("电子邮箱", "显示名称", "类型", "真实姓名", "性别", "身份证号", "技能", "服务区域代码")
KINDS = {"志愿者": VolunteerProfile.Kind.VOLUNTEER, "社工": VolunteerProfile.Kind.SOCIAL_WORKER}
GENDERS = {"女": VolunteerProfile.Gender.FEMALE, "男": VolunteerProfile.Gender.MALE}
SKILL_SEPARATORS = ("、", ",", "，", ";", "；")


@dataclass
class Row:
    number: int
    email: str
    display_name: str
    kind: str
    real_name: str
    gender: str
    id_hash: str
    id_masked: str
    birth_year: int
    skills: list[int]
    region: Region


@dataclass
class ImportReport:
    rows: int = 0
    valid: list[Row] = field(default_factory=list)
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(upload) -> list[list[str]]:
    """The cells of an uploaded .xlsx or .csv as text; ValidationError for a wrong size or type."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
    head = upload.read(2048)
    upload.seek(0)
    if name.endswith(".xlsx"):
        kind = filetype.guess(head)
        if kind is None or kind.extension not in ("xlsx", "zip"):
            raise ValidationError(_("This file is not a real .xlsx workbook."))
        return _read_xlsx(upload)
    if name.endswith(".csv"):
        if b"\x00" in head or filetype.guess(head) is not None:
            raise ValidationError(_("This file is not a text .csv file."))
        return _read_csv(upload.read())
    raise ValidationError(_("Upload an .xlsx or .csv file."))


def _read_xlsx(upload) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("This workbook cannot be read.")) from None
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        if len(rows) > MAX_ROWS:
            break
        rows.append(["" if v is None else str(v).strip() for v in values])
    book.close()
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The .csv file must be UTF-8 or GB18030 text."))
    rows = []
    for values in csv.reader(io.StringIO(text)):
        if len(rows) > MAX_ROWS:
            break
        rows.append([v.strip() for v in values])
    return rows


def _skill_lookup() -> dict[str, int]:
    lookup = {}
    for pk, code, zh, en in Skill.objects.values_list("pk", "code", "name_zh", "name_en"):
        lookup.update({code: pk, zh: pk, en.lower(): pk})
    return lookup


def check_rows(table: list[list[str]], *, coordinator: User) -> ImportReport:
    """Check every row; nothing is written."""
    if not table or tuple(table[0][: len(HEADERS)]) != HEADERS:
        raise ValidationError(
            _("The first row must be the header: %(headers)s.") % {"headers": "，".join(HEADERS)}
        )
    body = [r for r in table[1:] if any(r)]
    if len(body) > MAX_ROWS:
        raise ValidationError(
            _("A file may hold at most %(max)s rows; split it.") % {"max": f"{MAX_ROWS:,}"}
        )
    covered = {r.code: r for r in regions_covered_by(coordinator, role=StaffRole.Role.COORDINATOR)}
    skills = _skill_lookup()
    report = ImportReport(rows=len(body))
    parsed = []
    seen_emails, seen_ids = {}, {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        cells = (cells + [""] * len(HEADERS))[: len(HEADERS)]
        try:
            row = _parse(number, cells, covered, skills)
        except ValidationError as error:
            report.errors.append((number, " ".join(error.messages)))
            continue
        for key, seen, message in (
            (row.email, seen_emails, _("The e-mail address repeats row %(row)s.")),
            (row.id_hash, seen_ids, _("The ID number repeats row %(row)s.")),
        ):
            if key in seen:
                report.errors.append((number, message % {"row": seen[key]}))
                break
            seen[key] = number
        else:
            parsed.append(row)
    _against_database(parsed, report)
    return report


def _parse(number, cells, covered, skills) -> Row:
    email, display_name, kind, real_name, gender, id_number, skill_text, region_code = cells
    email = email.lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("The e-mail address is not valid.")) from None
    if kind not in KINDS:
        raise ValidationError(_("类型 must be 志愿者 or 社工."))
    if not real_name or len(real_name) > 50:
        raise ValidationError(_("Enter the real name (at most 50 characters)."))
    if gender not in GENDERS:
        raise ValidationError(_("性别 must be 男 or 女."))
    number_ok = identity.validate_id_number(id_number)
    names = [skill_text]
    for separator in SKILL_SEPARATORS:
        names = [p.strip() for n in names for p in n.split(separator)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in skills and n.lower() not in skills]
    if unknown or not names:
        raise ValidationError(
            _("Unknown skill: %(names)s.") % {"names": "、".join(unknown)}
            if unknown
            else _("Give at least one skill.")
        )
    region = covered.get(region_code)
    if region is None:
        raise ValidationError(
            _("Region %(code)s is not a region you coordinate.") % {"code": region_code}
        )
    return Row(
        number=number,
        email=email,
        display_name=(display_name or real_name)[:50],
        kind=KINDS[kind],
        real_name=real_name,
        gender=GENDERS[gender],
        id_hash=identity.id_hash(number_ok),
        id_masked=identity.id_masked(number_ok),
        birth_year=identity.birth_year(number_ok),
        skills=sorted({skills.get(n) or skills[n.lower()] for n in names}),
        region=region,
    )


def _against_database(parsed: list[Row], report: ImportReport) -> None:
    """Rows already imported are counted, rows clashing with other accounts are errors."""
    for start in range(0, len(parsed), BATCH):
        chunk = parsed[start : start + BATCH]
        users = dict(
            User.objects.filter(email__in=[r.email for r in chunk]).values_list("email", "pk")
        )
        hashes = dict(
            VolunteerProfile.objects.filter(id_hash__in=[r.id_hash for r in chunk]).values_list(
                "id_hash", "user__email"
            )
        )
        for row in chunk:
            owner = hashes.get(row.id_hash, "")
            if row.email in users and owner == row.email:
                report.existing += 1
            elif row.email in users:
                report.errors.append(
                    (row.number, _("This e-mail address already belongs to another account."))
                )
            elif row.id_hash in hashes:
                report.errors.append(
                    (row.number, _("This ID number is already registered with another account."))
                )
            else:
                report.valid.append(row)


def volunteers_import(*, upload, coordinator: User, dry_run: bool) -> ImportReport:
    """Check the file; unless dry_run and only when every row is good, create the accounts and
    approved profiles in one transaction."""
    if not regions_covered_by(coordinator, role=StaffRole.Role.COORDINATOR).exists():
        raise PermissionDenied
    report = check_rows(read_table(upload), coordinator=coordinator)
    if dry_run or not report.ok or not report.valid:
        return report
    with transaction.atomic():
        created = _write(report.valid, coordinator)
        portal_services.audit_record(
            actor=coordinator,
            action="volunteer.imported",
            data={
                "file": getattr(upload, "name", ""),
                "created": len(report.valid),
                "existing": report.existing,
            },
        )
        # Imported people are already vetted (approved): search indexes them, matching may
        # suggest them from now on.
        changes.announce(VolunteerProfile._meta.label, created, what={"created", "vetting"})
        # bulk_create sends no signals: the queue's and directory's cached lists are dropped.
        listing.changed()
    report.imported = len(report.valid)
    return report


def _write(rows: list[Row], coordinator: User) -> list[int]:
    """Create the accounts and approved profiles; returns the profiles' ids."""
    now = timezone.now()
    created = []
    unusable = make_password(None)  # they set a password through "forgot password"
    kinds = {
        VolunteerProfile.Kind.VOLUNTEER: AccountKind.VOLUNTEER,
        VolunteerProfile.Kind.SOCIAL_WORKER: AccountKind.SOCIAL_WORKER,
    }
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        users = User.objects.bulk_create(
            User(email=r.email, display_name=r.display_name, kind=kinds[r.kind], password=unusable)
            for r in chunk
        )
        if users and users[0].pk is None:  # backends that return no ids
            by_email = dict(
                User.objects.filter(email__in=[r.email for r in chunk]).values_list("email", "pk")
            )
            for user in users:
                user.pk = by_email[user.email]
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users
        )
        profiles = VolunteerProfile.objects.bulk_create(
            VolunteerProfile(
                user=user,
                kind=row.kind,
                status=VolunteerProfile.Status.APPROVED,
                real_name=row.real_name,
                gender=row.gender,
                birth_year=row.birth_year,
                id_hash=row.id_hash,
                id_masked=row.id_masked,
                availability=0,
                # The pledge was signed on paper, if at all: accepted online at next visit.
                pledge_version="",
                submitted_at=now,
                decided_at=now,
                decided_by=coordinator,
                decision_emailed_at=now,  # no e-mail: the coordinator tells them offline
                imported_by=coordinator,
                calendar_token=_token(),
            )
            for user, row in zip(users, chunk, strict=True)
        )
        if profiles and profiles[0].pk is None:
            by_user = dict(
                VolunteerProfile.objects.filter(user__in=users).values_list("user_id", "pk")
            )
            for profile in profiles:
                profile.pk = by_user[profile.user_id]
        created.extend(p.pk for p in profiles)
        Skills = VolunteerProfile.skills.through
        Regions = VolunteerProfile.regions.through
        Skills.objects.bulk_create(
            Skills(volunteerprofile_id=p.pk, skill_id=s)
            for p, row in zip(profiles, chunk, strict=True)
            for s in row.skills
        )
        Regions.objects.bulk_create(
            Regions(volunteerprofile_id=p.pk, region_id=row.region.pk)
            for p, row in zip(profiles, chunk, strict=True)
        )
        serving.refresh(p.pk for p in profiles)  # bulk_create sends no signal
    return created


def _token() -> str:
    from volunteers.models import new_calendar_token

    return new_calendar_token()
