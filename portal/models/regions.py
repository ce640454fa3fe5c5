from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from portal.validators import validate_region_code


class Region(MP_Node):
    """An administrative division, from province down to the judicial office (司法所).

    Divisions are keyed by their GB/T 2260 six-digit code; a judicial office carries the 9-digit
    code of the township it serves. The materialised path (treebeard) makes "this region and
    everything beneath it" one indexed prefix query, which is how staff scopes are checked.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")
        JUDICIAL_OFFICE = 4, _("Judicial office")

    code = models.CharField(_("code"), max_length=9, unique=True, validators=[validate_region_code])
    name = models.CharField(_("name"), max_length=60)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def level(self) -> "Region.Level":
        return Region.Level(min(self.depth, Region.Level.JUDICIAL_OFFICE))

    def covers(self, other: "Region") -> bool:
        """True for this region itself and every region beneath it."""
        return other.path.startswith(self.path)

    def subtree(self):
        return Region.objects.filter(path__startswith=self.path)
