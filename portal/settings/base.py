"""Settings for every environment, read from the environment (DESIGN.md, "Settings contract").

With nothing set and DEBUG=1 (what `make demo` does) the portal runs on embedded parts: SQLite,
in-memory channel layer and cache, eager Celery, database search. Each service variable swaps in
the real part. With DEBUG off the portal is in production and refuses to start without
SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL. Variables: portal/settings/contract.py.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from portal.settings import sso
from portal.settings.contract import REQUIRED_IN_PRODUCTION
from portal.settings.database import database
from portal.settings.sms import sms_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

_FLAG_WORDS = dict.fromkeys(("1", "true", "yes", "on"), True) | dict.fromkeys(
    ("0", "false", "no", "off"), False
)


def env_flag(name: str, *, default: bool) -> bool:
    """A yes/no variable. Anything but the words above stops the start (environ's env.bool reads
    DEBUG=ture or SECURE_SSL_REDIRECT=flase as off, silently); unset or empty is the default."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    if raw.lower() not in _FLAG_WORDS:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is neither on nor off; write one of {', '.join(_FLAG_WORDS)}."
        )
    return _FLAG_WORDS[raw.lower()]


# ---------------------------------------------------------------------------
# Core and production guard
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ---------------------------------------------------------------------------
DEBUG = env_flag("DEBUG", default=False)

_missing = [name for name in REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
if _missing and not DEBUG:
    raise ImproperlyConfigured(
        f"Production settings (DEBUG is off) need {', '.join(_missing)}. "
        "For a development run set DEBUG=1 or use `make demo`."
    )
if _missing:
    print(
        f"WARNING: development values in use for {', '.join(_missing)}; "
        "never serve real users like this.",
        file=sys.stderr,
    )

SECRET_KEY = env.str("SECRET_KEY", default="") or "dev-only-" + "x" * 50  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Ours first, so its templates override those of the libraries below.
    "portal",
    "groups",
    "volunteers",
    "partners",
    "matching",
    "curriculum",
    "messaging",
    "search",
    "alerts",
    "dashboards",
    "api",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.headless",
    "ninja",
    "channels",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "portal.pwa.OfflineCopyMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "portal.asgi.application"
# Sockets opened with the mobile app's session token (?token= or the subprotocol
# session-token.<token>); portal.asgi imports it by name, as api sits above portal.
WEBSOCKET_TOKEN_AUTH = "api.socket_auth.TokenSocketAuth"  # noqa: S105 (a class path)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: SQLite file by default, PostgreSQL in production and CI
# ---------------------------------------------------------------------------
DATABASES = {
    "default": database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        pool_size=env.int("DATABASE_POOL_SIZE", default=10),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Redis: cache and channel layer (in-process stand-ins when REDIS_URL is unset)
# https://channels.readthedocs.io/en/stable/topics/channel_layers.html
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # Pages keep working while Redis is away; /readyz reports it.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # socket_timeout None: redis-py's default equals the layer's 5-second
                # blocking read, and idle consumers then die with TimeoutError. One retry, at
                # once: after Redis restarts, each old pooled connection fails once and a
                # command reconnects instead of failing the socket that asked. Never more, nor
                # later: a consumer whose read outlived a restart would sit in groups the new
                # Redis never heard of, deaf; failing, it closes and its browser resumes.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "retry": AsyncRetry(NoBackoff(), 1),
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "prefix": "portal",
                "group_expiry": 86400,
                # Messages waiting for one web process, all its sockets together (the default
                # is 100): past it, broadcasts to that process are dropped. The pages fetch
                # what they missed (each broadcast names the message before it), but a busy
                # process should fall behind, not drop.
                "capacity": 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# How long the home page's figures, and the whole home page for visitors who are not signed in,
# are served from the cache (portal.page_cache); a publish refreshes the page at once.
HOME_CACHE_SECONDS = env.int("HOME_CACHE_SECONDS", default=60)

# Sessions live in the database so nobody is logged out when Redis restarts.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# ---------------------------------------------------------------------------
# Celery: eager without a broker
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"

# ---------------------------------------------------------------------------
# Search: database backend unless Elasticsearch is configured
# ---------------------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="portal")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# ---------------------------------------------------------------------------
# Accounts: e-mail or mobile-number login through allauth
# https://docs.allauth.org/en/latest/account/configuration.html
# https://docs.allauth.org/en/latest/account/phone.html
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "portal.forms.SignupForm",
    "verify_phone": "portal.forms.VerifyPhoneForm",
    "confirm_login_code": "portal.forms.ConfirmLoginCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# "email*" because allauth's mandatory e-mail verification insists on it; the sign-up form
# (portal.forms.SignupForm) then asks for an e-mail address or a mobile number, and for the
# address from social workers. The phone is stored on User.mobile (portal.adapters).
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# An account with only a mobile number verifies it by a code sent by SMS (portal.stages).
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# Six digits: typed on a phone's number pad, as Chinese SMS codes always are.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# "Send me a code instead": by SMS for a number, by e-mail for an address.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# A password forgotten by a phone-first person is reset by an SMS code (portal.phone_reset);
# e-mail resets keep allauth's link.
PHONE_PASSWORD_RESET_TIMEOUT = 10 * 60
PHONE_PASSWORD_RESET_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Neither password reset nor sign-up tells a stranger whether an address has an account: taking
# part in community corrections is itself sensitive. Both answer alike; the address's owner is
# mailed instead ("someone asked to reset / sign up with your address").
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[社区矫正社会力量协同平台] "
# allauth's rate limits are on by default (they need the cache above); stated for the reader.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Every text costs money and reaches a person's phone: one code a minute per number,
    # five a minute per address (sign-up verification, resends).
    "verify_phone": "1/m/key,5/m/ip",
    # Log-in codes (SMS or e-mail), and phone password-reset codes share this limit.
    "request_login_code": "10/m/ip,3/10m/key",
}

# ---------------------------------------------------------------------------
# E-mail: console by default, SMTP (smtp+tls://user:pass@host:587) in production
# ---------------------------------------------------------------------------
# Whoever sends (the portal, allauth, Wagtail's moderation notices, Django's password reset),
# the message is queued for Celery after commit (portal.mail); the worker, or the web process
# when the broker is down, delivers it with the backend EMAIL_URL names. Tests swap
# EMAIL_BACKEND for their own, and portal.mail then delivers to that one.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_DELIVERY_BACKEND = _email.pop("EMAIL_BACKEND")
vars().update(_email)
EMAIL_BACKEND = "portal.mail.QueuedBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@portal.example.cn")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# SMS: codes and urgent notices (portal.sms); printed to the log by default
# ---------------------------------------------------------------------------
# Every text message is queued for Celery (portal.sms); the worker, or the web process when the
# broker is down, delivers it with the backend SMS_URL names (console://, or the provider's
# https://user:key@host/path: portal/settings/sms.py). A bad SMS_URL stops the start.
vars().update(sms_url(env.str("SMS_URL", default="") or "console://"))

# ---------------------------------------------------------------------------
# Single sign-on: the province's unified identity (OpenID Connect, allauth)
# ---------------------------------------------------------------------------
# https://docs.allauth.org/en/latest/socialaccount/providers/openid_connect.html
# On only when the three OIDC_* values are set; the login page then offers its button. The
# adapter links a first login to an account with the same verified phone or e-mail, or makes a
# volunteer; the provider never grants a staff role (portal/social.py).
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_NAME = env.str("OIDC_NAME", default="") or "广东省统一身份认证"
_oidc_apps = sso.oidc_apps(
    server_url=OIDC_SERVER_URL, client_id=OIDC_CLIENT_ID, secret=OIDC_CLIENT_SECRET, name=OIDC_NAME
)
SOCIALACCOUNT_PROVIDERS = sso.providers(_oidc_apps)
SOCIALACCOUNT_ADAPTER = "portal.social.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# A volunteer may hold a verified mobile number and no e-mail address (portal.models.User).
SOCIALACCOUNT_EMAIL_REQUIRED = False
# The provider's tokens are not needed after the login; nothing to leak.
SOCIALACCOUNT_STORE_TOKENS = False
# Seconds to wait for the provider before telling the person it cannot be reached.
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5

# ---------------------------------------------------------------------------
# JSON API for the mobile client (/api/v1/)
# ---------------------------------------------------------------------------
# The endpoints are django-ninja's (api/api.py); sign-in is allauth's headless mode for the app
# client only, at /_allauth/app/v1/ (login, logout, session): it answers with a session token the
# app sends as X-Session-Token. Pages of our own origin use their session cookie instead.
# https://docs.allauth.org/en/latest/headless/configuration.html
HEADLESS_CLIENTS = ("app",)
# A class path, not a secret (the S105 check reads "TOKEN" in the name).
_strategy = "allauth.headless.tokens.strategies.sessions.SessionTokenStrategy"
HEADLESS_TOKEN_STRATEGY = _strategy
# allauth's own OpenAPI page loads Redoc from a CDN: not served.
HEADLESS_SERVE_SPECIFICATION = False

# ---------------------------------------------------------------------------
# Language and time: Simplified Chinese first, English complete
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
PORTAL_NAME = _("Community corrections social-force coordination portal")

# ---------------------------------------------------------------------------
# Static and media files, served by the app itself (no CDN: users sit on intranets)
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Licences and chat attachments: outside MEDIA_ROOT, streamed only after a permission check.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "社区矫正社会力量协同平台"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls out of a government intranet
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars from gravatar.com: blocked on intranets
# Editors all work in China's one time zone: the admin's account page then offers no list of
# 600 zone names in English.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Passwords are set, changed and reset through allauth only (its rate limits, its links built
# from the configured site); Wagtail's login pages are replaced in portal/urls.py.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False

# ---------------------------------------------------------------------------
# Security: https://docs.djangoproject.com/en/5.2/ref/checks/#security
# ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's page preview is an iframe of the same origin, so DENY would break editing.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# Only our own scripts run (no inline script, no handler attribute: tests/portal/test_headers.py);
# inline styles stay allowed (the charts and a few templates set them; a style cannot run code).
# Wagtail's admin is relaxed in portal.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],  # 'self' covers the same origin's ws:// and wss:// too
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [SELF],
        # The installable app: its service worker and manifest come from our origin only.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF, *sso.form_action_origins(_oidc_apps)],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Tasks run in-process (Celery eager in the embedded default, Wagtail's immediate django-tasks
    # backend always) would log a "Task … succeeded" pair for every index update and refresh;
    # a real Celery worker logs its own at INFO.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        "django_tasks": {"level": "WARNING"},
    },
}
