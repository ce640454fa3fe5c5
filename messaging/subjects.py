"""Threads about something an app above owns (a partner referral): messaging stores the thread
and its messages; who takes part, and what the thread shows about its subject, are answered by
the app that owns the subject, registered in its AppConfig.ready with `register` (messaging
imports none of them; the same inversion as groups.gate's facts providers).

Nothing about the participants is stored: every check asks the provider, so a person who leaves
the owning side (an organisation, a group) loses the thread at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from portal.models import User


@dataclass(frozen=True)
class Place:
    """One person's place in a subject's thread, as the owning app sees it now."""

    role: str  # a group role code ("lead", "social_worker") or the provider's own ("partner")
    label: str  # how the thread names their side, translated
    can_post: bool = True
    read_only_reason: str = ""  # why not, when can_post is False


@dataclass(frozen=True)
class Participant:
    """A person of a subject's thread; reads like a Membership in the chat templates."""

    user: User
    label: str

    @property
    def user_id(self) -> int:
        return self.user.pk

    def get_role_display(self) -> str:
        return self.label


@dataclass(frozen=True)
class About:
    """What the thread page shows of its subject: only facts every participant may read."""

    title: str
    facts: tuple[tuple[str, str], ...] = ()
    url: str = ""  # the subject's own page, when this user may open it
    link_text: str = ""


class Provider(Protocol):
    # Event type prefixes (portal.events) after which an open chat socket re-checks the place.
    recheck_on: tuple[str, ...]

    def place(self, *, user: User, subject_id: int, lock: bool = False) -> Place | None:
        """The user's place now, or None. With `lock` (inside the sender's transaction) the
        rows that give the place are locked, so a leaving in flight is ordered with the send."""

    def subject_ids_for(self, user: User) -> QuerySet:
        """The subjects whose threads the user takes part in, as a lazy `.values("pk")`
        queryset (used as a subquery: it must not run queries of its own)."""

    def participants(self, subject_id: int) -> list[Participant]:
        """Everyone who takes part now."""

    def titles(self, subject_ids: Iterable[int]) -> dict[int, str]:
        """A short title per subject, in one query for any number of subjects."""

    def about(self, *, subject_id: int, user: User) -> About:
        """The facts the thread page shows this user about the subject."""


_providers: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> None:
    """Called by the owning app in its AppConfig.ready: `provider` answers for threads of
    Conversation kind `kind`."""
    _providers[kind] = provider


def provider(kind: str) -> Provider:
    found = _providers.get(kind)
    if found is None:
        raise ImproperlyConfigured(f"No app registered the participants of {kind!r} threads.")
    return found


def registered() -> dict[str, Provider]:
    return dict(_providers)


def recheck_prefixes() -> tuple[str, ...]:
    return tuple(p for found in _providers.values() for p in found.recheck_on)
