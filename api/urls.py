"""Mounted by portal/urls.py by name (portal imports nothing of the apps above it). The
namespace is the API's own ("api"): ninja's docs page reverses "api:openapi-json"."""

from api.api import api

urlpatterns, _ninja, app_name = api.urls
