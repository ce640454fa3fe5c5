from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Term


class Skill(Term):
    """What a volunteer, social worker or job asks for; each skill serves some group needs."""

    serves = models.ManyToManyField(
        "groups.Need", blank=True, related_name="skills", verbose_name=_("serves needs")
    )

    class Meta(Term.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
