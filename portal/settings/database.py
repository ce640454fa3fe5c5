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


POSTGRESQL_ENGINE = "django.db.backends.postgresql"
# PostgreSQL's JIT compiler is off for the portal's sessions. It starts when a plan's estimated
# cost passes jit_above_cost, and the estimate counts branches that never run: the unread badge
# on every signed-in page (a few index probes, 0.03 ms) is planned at a cost of 200,000 once a
# province's memberships are in, and JIT spent about 60 ms compiling it on each request. The
# portal's queries are short, so there is nothing for JIT to win back.
# https://www.postgresql.org/docs/current/jit-decision.html
POSTGRESQL_SESSION = "-c jit=off"


def database(config: dict, *, pool_size: int = 0) -> dict:
    """The parsed DATABASE_URL with health checks, the options above for SQLite, and for
    PostgreSQL its session settings above and psycopg's connection pool when pool_size > 0
    (DATABASE_POOL_SIZE).

    Under ASGI every request runs in a thread of its own and Django closes that thread's
    connection when the request ends (persistent connections cannot be shared between threads),
    so without a pool each request pays for a new PostgreSQL connection: a fork on the server
    and a handshake. The pool keeps up to pool_size open per web process and lends one to each
    request (Django >= 5.1). https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
    """
    config = {**config, "CONN_HEALTH_CHECKS": True}
    if config.get("ENGINE") == SQLITE_ENGINE:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    elif config.get("ENGINE") == POSTGRESQL_ENGINE:
        options = config.get("OPTIONS", {})
        # Ours first: a setting given in DATABASE_URL (?options=...) comes after, and wins.
        session = f"{POSTGRESQL_SESSION} {options.get('options', '')}".strip()
        config["OPTIONS"] = {**options, "options": session}
        if pool_size > 0:
            # A request that finds every connection lent waits up to `timeout` seconds, then
            # fails.
            pool = {"min_size": min(2, pool_size), "max_size": pool_size, "timeout": 10}
            config["OPTIONS"]["pool"] = pool
            config["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not as well
    return config
