"""The database search backend's index: one row per searchable document.

The text columns hold jieba tokens (search.text), not the original text; title and body keep
the original for the result list. The full-text index itself is built by the migration for the
database in use: on PostgreSQL a generated, weighted `tsvector` column with a GIN index; on
SQLite an FTS5 table kept in step by triggers. Django never writes either.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=16)
    object_id = models.PositiveBigIntegerField(_("object"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    # Facets: the city (or higher) a document belongs to, its industry and stage codes.
    region = models.CharField(_("region"), max_length=9, blank=True)
    region_path = models.CharField(_("region path"), max_length=64, blank=True)
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    # Who may see it (search.access): space-separated tokens, and for the tokens of ordinary
    # users an end (a job's closing day, an activity's end); staff scopes ignore it.
    acl = models.TextField(_("who may see it"))
    until = models.DateTimeField(_("visible until"), null=True, blank=True)
    title_tokens = models.TextField(_("title words"), blank=True)
    body_tokens = models.TextField(_("text words"), blank=True)
    # A digest of what was indexed: the consistency check compares it with the database.
    digest = models.CharField(_("digest"), max_length=32)
    indexed_at = models.DateTimeField(_("indexed at"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique")
        ]
        indexes = [
            models.Index(fields=["kind", "region"], name="search_doc_kind_region"),
            models.Index(fields=["region_path"], name="search_doc_region_path"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.title}"
