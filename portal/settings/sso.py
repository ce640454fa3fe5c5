"""The single sign-on provider's settings, built from the OIDC_* variables (portal/settings/base.py)
and by the tests for a provider they start themselves."""

from urllib.parse import urlsplit

# The id in the provider's addresses (/accounts/oidc/<id>/login/); changing it would orphan the
# accounts already linked.
PROVIDER_ID = "unified"


def oidc_apps(*, server_url: str, client_id: str, secret: str, name: str) -> list[dict]:
    """allauth's openid_connect app list: one app when all three values are set, else none (no
    button, no login address)."""
    if not (server_url and client_id and secret):
        return []
    return [
        {
            "provider_id": PROVIDER_ID,
            "name": name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url},
        }
    ]


def providers(apps: list[dict]) -> dict:
    """SOCIALACCOUNT_PROVIDERS: the code flow with PKCE, asking for the phone number too, which
    the identity service of the province holds verified."""
    return {
        "openid_connect": {
            "APPS": apps,
            "OAUTH_PKCE_ENABLED": True,
            "SCOPE": ["openid", "profile", "email", "phone"],
        }
    }


def form_action_origins(apps: list[dict]) -> list[str]:
    """Origins the login form may lead to: the button posts to the portal, which answers with a
    redirect to the provider, and browsers hold that redirect to the form-action policy too."""
    origins = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
