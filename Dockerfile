# One image for the web (uvicorn: HTTP + WebSockets), Celery worker and Celery beat services
# of docker-compose.yml. Build: `docker compose build`, or `docker build -t portal:local .`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.base \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private_media

# The application runs as this unprivileged user; the code stays owned by root (read-only to it).
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
       --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them: with only
# pyproject.toml present the project builds with no packages and pip installs just its
# dependencies. The second install puts the real packages in place (--no-deps: nothing new).
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info
COPY . .
RUN pip install --no-cache-dir --no-deps --force-reinstall . \
    && rm -rf build ./*.egg-info

# Writable directories: collected static files (served by whitenoise) and uploads (a volume).
RUN mkdir -p /app/staticfiles /app/media /app/private_media \
    && chown portal:portal /app/staticfiles /app/media /app/private_media

USER portal

# Collected static files, and the search's shared word list (search/lexicon.py, into /tmp of the
# image), so no first search waits seconds for it. The settings refuse to load with DEBUG off
# unless SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL are set; these throwaway values exist only for
# this command and are not kept in the image.
RUN SECRET_KEY=collectstatic-at-build-time-only-not-a-real-key \
    ALLOWED_HOSTS=localhost \
    EMAIL_URL=consolemail:// \
    DEBUG=false \
    sh -c "python manage.py collectstatic --noinput && python -m search.lexicon"

EXPOSE 8000

# /healthz with a Host from ALLOWED_HOSTS (any other Host is answered 400) and
# X-Forwarded-Proto https (as the load balancer sends it; else SECURE_SSL_REDIRECT answers 301).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# Default command = the web service: migrate, then serve HTTP and WebSockets on port 8000.
# docker-compose.yml overrides it for the worker and beat services.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec uvicorn portal.asgi:application --host 0.0.0.0 --port 8000 --proxy-headers --workers 2"]
