"""The coordinator's group list at province scale (#20) shows what it showed before: the filter
form's cached HTML is Django's own rendering, and the cards' text made in
groups.selectors.group_cards (with_card_text) reads as the template wrote it."""

import random

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import engines
from django.urls import reverse
from django.utils import translation

from groups import filters, selectors
from groups.filters import GroupFilter, form_html
from groups.models import Need
from groups.scale import create_groups

ASKED = ["", "stage=entry", "need=employment&page=2", "need=nothing", "no_volunteer=on"]


def rows_for(user, query):
    data = QueryDict(query) or None
    groups = GroupFilter(data, queryset=selectors.group_list_for_coordinator(user))
    rows = groups.qs if not groups.is_bound or groups.is_valid() else groups.queryset.none()
    return groups, rows.order_by("-created_at", "-id")


@pytest.fixture
def many(world):
    create_groups(60, rng=random.Random(7), offices=[world.group.judicial_office])
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cached_filter_form_is_djangos_rendering(many, language):
    filters._RENDERED.clear()
    with translation.override(language):
        for query in ASKED * 2:  # the second time from the cache
            groups, _rows = rows_for(many.coordinator, query)
            fresh, _rows = rows_for(many.coordinator, query)
            assert form_html(groups) == str(fresh.form.as_div()), query
    # A need renamed shows at once: the reference lists are part of the key.
    Need.objects.filter(code="employment").update(name_zh="就业帮扶")
    groups, _rows = rows_for(many.coordinator, "")
    assert "就业帮扶" in form_html(groups)


def test_the_cards_read_as_the_template_wrote_them(many):
    """The list's cards against the template before #20, rendered with the same page."""
    old = engines["django"].from_string(
        "{% load i18n %}{% for group in page.object_list %}"
        "{{ group.judicial_office.name }} · {{ group.get_stage_display }} · "
        "{{ group.get_supervision_level_display }} · {{ group.offence }}"
        '{% if group.is_juvenile %} · {% translate "juvenile" %}{% endif %}|'
        "{% for gn in group.group_needs.all %}{{ gn.need }}"
        "{% if not forloop.last %}、{% endif %}{% endfor %}|"
        '{% blocktranslate with end=group.planned_end_date|date:"Y-m-d" '
        "members=group.member_count %}Planned end {{ end }} · {{ members }} members"
        "{% endblocktranslate %}|{% url 'groups:detail' group.code %}\n{% endfor %}"
    )
    new = engines["django"].from_string(
        "{% for group in page.object_list %}{{ group.card_meta }}|{{ group.card_needs }}|"
        "{{ group.card_planned }}|{{ group.card_url }}\n{% endfor %}"
    )
    for language in ("zh-hans", "en"):
        with translation.override(language):
            _groups, rows = rows_for(many.coordinator, "")
            page = Paginator(rows, 25).get_page(1)
            page.object_list = selectors.group_cards(page.object_list)
            # The page's rows in the list's order, as the slice had them.
            assert [g.code for g in page.object_list] == [g.code for g in rows[:25]]
            assert old.render({"page": page}) == new.render({"page": page})


def test_the_list_page_shows_the_total_the_pages_and_the_cards(many, client_for):
    client = client_for(many.coordinator)
    page = client.get(reverse("groups:list"), {"page": "2"}).content.decode()
    assert "共 61 个小组" in page  # the world's group and sixty more
    assert "第 2 页，共 3 页" in page
    assert page.count('<li class="card">') == 25


@pytest.mark.parametrize("asked", [None, "1", "2", "3", "4", "999", "0", "-1", "abc", "2.0"])
def test_a_page_is_the_page_djangos_paginator_gives(many, asked):
    """Past the first page the ids and the total come in one query (COUNT(*) OVER ()); the page,
    its number and the totals are still Paginator.get_page's, a bad or too large number too."""
    _groups, rows = rows_for(many.coordinator, "")
    expected = Paginator(rows, 25).get_page(asked)
    page = selectors.group_list_page(rows, asked, 25)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert [g.code for g in page.object_list] == [g.code for g in expected.object_list]
    assert page.has_next() == expected.has_next()


def test_a_filtered_deep_page_counts_only_what_matches(many, client_for):
    create_groups(200, rng=random.Random(8), offices=[many.group.judicial_office])
    client = client_for(many.coordinator)
    _groups, rows = rows_for(many.coordinator, "need=employment")
    total = rows.count()
    assert total > 25  # a second page to ask for
    response = client.get(reverse("groups:list"), {"need": "employment", "page": "2"})
    page = response.context["page"]
    assert page.paginator.count == total and page.number == 2
    assert [g.code for g in page.object_list] == [g.code for g in rows[25:50]]
