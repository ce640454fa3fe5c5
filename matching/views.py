"""The matching pages: a group's suggestions, a coordinator's region view and the bulk proposal.
Only coordinators of the group's region and the group's lead see suggestions; everyone else
gets 404, as on every group page, so neither the group nor its candidates leak."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from groups import forms, selectors
from groups.models import Membership
from matching import caching, services, suggest
from portal.converters import parse_id
from portal.models import Region
from portal.selectors import regions_covered_by

PER_KIND = 5
# The page's sections, in the order a coordinator fills a group.
SECTIONS = (
    ("social_worker", gettext_lazy("Social worker")),
    ("volunteer", gettext_lazy("Volunteers")),
    ("job", gettext_lazy("Job placements")),
    ("programme", gettext_lazy("Programmes")),
)


def _matching_access(request, code):
    """The group, if the user coordinates its region or leads it; 404 otherwise."""
    group, access = selectors.group_for_user(request.user, code, audit=False)
    if not (access.is_coordinator or access.role == Membership.Role.LEAD):
        raise Http404
    return group


def _coordinator_regions(user):
    """The regions a coordinator works in; 404 for anyone who coordinates nothing."""
    regions = regions_covered_by(user, role=selectors.COORDINATOR)
    if not user.is_superuser and not regions.exists():
        raise Http404
    return regions


def _post_only(request, group):
    """A button's URL opened directly: say so, with the way back, and change nothing."""
    response = render(request, "matching/post_only.html", {"group": group}, status=405)
    response["Allow"] = "POST"
    return response


def _form_error(form) -> str:
    return " ".join(
        f"{form.fields[name].label}{_(': ')}{' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


@login_required
def suggestions(request, code):
    group = _matching_access(request, code)
    found = {}
    if not group.is_closed:
        found = caching.group_suggestions(
            group,
            per_kind=PER_KIND,
            compute=lambda: suggest.suggestions_for_group(group, per_kind=PER_KIND),
        )
    sections = [(kind, label, found.get(kind, [])) for kind, label in SECTIONS]
    return render(
        request,
        "matching/suggestions.html",
        {
            "group": group,
            "sections": sections,
            "has_needs": group.group_needs.exists(),
        },
    )


@login_required
def suggestion_accept(request, code):
    group = _matching_access(request, code)
    if request.method != "POST":
        return _post_only(request, group)
    form = forms.SuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("matching:suggestions", code=group.code)
    kind, candidate_id = form.cleaned_data["kind"], form.cleaned_data["candidate_id"]
    try:
        accepted = services.suggestion_accept(
            actor=request.user, group=group, kind=kind, candidate_id=candidate_id
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if accepted.membership is not None:
            text = _("%(name)s joined the group.")
        else:
            text = _("The group was referred to “%(name)s”.")
        messages.success(request, text % {"name": accepted.label})
    return redirect("matching:suggestions", code=group.code)


@login_required
def suggestion_decline(request, code):
    group = _matching_access(request, code)
    if request.method != "POST":
        return _post_only(request, group)
    form = forms.SuggestionDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("matching:suggestions", code=group.code)
    try:
        services.suggestion_decline(
            actor=request.user,
            group=group,
            kind=form.cleaned_data["kind"],
            candidate_id=form.cleaned_data["candidate_id"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Declined; it will not be suggested again for this group."))
    return redirect("matching:suggestions", code=group.code)


def _overview_cards(user, **shape) -> str:
    """The overview's cards as HTML ("" when no group has an unmet need): the same for every
    coordinator of the same regions, with no form or token of the reader's in it, so they are
    kept rendered (matching.caching)."""
    rows = suggest.region_overview(user, **shape)
    if not rows:
        return ""
    # The overview's groups come without their offices: name them in one query.
    names = dict(
        Region.objects.filter(pk__in={g.judicial_office_id for g, _found in rows}).values_list(
            "pk", "name"
        )
    )
    cards = []
    for group, found in rows:
        group.office_name = names.get(group.judicial_office_id, "")
        kinds = [(label, found[kind]) for kind, label in SECTIONS if found.get(kind)]
        cards.append((group, kinds))
    return render_to_string("matching/_overview_cards.html", {"cards": cards})


@login_required
def region_overview(request):
    _coordinator_regions(request.user)
    # The page shows names and scores only: the reasons are not worked out.
    shape = {"per_group": 3, "limit": 50, "reasons": False}
    cards = caching.region_overview(
        request.user, **shape, compute=lambda: _overview_cards(request.user, **shape)
    )
    return render(request, "matching/region.html", {"cards": cards})


def _chosen_region(request, regions):
    """The county the coordinator chose for the proposal, within what they coordinate."""
    code = request.POST.get("region") or request.GET.get("region")
    if not code:
        return None
    region = regions.filter(code=code, level__lte=Region.Level.COUNTY).first()
    if region is None:
        raise Http404
    return region


def _parse_rows(user, values) -> tuple[list, list[str]]:
    """Checked rows ("group id:kind:candidate id") of the groups the user coordinates."""
    parsed, bad = [], []
    for value in values:
        parts = value.split(":")
        ids = (parse_id(parts[0]), parse_id(parts[2])) if len(parts) == 3 else (None, None)
        if None in ids:
            bad.append(value)
            continue
        parsed.append((ids[0], parts[1], ids[1]))
    groups = {
        g.pk: g
        for g in selectors.groups_coordinated_by(user)
        .select_related("judicial_office")
        .filter(pk__in={group_id for group_id, _k, _c in parsed})
    }
    rows = []
    for group_id, kind, candidate_id in parsed:
        if group_id in groups:
            rows.append((groups[group_id], kind, candidate_id))
        else:
            bad.append(f"{group_id}:{kind}:{candidate_id}")
    return rows, bad


@login_required
@require_http_methods(["GET", "POST"])
def region_proposal(request):
    regions = _coordinator_regions(request.user)
    region = _chosen_region(request, regions)
    if request.method == "POST":
        rows, bad = _parse_rows(request.user, request.POST.getlist("row"))
        if not rows and not bad:
            messages.error(request, _("Choose at least one row to accept."))
        elif bad:
            # A tampered or stale form: refuse it whole rather than guess.
            messages.error(
                request, _("Some chosen rows are not in your region; nothing was accepted.")
            )
        else:
            result = services.proposal_accept(actor=request.user, rows=rows)
            return render(
                request,
                "matching/proposal_result.html",
                {"result": result, "region": region},
            )
    proposal = suggest.region_proposal(request.user, region=region)
    gain = round(proposal.total - proposal.greedy_total, 2)
    percent = round(100 * gain / proposal.greedy_total, 1) if proposal.greedy_total else None
    return render(
        request,
        "matching/proposal.html",
        {
            "proposal": proposal,
            "gain": gain,
            "percent": percent,
            "region": region,
            "counties": regions.active().county_level().order_by("path"),
        },
    )
