"""Matching pages, included by groups.urls before its `<code>/` patterns so `matching/` is never
taken for a group code."""

from django.urls import path

from groups.matching import views

urlpatterns = [
    path("matching/", views.region_overview, name="matching"),
    path("matching/proposal/", views.region_proposal, name="matching_proposal"),
    path("<str:code>/suggestions/", views.suggestions, name="suggestions"),
    path("<str:code>/suggestions/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("<str:code>/suggestions/decline/", views.suggestion_decline, name="suggestion_decline"),
]
