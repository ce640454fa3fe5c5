from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.context import origin


class LanguageMiddleware:
    """Simplified Chinese unless the visitor chose otherwise with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on many
    government PCs is English; the portal speaks Chinese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestContextMiddleware:
    """Records where the request came from for audit rows written while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # REMOTE_ADDR is the peer; behind the load balancer uvicorn's --proxy-headers sets it
        # from X-Forwarded-For for trusted proxies only.
        with origin(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)
