"""A logged-in person talking to a real server over HTTP and WebSocket, without a browser: the
session cookie of a test login and a CSRF token of our own (Django accepts a 32-character
secret in both the cookie and the header)."""

import json
import secrets
import string
import urllib.error
import urllib.parse
import urllib.request

from django.test import Client
from websockets.sync.client import connect


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    def __init__(self, base: str, user):
        client = Client()
        client.force_login(user)
        self.base = base
        self.csrf = "".join(secrets.choice(string.ascii_letters) for _ in range(32))
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={self.csrf}"
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, method, path, data=None, *, json_reply=False):
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
        headers = {"Cookie": self.cookie, "Origin": f"http://{self.base}",
                   "X-CSRFToken": self.csrf}  # fmt: skip
        if json_reply:
            headers["Accept"] = "application/json"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            f"http://{self.base}{path}", data=body, headers=headers, method=method
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # redirects and 4xx arrive here
            response = error
        text = response.read().decode()
        return response.status, response.headers, json.loads(text) if json_reply else text

    def socket(self):
        return connect(
            f"ws://{self.base}/ws/notifications/",
            additional_headers={"Cookie": self.cookie, "Origin": f"http://{self.base}"},
        )


def frame_of(socket, type_, timeout=10):
    """The next frame of `type_` (others, such as another event, are skipped)."""
    while True:
        frame = json.loads(socket.recv(timeout=timeout))
        if frame["type"] == type_:
            return frame
