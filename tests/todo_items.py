"""Reading the to-dos of the home page (/me/, portal/templates/portal/dashboard.html) as a person
sees them: label, link, count (and `more` when it reads "99+", past portal.todo.CAP), note and
whether the item is marked urgent."""

import re
from types import SimpleNamespace

from django.urls import reverse

ITEM = re.compile(
    r'<li class="(?P<classes>todo[^"]*)">\s*<a href="(?P<url>[^"]*)">\s*'
    r'<span class="todo-label">(?P<label>[^<]*)</span>(?P<rest>.*?)</li>',
    re.S,
)


def home(client_for, user) -> str:
    response = client_for(user).get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def todos(page: str) -> dict[str, SimpleNamespace]:
    found = {}
    for item in ITEM.finditer(page):
        count = re.search(r'<span class="todo-count">(\d+)(\+?)</span>', item["rest"])
        note = re.search(r'<p class="todo-note">(.*?)</p>', item["rest"], re.S)
        found[item["label"]] = SimpleNamespace(
            url=item["url"],
            count=int(count[1]) if count else None,
            more=bool(count and count[2]),
            note=note[1].strip() if note else "",
            urgent="todo-urgent" in item["classes"].split(),
        )
    return found
