"""The cascading region picker (省 → 市 → 区县 → 司法所): its JSON endpoint and its widget.

The widgets are the plain select a form always had (what is submitted, and all there is without
JavaScript); each option also carries its region's code, name, level and, below the top of the
list, its parent's code. portal/static/portal/region_picker.js reads them to replace the visible
control with one select per level, each filled from `region_children` when the one above changes,
and writes the choice back into the (hidden) original. A multiple select gets an "add" button and
a removable chip per chosen region instead (RegionPickerSelectMultiple).

When the choices are one level only (judicial offices) or skip the levels above them, the widget
is told `ancestors=True`: the regions above the choices (one query) ride along on the select as
JSON, so the cascade can lead 省 → 市 → 区县 down to them without offering them.

The endpoint answers any logged-in person: region names are public administrative data. What a
form accepts stays the form's own queryset (the regions the user covers); the script offers only
children that the original select holds, or that lead to them.
"""

import json

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


class _RegionPicker:
    """What both pickers share: the options marked with `data-code`, `data-name`, `data-level`
    and `data-parent` (when the parent is in the list, or among the ancestors), and with
    `ancestors=True` the regions above the options as `data-region-ancestors` (JSON of code, name,
    level, parent). The field's own query, plus one for the ancestors when asked."""

    def __init__(self, attrs=None, choices=(), *, ancestors=False):
        super().__init__({"data-region-picker": "", **(attrs or {})}, choices)
        self.ancestors = ancestors

    def get_context(self, name, value, attrs):
        self._codes, self._above = {}, []  # path -> code; the ancestors not offered
        context = super().get_context(name, value, attrs)  # calls optgroups below
        if self._above:
            context["widget"]["attrs"]["data-region-ancestors"] = json.dumps(
                self._above, ensure_ascii=False, separators=(",", ":")
            )
        return context

    def optgroups(self, name, value, attrs=None):
        choices = list(self.choices)  # the field's query, run once for the marks and the options
        offered = [getattr(v, "instance", None) for v, _label in choices]
        offered = [region for region in offered if isinstance(region, Region)]
        self._codes = {region.path: region.code for region in offered}
        self._above = []
        if self.ancestors and offered:
            paths = Region.paths_above_all(self._codes) - set(self._codes)
            above = Region.objects.filter(path__in=paths).only("code", "name", "level", "path")
            self._codes.update((region.path, region.code) for region in above)
            for region in above:
                item = {"code": region.code, "name": region.name, "level": int(region.level)}
                parent = self._codes.get(region.path[: -Region.steplen])
                if parent:
                    item["parent"] = parent
                self._above.append(item)
        saved, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        region = getattr(value, "instance", None)
        if isinstance(region, Region):
            option["attrs"]["data-code"] = region.code
            option["attrs"]["data-level"] = int(region.level)
            parent = self._codes.get(region.path[: -Region.steplen])
            if parent:
                option["attrs"]["data-parent"] = parent
            option["attrs"]["data-name"] = region.name
        return option


class RegionPickerSelect(_RegionPicker, forms.Select):
    """One region, chosen level by level."""


class RegionPickerSelectMultiple(_RegionPicker, forms.SelectMultiple):
    """Several regions: chosen level by level, each added with a button and shown as a chip that
    removes it again. Without JavaScript, the plain multiple select."""
