"""Test settings: the embedded defaults of base.py, plus what tests need to be fast and exact.

DATABASE_URL and REDIS_URL are honoured, so the same suite runs on PostgreSQL and Redis (CI).
"""

import os

# Tests run with DEBUG off, like production, so they need the production variables.
os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from portal.settings.base import *  # noqa: E402

# Fast hashing: a real hasher makes every login in a test cost 0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
