"""One number per region, month and figure. Figures are counted where they happen (a group's
judicial office, an organisation's region, the smallest region holding every region a volunteer
serves) and summed up the tree when a dashboard is read, so a county's figure is the sum of its
rows and of its offices' rows, in one query whatever the data size."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthFigure(models.Model):
    """A figure of one region for one month (dashboards.figures names the keys). Zero is not
    stored: a missing row is a zero."""

    region = models.ForeignKey("portal.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    key = models.CharField(_("figure"), max_length=60)
    value = models.BigIntegerField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("month figure")
        verbose_name_plural = _("month figures")
        constraints = [
            models.UniqueConstraint(fields=["region", "month", "key"], name="monthfigure_unique")
        ]
        # What a dashboard reads, from the index alone on PostgreSQL (include: the covered
        # columns; other databases build the same indexes without them): one month of every
        # figure, and twelve months (or one month per child region) of a few figures: across
        # every region by key (a province), or region by region of a smaller subtree (a county
        # reads its own few regions' rows instead of every region's).
        indexes = [
            models.Index(
                fields=["month", "region"],
                include=["key", "value", "updated_at"],
                name="monthfigure_month_region",
            ),
            models.Index(
                fields=["key", "month", "region"],
                include=["value"],
                name="monthfigure_key_month",
            ),
            models.Index(
                fields=["region", "key", "month"],
                include=["value"],
                name="monthfigure_region_key_month",
            ),
        ]

    def __str__(self):
        return f"{self.region_id} {self.month:%Y-%m} {self.key}={self.value}"
