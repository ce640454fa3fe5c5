"""The SMS settings from SMS_URL, in the style of EMAIL_URL: the scheme names the backend.

    console://                                  printed to the server's log (the default)
    locmem://                                   kept in portal.sms.outbox (tests)
    https://user:key@sms.example.cn/send?sign=x  the provider: a JSON POST of {"phone", "text"}
                                                to that address (query kept), the user and key
                                                as HTTP Basic credentials

Plain http:// is taken only for a gateway on this machine (127.0.0.1, localhost): phone numbers
and the provider's key must not cross a network in clear. Anything else stops the start with a
message naming SMS_URL, rather than losing every code and notice at the first send.
"""

from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_SIMPLE = {"console": "portal.sms.ConsoleBackend", "locmem": "portal.sms.LocmemBackend"}
HTTP_BACKEND = "portal.sms.HttpBackend"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Seconds to wait for the provider: a hung provider holds a worker, never a person's request.
TIMEOUT = 10


def _refuse(url: str, why: str):
    shown = url
    parts = urlsplit(url) if "://" in url else None
    if parts and parts.password:  # never print the provider's key in a start-up error
        shown = url.replace(f":{parts.password}@", ":***@")
    return ImproperlyConfigured(
        f"SMS_URL={shown!r}: {why} Use console://, locmem:// or "
        "https://user:key@sms.example.cn/send (see portal/settings/sms.py)."
    )


def sms_url(url: str) -> dict:
    """SMS_BACKEND and SMS_PROVIDER (address, credentials, timeout) from an SMS_URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port  # a bad port raises here
    except ValueError as error:
        raise _refuse(url, f"not a URL ({error}).") from None
    scheme = parts.scheme.lower()
    if scheme in _SIMPLE:
        if parts.netloc or parts.path.strip("/"):
            raise _refuse(url, f"{scheme}:// takes nothing after it.")
        return {"SMS_BACKEND": _SIMPLE[scheme], "SMS_PROVIDER": {}}
    if scheme not in ("http", "https"):
        raise _refuse(url, f"unknown scheme {parts.scheme!r}.")
    if not host:
        raise _refuse(url, "the provider's host is missing.")
    if scheme == "http" and host not in _LOOPBACK:
        raise _refuse(url, "plain http:// is only for a gateway on this machine; use https://.")
    netloc = host if ":" not in host else f"[{host}]"
    netloc += f":{port}" if port else ""
    return {
        "SMS_BACKEND": HTTP_BACKEND,
        "SMS_PROVIDER": {
            "url": urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "timeout": TIMEOUT,
        },
    }
