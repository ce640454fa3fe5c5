"""One router per area of the API (api/api.py mounts them); each endpoint is a thin adapter over
the selectors and services of the app that owns the rule."""
