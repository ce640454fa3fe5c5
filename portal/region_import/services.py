"""Loading the national region tree: a dry run that reports, then an apply in one transaction.

    report, batch = region_import_check(file=f, file_name="guangdong.csv", checked_by=admin)
    region_import_apply(batch=batch, applied_by=admin)

A file that fails any check (columns, codes, levels, names, duplicates, parents first, a code
that changes level, a city holding both counties and offices, size) is refused with row-level
reasons and nothing is written: not a region, not a staged row. A file that passes is kept
staged with its report until an admin applies it (or for STAGED_FOR, then it is dropped), so
what is applied is exactly what the report showed. Loading the same file twice changes nothing.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import services as portal_services
from portal.models import RegionImport, User
from portal.region_import import checks, reader, writer
from portal.region_import.checks import Progress, Report, no_progress

STAGED_FOR = timedelta(days=1)


class _Refused(Exception):
    def __init__(self, report: Report):
        self.report = report


def region_import_check(
    *, file, file_name: str, checked_by: User | None, progress: Progress = no_progress
) -> tuple[Report, RegionImport | None]:
    """The dry run. Returns the report and, when the file may be applied, its staged import;
    (report with its errors, None) when it is refused."""
    RegionImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - STAGED_FOR
    ).delete()
    try:
        with transaction.atomic():
            batch, report = _stage_and_check(file, file_name, checked_by, progress)
            if not report.ok:
                raise _Refused(report)  # roll back: nothing written
    except _Refused as refused:
        return refused.report, None
    return report, batch


def _stage_and_check(file, file_name, checked_by, progress) -> tuple[RegionImport, Report]:
    batch = RegionImport.objects.create(file_name=file_name[:200], created_by=checked_by)
    report = Report()
    try:
        checks.stage(batch, reader.read(file), report, progress)
    except reader.FileRefused as refused:
        report.file_error, report.file_error_row = refused.message, refused.row
        return batch, report
    checks.check(batch, report, progress)
    batch.report = report.as_json()
    batch.save(update_fields=["report"])
    return batch, report


@transaction.atomic
def region_import_apply(
    *, batch: RegionImport, applied_by: User | None, progress: Progress = no_progress
) -> Report:
    """Apply a checked import in one transaction, after checking it again against the tree as
    it is now (another import may have run since); one audit row with the counts."""
    batch = RegionImport.objects.select_for_update().get(pk=batch.pk)
    if batch.applied_at is not None:
        raise ValidationError(_("This import has already been applied."))
    report = Report()
    report.rows = batch.rows.count()
    report.levels = Report.from_json(batch.report).levels if batch.report else {}
    checks.check(batch, report, progress)
    if not report.ok:
        raise ValidationError(
            _(
                "The tree has changed since the dry run and the file no longer fits it; check it "
                "again."
            )  # fmt: skip
        )
    _apply(batch, report, applied_by, progress)
    return report


def _apply(batch: RegionImport, report: Report, applied_by: User | None, progress) -> None:
    writer.apply(batch, report, progress)
    batch.rows.all().delete()
    batch.report = report.as_json()
    batch.applied_at, batch.applied_by = timezone.now(), applied_by
    batch.save(update_fields=["report", "applied_at", "applied_by"])
    portal_services.audit_record(
        actor=applied_by,
        action="regions.imported",
        target=batch,
        data={"file": batch.file_name, "rows": report.rows, **report.counts},
    )


def region_import_load(
    *, file, file_name: str, apply: bool, applied_by: User | None, progress: Progress = no_progress
) -> Report:
    """The command's way: check, and with `apply` apply at once, all in one transaction (a dry
    run leaves nothing behind, not even the staged rows)."""
    try:
        with transaction.atomic():
            batch, report = _stage_and_check(file, file_name, applied_by, progress)
            if not report.ok or not apply:
                raise _Refused(report)
            _apply(batch, report, applied_by, progress)
    except _Refused as refused:
        return refused.report
    return report
