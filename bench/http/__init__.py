"""The HTTP load benchmark (`make bench-http`, issue 20): the real server under concurrent load,
each page interleaved with a floor in the same run.

    python -m bench.http                                   every page, province scale
    python -m bench.http --scale small --seconds 3 --connections 4 --pages home,group

Seeds the scale with the bench scenarios' seed() (bench/scenarios) on PostgreSQL
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/portal_bench_http; dropped and
created again, so its name must contain "bench"; the floor gets the same name plus "_floor"),
empties its Redis database (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13), starts
`uvicorn portal.asgi` with production settings (portal.settings.base, DEBUG off, collected
static files) and the floor (bench/floor) in one uvicorn process each, then for each page of
bench/http/pages.py runs the load client on the floor's /rows and then on the page, and prints
req/s, p50, p99, errors, the ratios to the floor and the web process's peak RSS. Requests carry
X-Forwarded-Proto: https, as from the TLS proxy in front of production (else: a redirect).
"""
