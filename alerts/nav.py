from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alerts.selectors import may_send


def items(user, roles):
    return [(_("Alerts and drills"), reverse("alerts:list"))] if may_send(user) else []
