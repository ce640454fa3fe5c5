"""The page chrome's fixed parts ({% constant %}, portal/templatetags/chrome.py) are rendered
once per language and kept: every visitor must still see their own menu, forms and language,
each language its own words, and a tag that reads the request must not be let inside."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db


def page(client, path="/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_each_language_gets_its_own_chrome_whichever_came_first(client):
    english = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Skip to main content" in english.content.decode()
    assert "Log in" in english.content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = page(client)
    assert "跳到主要内容" in chinese
    assert "Skip to main content" not in chinese
    assert "社区矫正社会力量协同平台" in chinese


def test_visitors_and_signed_in_people_each_see_their_own_header(client, regions):
    assert 'href="/accounts/login/"' in page(client)
    coordinator = factories.coordinator(regions["440106"])
    client.force_login(coordinator)
    signed_in = page(client, "/me/")
    assert 'class="logout-form"' in signed_in
    assert 'href="/accounts/login/"' not in signed_in
    assert "data-signed-in" in signed_in
    assert 'id="live-toasts"' in signed_in
    # The language form sends the person back to the page they are on, not a kept one.
    assert '<input type="hidden" name="next" value="/me/">' in signed_in
    assert '<input type="hidden" name="next" value="/?a=%3Cb%3E">' in page(client, "/?a=<b>")


def test_each_form_carries_the_requests_csrf_token(client, regions):
    client.force_login(factories.coordinator(regions["440106"]))
    first, second = page(client, "/me/"), page(client, "/me/")
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)
    assert len(tokens) >= 2  # log out and language forms at least
    assert tokens != re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)


def test_the_menu_links_are_escaped_as_template_variables_are():
    rendered = Template("{% load chrome %}{% nav_links items %}").render(
        Context({"items": [("A & <b>", "/x/?a=1&b=2"), ("Home", "/")]})
    )
    by_loop = Template(
        '{% for label, url in items %}<li><a href="{{ url }}">{{ label }}</a></li>{% endfor %}'
    ).render(Context({"items": [("A & <b>", "/x/?a=1&b=2"), ("Home", "/")]}))
    assert rendered == by_loop
    assert "A &amp; &lt;b&gt;" in rendered


def test_a_changed_static_url_is_taken_up():
    template = Template(
        "{% load chrome static %}{% constant %}{% static 'a.css' %}{% endconstant %}"
    )
    assert template.render(Context()) == "/static/a.css"
    with override_settings(STATIC_URL="/assets/"):
        assert template.render(Context()) == "/assets/a.css"
    assert template.render(Context()) == "/static/a.css"


def test_the_same_template_renders_each_language_apart():
    template = Template(
        "{% load chrome i18n %}{% constant %}{% translate 'Log in' %}{% endconstant %}"
    )
    with translation.override("en"):
        assert template.render(Context()) == "Log in"
    with translation.override("zh-hans"):
        assert template.render(Context()) != "Log in"
    with translation.override("en"):
        assert template.render(Context()) == "Log in"


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user }}",
        "{% csrf_token %}",
        "{% translate greeting %}",
        "{% translate 'Log in' as label %}",
        "{% translate 'Log in'|upper %}",
        "{% static path %}",
        "{% static 'a.css' as url %}",
        "{% url 'alerts:acknowledge' pk %}",
        "{% url 'alerts:acknowledge' pk=alert.pk %}",
        "{% if user.is_authenticated %}x{% endif %}",
        "{% include 'includes/logout_form.html' %}",
        "{% block title %}{% endblock %}",
    ],
)
def test_nothing_that_reads_the_request_is_let_inside(inside):
    with pytest.raises(TemplateSyntaxError, match="constant"):
        Template("{% load chrome i18n static %}{% constant %}" + inside + "{% endconstant %}")
