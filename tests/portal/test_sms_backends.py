"""The SMS path (portal.sms) against a provider: a real little HTTP server in the test, standing in
for the provider's API and recording what reached it. Requests are JSON POSTs with the key as
Basic credentials; a failing provider is tried again by the Celery task, a message it never takes
is logged as lost while the next ones still go out; a bad SMS_URL stops the start."""

import base64
import json
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import sms
from portal.settings.sms import sms_url
from tests.mail import DEAD_BROKER, broker, retrying_like_a_worker
from tests.portal.test_settings import PRODUCTION, manage
from tests.servers import ROOT, RedisServer, celery_worker, free_port, worker_env

PHONE, OTHER = "13800138000", "13912345678"
TEXT = "【社区矫正社会力量协同平台】您有一条待处理的转介，截止时间为明天，请登录平台查看。"


class FakeProvider:
    """An SMS provider's API on 127.0.0.1: records every request; answers each phone with the
    statuses queued for it (then 200), after `delay` seconds."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, list[int]] = defaultdict(list)
        self.delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                data = json.loads(body)
                provider.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": data}
                )
                time.sleep(provider.delay)
                queued = provider.answers[data.get("phone")]
                status = queued.pop(0) if queued else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"code": 0}' if status == 200 else b'{"code": 1}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path="/send?sign=%E7%A4%BE%E7%9F%AB", auth="portal:s3cr%40t"):
        return f"http://{auth}@127.0.0.1:{self.port}{path}"

    def sent_to(self, phone):
        return [r for r in self.requests if r["json"]["phone"] == phone]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    """The fake provider, and the settings pointed at it as SMS_URL would point them."""
    fake = FakeProvider()
    for name, value in sms_url(fake.url()).items():
        setattr(settings, name, value)
    yield fake
    fake.close()


def test_a_message_is_one_json_post_with_the_key_as_basic_credentials(provider, sms_outbox):
    sms.send(PHONE, TEXT)

    [request] = provider.requests
    assert request["path"] == "/send?sign=%E7%A4%BE%E7%9F%AB"  # the query reaches the provider
    assert request["json"] == {"phone": PHONE, "text": TEXT}
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    credentials = base64.b64decode(request["headers"]["Authorization"].removeprefix("Basic "))
    assert credentials.decode() == "portal:s3cr@t"  # percent-decoded from the URL
    assert sms_outbox == []  # the provider, not the test outbox


def test_a_provider_that_fails_is_tried_again_until_it_takes_the_message(provider, caplog):
    provider.answers[PHONE] = [503, 502]
    with retrying_like_a_worker():
        sms.send(PHONE, TEXT)
    assert len(provider.sent_to(PHONE)) == 3
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_message_the_provider_never_takes_is_logged_and_the_next_still_goes(provider, caplog):
    from portal.tasks import send_sms

    provider.answers[PHONE] = [503] * 100
    with retrying_like_a_worker():
        sms.send(PHONE, TEXT)
        sms.send(OTHER, TEXT)
    assert len(provider.sent_to(PHONE)) == send_sms.max_retries + 1
    assert len(provider.sent_to(OTHER)) == 1
    [lost] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "138****8000" in lost and "HTTP 503" in lost
    assert PHONE not in caplog.text  # the logs never hold a whole number


def test_a_refusal_is_not_retried_and_is_logged(provider, caplog):
    provider.answers[PHONE] = [400]
    with retrying_like_a_worker():
        sms.send(PHONE, TEXT)
    assert len(provider.sent_to(PHONE)) == 1
    assert any("HTTP 400" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_a_provider_slower_than_the_timeout_counts_as_unavailable(provider, settings):
    settings.SMS_PROVIDER = {**settings.SMS_PROVIDER, "timeout": 0.3}
    provider.delay = 1
    with pytest.raises(sms.ProviderUnavailable):
        sms.deliver(PHONE, TEXT)


def test_a_redirect_is_not_followed(provider):
    provider.answers[PHONE] = [302]
    with pytest.raises(sms.ProviderRefused, match="HTTP 302"):
        sms.deliver(PHONE, TEXT)


def test_with_the_broker_down_the_message_is_sent_at_once(provider):
    with broker(DEAD_BROKER):
        sms.send(PHONE, TEXT)
    assert len(provider.sent_to(PHONE)) == 1


def test_a_notice_waits_for_the_commit(db, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        sms.send_on_commit(PHONE, TEXT)
    assert sms_outbox == []
    callbacks[0]()
    assert sms_outbox == [sms.SMS(PHONE, TEXT)]


def test_a_code_sent_in_tests_lands_in_the_outbox(sms_outbox):
    sms.send(PHONE, "【社区矫正社会力量协同平台】您的验证码是 123456，10 分钟内有效。")
    assert [m.phone for m in sms_outbox] == [PHONE]


# --- SMS_URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "backend", "provider"),
    [
        ("console://", "portal.sms.ConsoleBackend", {}),
        ("locmem://", "portal.sms.LocmemBackend", {}),
        (
            "https://ak:k%2Fey@sms.example.cn/api/send?sign=abc",
            "portal.sms.HttpBackend",
            {"url": "https://sms.example.cn/api/send?sign=abc", "username": "ak",
             "password": "k/ey", "timeout": 10},
        ),
        (
            "http://127.0.0.1:8025",
            "portal.sms.HttpBackend",
            {"url": "http://127.0.0.1:8025/", "username": "", "password": "", "timeout": 10},
        ),
    ],
)  # fmt: skip
def test_sms_url_names_the_backend_and_the_provider(url, backend, provider):
    assert sms_url(url) == {"SMS_BACKEND": backend, "SMS_PROVIDER": provider}


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("smtp://sms.example.cn", "unknown scheme 'smtp'"),
        ("sms.example.cn/send", "unknown scheme ''"),
        ("https:///send", "host is missing"),
        ("http://ak:secret@sms.example.cn/send", "plain http:// is only for a gateway"),
        ("https://sms.example.cn:99999/send", "not a URL"),
        ("console://sms.example.cn", "takes nothing after it"),
    ],
)
def test_a_bad_sms_url_is_refused_with_a_message_naming_it(url, why):
    with pytest.raises(ImproperlyConfigured) as error:
        sms_url(url)
    assert str(error.value).startswith("SMS_URL=")
    assert why in str(error.value)
    assert "secret" not in str(error.value)  # the provider's key stays out of start-up logs


def test_the_portal_refuses_to_start_with_a_bad_sms_url():
    result = manage("check", **PRODUCTION, SMS_URL="htps://ak:key@sms.example.cn/send")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SMS_URL='htps://ak:***@sms.example.cn/send': unknown scheme 'htps'" in result.stderr


def test_production_takes_a_provider_url():
    result = manage("check", **PRODUCTION, SMS_URL="https://ak:key@sms.example.cn/send?sign=x")
    assert result.returncode == 0, result.stderr


# --- a real worker ---------------------------------------------------------------------------


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failing_provider_and_delivers():
    """A process of its own queues the message → Redis → a worker process with the provider as
    its SMS_URL; the provider's first answer is 503, so the worker retries. The broker is a
    Redis server of this test's own (as the fault tests'), so nothing another test does to the
    shared Redis (a flushed database) can take the queued message away."""
    fake = FakeProvider()
    fake.answers[PHONE] = [503]
    queue = f"sms-test-{fake.port}"
    redis = RedisServer()
    redis.start()
    try:
        with celery_worker(
            broker_url=redis.url(), queue=queue, env={"TEST_SMS_URL": fake.url()}
        ) as log:
            sent = subprocess.run(
                [sys.executable, "-c",
                 "import django, sys; django.setup(); from portal.tasks import send_sms; "
                 "send_sms.apply_async(args=sys.argv[1:3], queue=sys.argv[3], retry=False)",
                 PHONE, TEXT, queue],
                cwd=ROOT, env=worker_env(redis.url()), capture_output=True, text=True,
                timeout=120,
            )  # fmt: skip
            assert sent.returncode == 0, sent.stderr
            # The first retry waits up to 30 s (full jitter).
            deadline = time.monotonic() + 90
            while len(fake.sent_to(PHONE)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(fake.sent_to(PHONE)) == 2, "".join(log)
            assert fake.sent_to(PHONE)[-1]["json"] == {"phone": PHONE, "text": TEXT}
    finally:
        redis.stop()
        fake.close()
