"""Uploaded licences and logos are judged by their content, not by their name."""

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LICENCE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
LOGO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
LICENCE_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_BYTES = 1024 * 1024


def check_upload(upload, *, allowed: dict[str, str], max_bytes: int) -> str:
    """The file's real content type, or a ValidationError saying what is wrong with it."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": max_bytes // 1024 // 1024},
            code="too_large",
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            _("This file is not a %(types)s file, whatever its name says.")
            % {"types": " / ".join(sorted(ext.upper() for ext in set(allowed.values())))},
            code="bad_type",
        )
    return kind.mime
