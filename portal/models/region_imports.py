from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegionImport(models.Model):
    """One upload of the region tree: its dry-run report, and when (and by whom) it was applied.

    The rows wait in RegionImportRow between the dry run and the apply, so what is applied is
    exactly what the report described; they are deleted once applied (the report stays).
    """

    file_name = models.CharField(_("file"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("checked at"), default=timezone.now)
    report = models.JSONField(_("report"), default=dict)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("region import")
        verbose_name_plural = _("region imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class RegionImportRow(models.Model):
    """A row of an import file that passed its own checks, staged so the checks that compare
    rows (duplicates, parents first, levels) and the apply run as queries, in constant memory."""

    batch = models.ForeignKey(RegionImport, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField()
    code = models.CharField(max_length=9)
    name = models.CharField(max_length=60)
    parent_code = models.CharField(max_length=9, blank=True)
    level = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_no"], name="regionimportrow_unique_row")
        ]
        indexes = [
            models.Index(fields=["batch", "code"]),
            models.Index(fields=["batch", "level", "parent_code", "code"]),
        ]

    def __str__(self):
        return f"{self.row_no}: {self.code} {self.name}"
