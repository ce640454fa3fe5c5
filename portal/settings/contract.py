"""The settings contract of DESIGN.md, as data: every environment variable the settings read.

docker-compose.yml and the README's table are checked against this tuple by the tests, so a new
variable is added here first.
"""

ENVIRONMENT_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "ELASTICSEARCH_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SMS_URL",
    "SECURE_SSL_REDIRECT",
    "SEARCH_INDEX_PREFIX",
    # Optional, with defaults that suit docker-compose.yml.
    "WAGTAILADMIN_BASE_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "PRIVATE_MEDIA_ROOT",
    "LOG_LEVEL",
    "DATABASE_POOL_SIZE",
    "HOME_CACHE_SECONDS",
    # Single sign-on: on only when the first three are set.
    "OIDC_SERVER_URL",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_NAME",
)

# Without these the portal refuses to start unless DEBUG is on (the embedded default).
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL")
