"""Prepare the floor's database (FLOOR_DATABASE_URL): migrate, 50 users for /rows, and a
logged-in session for the first; prints `sessionid=...` as the last line.

    cd bench/floor && DJANGO_SETTINGS_MODULE=floor_settings python floor_setup.py
"""

import django
from django.conf import settings

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

ROWS = 50

call_command("migrate", verbosity=0)
User.objects.bulk_create(
    User(username=f"floor{i:02d}", email=f"floor{i:02d}@floor.example.cn") for i in range(ROWS)
)
user = User.objects.order_by("id").first()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
