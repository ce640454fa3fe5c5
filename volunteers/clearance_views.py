"""The coordinator's switch on a person's vetting page: cleared to work with juveniles or not
(volunteers.services.clearance; matching uses it for juvenile groups)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from volunteers import selectors
from volunteers.services.clearance import profile_clear_for_juveniles


@login_required
@require_POST
def juvenile_clearance(request, pk):
    person = selectors.profile_for_coordinator(request.user, pk, audit=False)
    cleared = request.POST.get("cleared") == "1"
    try:
        profile_clear_for_juveniles(profile=person, cleared=cleared, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Cleared to work with juveniles.") if cleared else _("Clearance withdrawn."),
        )
    return redirect("volunteers:profile_detail", pk=person.pk)
