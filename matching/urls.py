"""Matching pages. They live under /groups/ beside the group pages (a coordinator reaches them
from a group), so portal.urls includes them before groups.urls: `matching/` is then never taken
for a group code."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("matching/", views.region_overview, name="region"),
    path("matching/proposal/", views.region_proposal, name="proposal"),
    path("<slug:code>/suggestions/", views.suggestions, name="suggestions"),
    path("<slug:code>/suggestions/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("<slug:code>/suggestions/decline/", views.suggestion_decline, name="suggestion_decline"),
]
