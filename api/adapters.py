"""What every router does the same way: run the page's own form over the input (its rules and
translated messages, not a second copy), page a list, and find the caller's profile."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Schema
from pydantic import Field

from volunteers import selectors as volunteer_selectors

# A database id: bounded so an absurd number is a 422, never an overflow in the database.
MAX_ID = 2**53 - 1


class Paging(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


PagingQuery = Query[Paging]


def page(queryset, paging: Paging) -> tuple[int, list]:
    """The total and one slice: two queries whatever the size."""
    return queryset.count(), list(queryset[paging.offset : paging.offset + paging.limit])


def cleaned(form) -> dict:
    """The form's cleaned data, or a 400 with its translated messages per field."""
    if not form.is_valid():
        raise ValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form.cleaned_data


def own_profile_or_404(user, *, approved: bool = False):
    """The caller's volunteer profile (never started here: the page does that), or 404 for an
    account without one; with approved=True also 404 until it is approved (as on the pages)."""
    profile = volunteer_selectors.own_profile(user)
    if profile is None or (approved and not profile.is_approved):
        raise Http404
    return profile
