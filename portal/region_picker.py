"""The cascading region picker (省 → 市 → 区县 → 司法所): its JSON endpoint and its widget.

The widget is the plain select a form always had (what is submitted, and all there is without
JavaScript); each option also carries its region's code, level and, below the top of the list,
its parent's code. portal/static/portal/region_picker.js reads them to replace the visible control
with one select per level, each filled from `region_children` when the one above changes, and
writes the choice back into the (hidden) original.

The endpoint answers any logged-in person: region names are public administrative data. What a
form accepts stays the form's own queryset (the regions the user covers); the script offers only
children that the original select holds.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db.models.functions import Substr
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from portal.models import Region
from portal.validators import is_region_code


def region_children_of(parent: Region | None) -> list[dict]:
    """The active children of `parent` (the provinces for None), in code order, each with whether
    it has active children itself. Two queries, whatever the size of the tree."""
    active = Region.objects.active()
    if parent is None:
        depth, below = 1, active
        child_path = Substr("path", 1, Region.steplen)
    else:
        depth, below = parent.depth + 1, active.filter(path__startswith=parent.path)
        child_path = parent.child_path_sql()
    children = below.filter(depth=depth).only("code", "name", "level", "path")
    with_children = set(
        below.filter(depth=depth + 1)
        .annotate(child=child_path)
        .order_by()
        .values_list("child", flat=True)
        .distinct()
    )
    return [
        {
            "code": region.code,
            "name": region.name,
            "level": int(region.level),
            "has_children": region.path in with_children,
        }
        for region in children
    ]


@login_required
@require_GET
def region_children(request):
    """GET ?parent=<code>: the active children of that region as JSON; without `parent`, the
    provinces. A parent that is no region code is a bad request (400); an unknown or retired
    one, a 404."""
    raw = request.GET.get("parent", "")
    parent = None
    if raw:
        if not is_region_code(raw):
            raise BadRequest("parent is not a region code")
        parent = Region.objects.active().filter(code=raw).first()
        if parent is None:
            raise Http404
    return JsonResponse(region_children_of(parent), safe=False)


class RegionPickerSelect(forms.Select):
    """A select of regions (a RegionChoiceField's, in path order) whose options say which region
    they are: `data-code`, `data-level`, and `data-parent` when the parent is in the list too (the
    options without it are the tops of the cascade). No query beyond the field's own."""

    _codes: dict[str, str]

    def optgroups(self, name, value, attrs=None):
        self._codes = {}  # path -> code of the options so far (paths come parents first)
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        region = getattr(value, "instance", None)
        if isinstance(region, Region):
            option["attrs"]["data-code"] = region.code
            option["attrs"]["data-level"] = int(region.level)
            parent = self._codes.get(region.path[: -Region.steplen])
            if parent:
                option["attrs"]["data-parent"] = parent
            self._codes[region.path] = region.code
        return option
