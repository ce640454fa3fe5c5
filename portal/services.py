"""Writes of the shared core: accounts, staff roles and the audit log.

Every write is keyword-only, atomic and leaves an audit row (STYLE.md, HackSoft styleguide).
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal import changes, events, rights, selectors
from portal.context import current_origin
from portal.models import AccountKind, AuditEvent, Region, StaffRole, User
from portal.models.accounts import SELF_SIGN_UP_KINDS

# Wagtail's migrations create this group with access to the admin and the page tree.
EDITORS_GROUP = rights.WAGTAIL_GROUPS[rights.Role.EDUCATION_OFFICER]


def audit_description(target: models.Model) -> str:
    """What the log shows of a target: its kind and id, in the portal's language. Never str():
    a message's str() is its first words, a user's their chosen name, and whoever reads the log
    (a coordinator of the region) may not read those."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{target._meta.verbose_name} #{target.pk}"


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    region: Region | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Write one audit row; where it came from is taken from the current request or socket."""
    where = current_origin()
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_repr=(f"{actor} <{actor.email}>" if actor.email else str(actor)) if actor else "",
        action=action,
        object_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        object_repr=audit_description(target) if target is not None else "",
        region=region,
        ip_address=where.ip_address,
        user_agent=where.user_agent,
        data=data or {},
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str,
    kind: str,
    mobile: str = "",
    created_by: User | None = None,
    email_verified: bool = False,
) -> User:
    """Create an account directly (staff, learners, demo data); sign-up goes through allauth.

    An administrator who vouches for the address may mark it verified, so the person can log in
    without the confirmation round trip that self sign-up needs.
    """
    user = User.objects.create_user(
        email, password, display_name=display_name, kind=kind, mobile=mobile
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    audit_record(actor=created_by, action="account.created", target=user, data={"kind": kind})
    return user


def user_signed_up(*, user: User) -> None:
    """Record a self sign-up (called by the allauth adapter once the account is saved)."""
    audit_record(actor=user, action="account.signed_up", target=user, data={"kind": user.kind})


def may_leave(user: User) -> bool:
    """Who may delete their own account: those who signed themselves up. A learner's account
    belongs to their group's supervision and a staff account to its office; an admin ends those."""
    return (
        user.is_authenticated
        and user.kind in SELF_SIGN_UP_KINDS
        and not (user.is_staff or user.is_superuser)
        and not user.staff_roles.exists()
    )


@transaction.atomic
def account_anonymise(*, user: User) -> None:
    """End an account but keep what others shared with it readable: the row stays, under a
    neutral name, so chat messages, ended memberships and confirmed hours keep their author;
    nothing left on it identifies the person, and nobody can log in with it (the address is free
    for a new sign-up). Callers end the person's places and detach their profiles first."""
    EmailAddress.objects.filter(user=user).delete()
    with translation.override(settings.LANGUAGE_CODE):
        user.display_name = gettext("Former member")
    # Unique, and never deliverable: .invalid is reserved (RFC 2606).
    user.email = f"left-{user.pk}@portal.invalid"
    user.mobile = ""
    user.mobile_verified = False
    user.is_active = False
    user.set_unusable_password()  # also invalidates every session (its password hash changes)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    events.sockets_close([user.pk])
    # Apps above end what they keep for the person (an organisation's member list, say).
    changes.announce(user, what={"left"})


def user_sessions_end(*, user: User) -> int:
    """Log the user out everywhere: delete their sessions and close their open sockets after
    commit. Returns how many sessions ended.

    Django would refuse a session whose password hash is stale on its next request anyway; this
    makes the logout immediate and also reaches sockets, which never re-read the session. The
    database store has no index by user, so the live sessions are decoded in chunks: a rare,
    deliberate action, not a per-request one.

    Each session is deleted through the session store, not as a row: the cached_db store keeps
    a copy in the cache that would otherwise still sign the person in. Again after commit, as a
    request that read the row before the commit may have put a copy back meanwhile.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    mine = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    )
    for key, data in live.iterator(chunk_size=2000):
        if store.decode(data).get(SESSION_KEY) == str(user.pk):
            mine.append(key)

    def forget():
        for key in mine:
            store.delete(key)

    forget()
    transaction.on_commit(forget)
    events.sockets_close([user.pk])
    return len(mine)


@transaction.atomic
def staff_role_grant(
    *, user: User, role: str, region: Region, granted_by: User | None
) -> StaffRole:
    """Give a user a staff role over a region and everything beneath it.

    The granter must cover the region (portal.rights.may_manage_role); a refusal raises
    PermissionDenied before anything is written. Education officers and reviewers also join the
    Wagtail group their work needs. Granting a role the user holds already records nothing.
    """
    if not rights.may_manage_role(granted_by, user=user, role=role, region=region):
        raise PermissionDenied(gettext("You may not grant this role over this region."))
    staff_role, created = StaffRole.objects.get_or_create(
        user=user, role=role, region=region, defaults={"granted_by": granted_by}
    )
    selectors.roles_forget(user)
    if user.kind != AccountKind.STAFF:
        user.kind = AccountKind.STAFF
        user.save(update_fields=["kind"])
    if role in rights.WAGTAIL_GROUPS:
        group, _ = Group.objects.get_or_create(name=rights.WAGTAIL_GROUPS[role])
        user.groups.add(group)
    if not created:  # held already: the group above is made sure of, nothing new to record
        return staff_role
    audit_record(
        actor=granted_by,
        action="staff_role.granted",
        target=user,
        region=region,
        data={"role": role},
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, staff_role: StaffRole, revoked_by: User | None) -> None:
    """Take a staff role away, under the same rule as granting it.

    Whoever has no such role left leaves its Wagtail group. After commit the person's open
    sockets are told (portal.rights.ACCESS_REVOKED) and close with 4403 where the role was what
    let them in; their next request reads their roles afresh anyway.
    """
    user, role, region = staff_role.user, staff_role.role, staff_role.region
    if not rights.may_manage_role(revoked_by, user=user, role=role, region=region):
        raise PermissionDenied(gettext("You may not revoke this role."))
    selectors.roles_forget(user)
    staff_role.delete()
    if role in rights.WAGTAIL_GROUPS and not user.staff_roles.filter(role=role).exists():
        user.groups.remove(*Group.objects.filter(name=rights.WAGTAIL_GROUPS[role]))
    audit_record(
        actor=revoked_by,
        action="staff_role.revoked",
        target=user,
        region=region,
        data={"role": role},
    )
    events.publish([user], rights.ACCESS_REVOKED, {"role": role, "region": region.code})


@transaction.atomic
def region_tree_load(*, tree: tuple, parent: Region | None = None) -> int:
    """Add the regions of `tree` ((code, name, children), ...) that are missing; returns how many.

    Existing codes are left as they are, so loading the same tree twice changes nothing.
    """
    existing = set(Region.objects.values_list("code", flat=True))
    added = _add_regions(tree, parent, existing)
    Region.shape_changed()
    return added


def _add_regions(tree, parent, existing) -> int:
    added = 0
    for code, name, children in tree:
        if code in existing:
            node = Region.objects.get(code=code)
        else:
            # In these trees the depth is the level; a 9-digit code is always a judicial office.
            depth = parent.depth + 1 if parent else 1
            level = Region.Level.JUDICIAL_OFFICE if len(code) == 9 else depth
            fields = {"code": code, "name": name, "level": level}
            node = parent.add_child(**fields) if parent else Region.add_root(**fields)
            parent = Region.objects.get(pk=parent.pk) if parent else None  # treebeard: refresh
            added += 1
        added += _add_regions(children, node, existing)
    return added


def terms_load(*, model: type[models.Model], rows: tuple) -> int:
    """Add the (code, Chinese, English) terms that are missing; existing ones are kept as edited."""
    existing = set(model.objects.values_list("code", flat=True))
    new = [
        model(code=code, name_zh=zh, name_en=en, position=i)
        for i, (code, zh, en) in enumerate(rows)
        if code not in existing
    ]
    model.objects.bulk_create(new)
    return len(new)


def reference_data_load() -> None:
    """Offence categories and industries (the data migration does this on a new database)."""
    from portal import reference
    from portal.models import Industry, OffenceCategory

    terms_load(model=OffenceCategory, rows=reference.OFFENCE_CATEGORIES)
    terms_load(model=Industry, rows=reference.INDUSTRIES)
