"""Clients for fault tests, as a browser would be: a web client with its own cookies (session,
CSRF) over plain HTTP, and chat sockets over real WebSockets. Every call has a timeout: a fault
test fails when something hangs, it does not hang with it."""

import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

from websockets.sync.client import connect

from tests.messaging.conftest import session_cookie


@dataclass
class Answer:
    status: int
    body: str
    seconds: float

    def json(self):
        return json.loads(self.body)


class WebClient:
    """One person's browser without JavaScript: cookies kept, the CSRF token sent with POSTs."""

    def __init__(self, base: str, user=None, *, timeout: float = 20):
        self.base = f"http://{base}"
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.cookie = session_cookie(user) if user is not None else ""

    def request(self, path: str, *, data: dict | None = None, json_reply=False) -> Answer:
        headers = {}
        body = None
        if data is not None:
            headers["X-CSRFToken"] = self._csrf()  # first: it may fetch the token's cookie
            headers["Origin"] = self.base
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(data).encode()
        headers["Cookie"] = "; ".join(filter(None, [self.cookie, self._csrf_cookie()]))
        if json_reply:
            headers["Accept"] = "application/json"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        return Answer(status, text, time.monotonic() - started)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request(path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Answer:
        return self.request(path, data=data, **kwargs)

    def _csrf_cookie(self) -> str:
        token = self._csrf(fetch=False)
        return f"csrftoken={token}" if token else ""

    def _csrf(self, *, fetch: bool = True) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        if not fetch:
            return ""
        # Any page with a form sets the token; the login page has one for everybody.
        self.get("/accounts/login/")
        return self._csrf(fetch=False)


@contextmanager
def chat(server: str, user, conversation_id: int, *, timeout: float = 10):
    """A chat socket of `user`, once its hello arrived."""
    with connect(
        f"ws://{server}/ws/chat/{conversation_id}/",
        additional_headers={"Cookie": session_cookie(user), "Origin": f"http://{server}"},
        open_timeout=timeout,
        max_size=2**20 * 2,
    ) as socket:
        hello = json.loads(socket.recv(timeout=timeout))
        assert hello["type"] == "hello", hello
        yield socket


def frame_of(socket, *types, timeout: float = 10) -> dict:
    """The next frame of one of `types`, skipping others."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame["type"] in types:
            return frame


def send(socket, body: str, client_id: str | None = None) -> dict:
    """Send a message; its ack (or the error frame that refused it)."""
    frame = {"type": "message.send", "body": body}
    if client_id:
        frame["client_id"] = client_id
    socket.send(json.dumps(frame, ensure_ascii=False))
    return frame_of(socket, "message.ack", "error")


def arrival(socket, message_id: int, timeout: float = 10) -> dict:
    """The message.new frame of one message id."""
    while True:
        frame = frame_of(socket, "message.new", timeout=timeout)
        if frame["message"]["id"] == message_id:
            return frame


def resume(socket, last_id: int, timeout: float = 10) -> list[dict]:
    """Everything after `last_id`, as a reconnecting browser asks for it."""
    socket.send(json.dumps({"type": "resume", "last_id": last_id}))
    messages = []
    while True:
        frame = frame_of(socket, "history", "resume.done", timeout=timeout)
        if frame["type"] == "history":
            messages += frame["messages"]
        elif frame["more"]:
            socket.send(json.dumps({"type": "resume", "last_id": frame["last_id"]}))
        else:
            return messages


def eventually(check, *, seconds: float = 30, every: float = 0.5):
    """check()'s first truthy answer within `seconds` (exceptions count as not yet)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = check()
        except Exception:  # noqa: BLE001 - not yet; the last try's error is raised below
            if time.monotonic() > deadline:
                raise
            answer = None
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {check}")
        time.sleep(every)
