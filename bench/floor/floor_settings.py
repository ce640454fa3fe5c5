"""The floor: a bare Django project with the default middleware stack, sessions in the same
database as the portal, and a 50-row template. Whatever the portal's pages cost above this is
the portal's own."""

import os

import environ

SECRET_KEY = "floor-only"  # noqa: S105 - the floor serves nobody
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "floor_urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {"default": environ.Env.db_url_config(os.environ["FLOOR_DATABASE_URL"])}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.dirname(__file__)],
    }
]
USE_TZ = True
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": os.environ.get("FLOOR_REDIS_URL", "redis://127.0.0.1:6379/11"),
                    "socket_timeout": None,
                }
            ]
        },
    }
}

# psycopg's pool (Django >= 5.1), the ASGI-friendly way to reuse connections
if os.environ.get("FLOOR_DB_POOL"):
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 2, "max_size": 8}}
