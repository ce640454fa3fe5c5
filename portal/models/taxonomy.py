from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    """A managed list entry with a stable code and a name in each language.

    Admins add terms; code never changes, so filters, imports and URLs can rely on it.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class OffenceCategory(Term):
    """Offence categories (罪名类别) used by groups, employers' exclusions and lessons."""

    class Meta(Term.Meta):
        verbose_name = _("offence category")
        verbose_name_plural = _("offence categories")


class Industry(Term):
    """Top-level categories (门类) of GB/T 4754-2017, for jobs and forbidden industries."""

    class Meta(Term.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
