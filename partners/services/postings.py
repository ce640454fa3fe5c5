"""Job placements and programmes: one shape of write for both (a posting). Each change is
announced (portal.changes) for search and matching to act on after commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import JobPlacement, Organisation, Posting, Programme
from partners.text import sanitise_html
from portal import changes
from portal.models import User
from portal.services import audit_record

Status = Posting.Status
# The moves an organisation may make with its postings.
STATUS_MOVES = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.CLOSED, Status.FILLED},
    Status.CLOSED: {Status.OPEN},
    Status.FILLED: {Status.OPEN},
}
M2M = {
    JobPlacement: ("work_locations", "requirements", "excluded_offences"),
    Programme: ("regions",),
}


def _validate(model, data: dict, *, publishing: bool, organisation: Organisation) -> None:
    errors = {}
    today = timezone.localdate()
    if data["closes_on"] < today:
        errors["closes_on"] = _("The closing date cannot be in the past.")
    elif data["opens_on"] > data["closes_on"]:
        errors["closes_on"] = _("The closing date cannot be before the opening date.")
    if model is JobPlacement:
        if data["salary_min"] > data["salary_max"]:
            errors["salary_max"] = _("The salary minimum cannot be more than the maximum.")
        if not data.get("work_locations"):
            errors["work_locations"] = _("Give at least one place of work.")
    elif not data.get("regions"):
        errors["regions"] = _("Give at least one region.")
    if publishing and not organisation.is_verified:
        errors[None] = _("Your organisation must be verified before it can publish.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def posting_save(
    *,
    model: type[Posting],
    data: dict,
    saved_by: User,
    organisation: Organisation | None = None,
    posting: Posting | None = None,
    publish: bool = False,
) -> Posting:
    """Create (with organisation) or change (with posting) a job placement or programme.

    The description is sanitised here, once; `publish` opens it at once (verified only)."""
    organisation = posting.organisation if posting else organisation
    publishing = publish or (posting is not None and posting.status == Status.OPEN)
    _validate(model, data, publishing=publishing, organisation=organisation)
    fields = {k: v for k, v in data.items() if k not in M2M[model]}
    fields["description"] = sanitise_html(fields.get("description", ""))
    if posting is None:
        posting = model(organisation=organisation, created_by=saved_by)
        action = "created"
    else:
        action = "updated"
    status_before = posting.status
    for name, value in fields.items():
        setattr(posting, name, value)
    if publish:
        posting.status = Status.OPEN
    posting.save()
    for name in M2M[model]:
        getattr(posting, name).set(data.get(name) or [])
    audit_record(
        actor=saved_by,
        action=f"{model._meta.model_name}.{action}",
        target=posting,
        region=organisation.region,
        data={"status": posting.status},
    )
    what = {action}
    if action == "updated" and posting.status != status_before:
        what.add("status")  # published while saving
    changes.announce(posting, what=what)
    return posting


@transaction.atomic
def posting_set_status(*, posting: Posting, status: str, changed_by: User) -> Posting:
    """Publish, close, mark filled or reopen a posting."""
    if status not in STATUS_MOVES.get(posting.status, set()):
        raise ValidationError(
            _("A posting that is %(now)s cannot become %(then)s.")
            % {"now": posting.get_status_display(), "then": Status(status).label}
        )
    if status == Status.OPEN:
        if not posting.organisation.is_verified:
            raise ValidationError(_("Your organisation must be verified before it can publish."))
        if posting.closes_on < timezone.localdate():
            raise ValidationError(_("The closing date has passed: change it before opening again."))
    posting.status = status
    posting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=changed_by,
        action=f"{posting._meta.model_name}.{status}",
        target=posting,
        region=posting.organisation.region,
    )
    changes.announce(posting, what={"status"})
    return posting
