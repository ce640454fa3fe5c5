"""The database setting from DATABASE_URL, with what an SQLite file needs to take several writers.

Web requests, eager Celery tasks and Wagtail's autosave write the same demo file at once. By
default SQLite starts a transaction without a lock and upgrades it at the first write; when two
transactions both read and then write, the upgrade fails at once with "database is locked" (the
busy timeout does not apply to that deadlock). Taking the write lock at BEGIN (IMMEDIATE) makes
the second writer wait, the timeout lets it wait long enough, and WAL lets readers go on beside
the writer. https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
"""

SQLITE_ENGINE = "django.db.backends.sqlite3"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,  # seconds a writer waits for the lock before giving up
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database(config: dict) -> dict:
    """The parsed DATABASE_URL with health checks, and the options above for SQLite."""
    config = {**config, "CONN_HEALTH_CHECKS": True}
    if config.get("ENGINE") == SQLITE_ENGINE:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config
