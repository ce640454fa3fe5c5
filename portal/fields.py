"""Form fields for ids, bounded to what a database column holds (portal.converters).

Django's ModelChoiceField and ModelMultipleChoiceField send what the browser posted straight
to the query: on SQLite an id beyond 2**63 raises OverflowError there (a 500, not a form
error), and an IntegerField without a maximum lets such a number reach a save. Use these
instead of Django's in every form of ours.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from portal.converters import MAX_ID, parse_id


def _integer_key(queryset, to_field_name: str | None) -> bool:
    field = queryset.model._meta.get_field(to_field_name) if to_field_name else None
    field = field or queryset.model._meta.pk
    while field.is_relation:  # a parent link (Wagtail pages) or a foreign key as the key
        field = field.target_field
    return isinstance(field, models.IntegerField)


class IdField(forms.IntegerField):
    """An id in a form (often hidden): 1 to the largest bigint, Django's messages otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, refusing a key no column can hold before it reaches the query."""

    def to_python(self, value):
        raw = value not in self.empty_values and not isinstance(value, self.queryset.model)
        if raw and _integer_key(self.queryset, self.to_field_name) and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing keys no column can hold before they reach the query."""

    def _check_values(self, value):
        if _integer_key(self.queryset, self.to_field_name):
            for key in value:
                if parse_id(str(key)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": key},
                    )
        return super()._check_values(value)


class IdListField(forms.Field):
    """Several ids under one name (check boxes of rows): every one valid, or a form error."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": forms.IntegerField.default_error_messages["invalid"]}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = [parse_id(item) for item in value]
        if None in ids:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))
