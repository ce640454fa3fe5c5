"""The JSON API for the mobile client, /api/v1/ (django-ninja). The schema is at
/api/v1/openapi.json, the browsable docs at /api/v1/docs (Swagger UI from our static files).

Every error is a translated {"detail": ..., "errors": {field: [messages]}}: 401 without a
valid token or session, 404 for what the caller may not see (as on the pages), 422 for input of
the wrong shape, 400 for input a rule of the app refuses (nothing is changed).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from api.auth import AUTH
from api.routers import activities, chat, groups, hours, learning, me, notifications, referrals


class PortalAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        # "<router module>_<function>", e.g. "me_me", "hours_log": stable for client generators.
        view = operation.view_func
        return f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"

    def create_response(self, request, data, *, status=200, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # Every answer is about the caller: never kept by a cache or a shared phone's browser.
        patch_cache_control(response, private=True, no_store=True)
        return response


api = PortalAPI(
    title="社区矫正社会力量协同平台 API",
    version="1",
    description="JSON API for the mobile client. Sign in at /_allauth/app/v1/auth/login "
    "(django-allauth headless, app client) and send the session token as X-Session-Token.",
    auth=AUTH,
    urls_namespace="api",
    # Swagger UI from ninja's own static files ("ninja" is installed); no validator badge,
    # which would call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


def _error(request, status, detail, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, _("Sign in first."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, _("You may not do this."))


@api.exception_handler(HttpError)
def refused_by_ninja(request, exc):
    # ninja's own two: a body that is not JSON (400) and a session write without CSRF (403).
    if exc.status_code == 403:
        return _error(request, 403, _("The CSRF check failed: reload the page and try again."))
    if exc.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."))
    return _error(request, exc.status_code, str(exc.message))


@api.exception_handler(SchemaError)
def bad_shape(request, exc):
    errors = {}
    for error in exc.errors:
        # ("body", "payload", "hours") -> "hours"; the location words are ninja's, not the field.
        field = ".".join(str(p) for p in error["loc"][2:] or error["loc"][-1:])
        errors.setdefault(field, []).append(_("This value is missing or not valid."))
    return _error(request, 422, _("Some of what you sent is not valid."), errors)


@api.exception_handler(ValidationError)
def refused(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(m for messages in errors.values() for m in messages), "")
    return _error(request, 400, first, errors)


api.add_router("/me", me.router, tags=["me"])
api.add_router("/groups", groups.router, tags=["groups"])
api.add_router("/activities", activities.router, tags=["activities"])
api.add_router("/hours", hours.router, tags=["hours"])
api.add_router("/notifications", notifications.router, tags=["notifications"])
api.add_router("/learning", learning.router, tags=["learning"])
api.add_router("/chat", chat.router, tags=["chat"])
api.add_router("/referrals", referrals.router, tags=["referrals"])
