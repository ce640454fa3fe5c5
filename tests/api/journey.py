"""What the mobile app does, as a script with nothing but the standard library:

    python tests/api/journey.py http://127.0.0.1:8000 someone@example.cn password GROUP-CODE

signs in through allauth's headless endpoint, reads /api/v1/me, logs two hours for the group
and lists them; prints each answer as one JSON line and exits non-zero on the first surprise."""

import json
import sys
import urllib.error
import urllib.request
from datetime import date, timedelta


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Accept": "application/json"}
        | ({"X-Session-Token": token} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, payload = response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        status, payload = error.code, json.loads(error.read() or b"null")
    print(json.dumps({"call": f"{method} {path}", "status": status, "body": payload}))
    return status, payload


def journey(base: str, email: str, password: str, group: str) -> int:
    status, login = call(
        base, "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": password}
    )
    if status != 200:
        return 1
    token = login["meta"]["session_token"]
    status, me = call(base, "GET", "/api/v1/me", token=token)
    if status != 200 or me["email"] != email:
        return 2
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    entry = {"date": yesterday, "hours": 2, "description": "入户走访，了解就业需求", "group": group}
    status, _logged = call(base, "POST", "/api/v1/hours", entry, token=token)
    if status != 201:
        return 3
    status, hours = call(base, "GET", "/api/v1/hours", token=token)
    if status != 200 or hours["count"] != 1:
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(journey(*sys.argv[1:5]))
