"""Project shell and shared core: settings, accounts, regions, audit log, events, home page."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
