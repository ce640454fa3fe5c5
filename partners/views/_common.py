from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's errors beside the fields they are about (the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
